/**
 * Test support: a GitOps remote on disk — a bare repository whose `release` branch holds a copy of
 * this repository's `k8s/` and `charts/` — an SSH signing key for the updater, and a second clone
 * for "someone else" who pushes to the branch too.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../command.ts';

export interface GitOpsRemote {
  /** The bare repository (what the updater and Argo CD read). */
  readonly remote: string;
  readonly branch: string;
  /** The SSH private key release commits are signed with, and an allowed-signers file for it. */
  readonly signingKeyFile: string;
  readonly allowedSignersFile: string;
  readonly authorEmail: string;
  /** Runs git in the bare repository; fails on a non-zero exit. */
  git(args: readonly string[]): Promise<string>;
  /** Pushes a commit changing `file` (relative path) to `content` from another clone, as someone else. */
  pushOtherCommit(file: string, content: string, message: string): Promise<string>;
}

async function git(args: readonly string[], cwd?: string): Promise<string> {
  const result = await runCommand('git', cwd === undefined ? args : ['-C', cwd, ...args], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const SKIP = /(^|\/)(node_modules|\.turbo|dist)(\/|$)/;

/** Makes the remote in `dir` from the repository at `repoRoot`. */
export async function createGitOpsRemote(dir: string, repoRoot: string): Promise<GitOpsRemote> {
  const branch = 'release';
  const remote = join(dir, 'gitops.git');
  const seed = join(dir, 'seed');
  const authorEmail = 'updater@anchorpost.invalid';
  await git(['init', '-q', '--bare', '-b', branch, remote]);
  await mkdir(seed, { recursive: true });
  for (const folder of ['k8s', 'charts']) {
    await cp(join(repoRoot, folder), join(seed, folder), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (source) => !SKIP.test(source.slice(repoRoot.length)),
    });
  }
  const identity = [
    '-c',
    'user.name=Seed',
    '-c',
    'user.email=seed@anchorpost.invalid',
    '-c',
    'commit.gpgsign=false',
  ];
  await git(['init', '-q', '-b', branch, seed]);
  await git(['add', '-A'], seed);
  await git([...identity, 'commit', '-q', '-m', 'seed: k8s/ and charts/ as main has them'], seed);
  await git(['push', '-q', remote, `${branch}:refs/heads/${branch}`], seed);

  const signingKeyFile = join(dir, 'updater-signing-key');
  const keygen = await runCommand('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    authorEmail,
    '-f',
    signingKeyFile,
  ]);
  if (keygen.code !== 0) throw new Error(`ssh-keygen: ${keygen.stderr}`);
  const allowedSignersFile = join(dir, 'allowed-signers');
  await writeFile(allowedSignersFile, `${authorEmail} ${await readFile(`${signingKeyFile}.pub`, 'utf8')}`);

  const other = join(dir, 'other');
  await git(['clone', '-q', '-b', branch, remote, other]);
  return {
    remote,
    branch,
    signingKeyFile,
    allowedSignersFile,
    authorEmail,
    git: (args) => git(args, remote),
    async pushOtherCommit(file, content, message) {
      await git(['pull', '-q', '--ff-only', 'origin', branch], other);
      await writeFile(join(other, file), content);
      await git(['add', '--', file], other);
      await git(
        [
          '-c',
          'user.name=Someone Else',
          '-c',
          'user.email=else@anchorpost.invalid',
          '-c',
          'commit.gpgsign=false',
          'commit',
          '-q',
          '-m',
          message,
        ],
        other,
      );
      await git(['push', '-q', 'origin', `HEAD:refs/heads/${branch}`], other);
      return (await git(['rev-parse', 'HEAD'], other)).trim();
    },
  };
}
