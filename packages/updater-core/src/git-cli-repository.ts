/**
 * The GitOps repository through the `git` command line, in a clone the updater owns:
 *
 * - each attempt starts from the remote branch as it is now (fetch, hard reset), so a commit
 *   someone else pushed is built upon, never overwritten; a push is never forced;
 * - before committing, the branch is searched for this proposal's trailer: a commit already there
 *   (pushed by an updater killed before it could record it) means done, so none is duplicated;
 * - the commit is signed with an SSH key from a file (`gpg.format=ssh`), and a push rejected as
 *   non-fast-forward is retried from a fresh fetch, up to `maxPushAttempts`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './command.ts';
import type { CommandRunner } from './command.ts';
import { PROPOSAL_TRAILER, releaseCommitMessage } from './gitops-repository.ts';
import type { GitOpsRepository, ReleaseChange, ReleaseCommit } from './gitops-repository.ts';
import { pinReleaseImages } from './prod-overlay.ts';
import { UpdaterError } from './updater-error.ts';

export interface GitCliRepositoryOptions {
  /** The remote's URL or path. */
  readonly remote: string;
  /** Default `release`. */
  readonly branch?: string;
  /** The updater's clone; created on first use. */
  readonly workDir: string;
  /** The overlay the release pins, relative to the repository root. Default `k8s/overlays/prod`. */
  readonly overlay?: string;
  /** The SSH private key commits are signed with. */
  readonly signingKeyFile: string;
  readonly author: { readonly name: string; readonly email: string };
  /** Default `git` on PATH. */
  readonly git?: string;
  readonly run?: CommandRunner;
  /** Default 5. */
  readonly maxPushAttempts?: number;
}

/** What git prints when the remote branch moved since our fetch. */
const LOST_RACE =
  /non-fast-forward|\[rejected\]|fetch first|stale info|failed to update ref|cannot lock ref/i;

export class GitCliRepository implements GitOpsRepository {
  readonly #o: Required<Omit<GitCliRepositoryOptions, 'run'>> & { run: CommandRunner };

  constructor(options: GitCliRepositoryOptions) {
    this.#o = {
      branch: 'release',
      overlay: 'k8s/overlays/prod',
      git: 'git',
      maxPushAttempts: 5,
      run: runCommand,
      ...options,
    };
  }

  get #remoteRef(): string {
    return `refs/remotes/origin/${this.#o.branch}`;
  }

  async withCheckout<T>(use: (dir: string, commit: string) => Promise<T>): Promise<T> {
    await this.#fetch();
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-updater-checkout-'));
    await rm(dir, { recursive: true });
    await this.#git(['worktree', 'add', '-q', '--detach', dir, this.#remoteRef]);
    try {
      const commit = (await this.#git(['rev-parse', 'HEAD'], dir)).trim();
      return await use(dir, commit);
    } finally {
      await this.#git(['worktree', 'remove', '--force', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await this.#git(['worktree', 'prune']).catch(() => undefined);
    }
  }

  async findReleaseCommit(proposalId: string): Promise<string | undefined> {
    await this.#fetch();
    return this.#find(proposalId);
  }

  async commitRelease(change: ReleaseChange): Promise<ReleaseCommit> {
    for (let attempt = 1; ; attempt++) {
      await this.#fetch();
      const existing = await this.#find(change.proposalId);
      if (existing !== undefined) {
        return { commit: existing, alreadyThere: true, attempts: attempt - 1, pinned: [], unlisted: [] };
      }
      await this.#git(['checkout', '-q', '-f', '-B', this.#o.branch, this.#remoteRef]);
      await this.#git(['clean', '-q', '-f', '-d', '-x']);
      const file = join(this.#o.workDir, this.#o.overlay, 'kustomization.yaml');
      const change_ = pinReleaseImages(await readFile(file, 'utf8'), change.images);
      await writeFile(file, change_.text);
      await this.#git(['add', '--', join(this.#o.overlay, 'kustomization.yaml')]);
      await this.#git(
        [
          '-c',
          'gpg.format=ssh',
          '-c',
          `user.signingkey=${this.#o.signingKeyFile}`,
          '-c',
          `user.name=${this.#o.author.name}`,
          '-c',
          `user.email=${this.#o.author.email}`,
          'commit',
          '-q',
          '-S',
          // Digests equal to what runs (a repeated release) still get their commit: the trailer
          // is what marks the proposal done.
          '--allow-empty',
          '-F',
          '-',
        ],
        this.#o.workDir,
        releaseCommitMessage(change, change_.pinned),
      );
      const commit = (await this.#git(['rev-parse', 'HEAD'])).trim();
      const push = await this.#o.run(
        this.#o.git,
        ['-C', this.#o.workDir, 'push', '--porcelain', 'origin', `HEAD:refs/heads/${this.#o.branch}`],
        { env: gitEnv() },
      );
      if (push.code === 0) {
        return {
          commit,
          alreadyThere: false,
          attempts: attempt,
          pinned: change_.pinned,
          unlisted: change_.unlisted,
        };
      }
      const output = `${push.stdout}\n${push.stderr}`;
      if (!LOST_RACE.test(output)) {
        throw new UpdaterError('GIT_FAILED', `git push failed: ${lastLines(output)}`);
      }
      if (attempt >= this.#o.maxPushAttempts) {
        throw new UpdaterError(
          'PUSH_RACE_LOST',
          `the push was rejected ${attempt} times: ${lastLines(output)}`,
        );
      }
    }
  }

  async #find(proposalId: string): Promise<string | undefined> {
    const log = await this.#git([
      'log',
      '-z',
      `--format=%H%x1f%(trailers:key=${PROPOSAL_TRAILER},valueonly,separator=%x1e)`,
      this.#remoteRef,
    ]);
    for (const record of log.split('\0')) {
      const [commit, trailers] = record.trim().split('\x1f');
      if (commit === undefined || trailers === undefined) continue;
      if (trailers.split('\x1e').some((value) => value.trim() === proposalId)) return commit;
    }
    return undefined;
  }

  async #fetch(): Promise<void> {
    if (!existsSync(join(this.#o.workDir, '.git'))) {
      await mkdir(this.#o.workDir, { recursive: true });
      await this.#git(['init', '-q']);
      await this.#git(['remote', 'add', 'origin', this.#o.remote]);
    }
    await this.#git(['fetch', '-q', '--prune', 'origin', `+refs/heads/${this.#o.branch}:${this.#remoteRef}`]);
  }

  async #git(args: readonly string[], cwd: string = this.#o.workDir, input?: string): Promise<string> {
    const full = ['-C', cwd, ...args];
    let result;
    try {
      result = await this.#o.run(this.#o.git, full, {
        env: gitEnv(),
        ...(input === undefined ? {} : { input }),
      });
    } catch (error) {
      throw new UpdaterError('GIT_FAILED', `git ${args[0]} could not run: ${String(error)}`, {
        cause: error,
      });
    }
    if (result.code !== 0) {
      throw new UpdaterError(
        'GIT_FAILED',
        `git ${args.join(' ')}: ${lastLines(result.stderr || result.stdout)}`,
      );
    }
    return result.stdout;
  }
}

/** No prompts (a missing credential fails instead of hanging), no pager. */
function gitEnv(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ');
}
