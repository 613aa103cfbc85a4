/**
 * A throw-away Kubo daemon for tests: a fresh repo in a temp folder (`ipfs init --profile=test
 * --empty-repo`), RPC API and gateway on 127.0.0.1 at ports the OS picks, no swarm addresses, no
 * bootstrap peers, no telemetry, started with `--offline` — it talks to nobody but the test.
 * The ports chosen at first start are written into the config, so a restart (`stop()` then
 * `start()`) serves the same URL, as a real daemon would after a restart.
 *
 * The binary: ANCHORPOST_IPFS_BIN, else the one `scripts/install-kubo.sh` builds
 * (`$ANCHORPOST_TOOLS_DIR` or `~/.cache/anchorpost`, `kubo-v0.39.0/ipfs`), else `ipfs` on PATH.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The Kubo release the project pins (scripts/install-kubo.sh). */
export const KUBO_VERSION = 'v0.39.0';

export interface KuboDaemonOptions {
  /** The `ipfs` binary; default `findKuboBinary()`. */
  binary?: string;
  /** Extra config set before the first start, by dotted key (e.g. `{ 'Import.UnixFSChunker': 'size-1024' }`). */
  config?: Readonly<Record<string, unknown>>;
  /** How long to wait for "Daemon is ready" (ms). Default 30,000. */
  startTimeoutMs?: number;
}

export interface KuboDaemon {
  /** RPC API base URL, e.g. `http://127.0.0.1:40123`; unchanged across restarts. */
  readonly url: string;
  readonly gatewayUrl: string;
  /** The repo (IPFS_PATH). */
  readonly repoPath: string;
  readonly running: boolean;
  /** Stops the daemon and keeps the repo (graceful, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again over the same repo and ports. */
  start(): Promise<void>;
  /** Stops the daemon and deletes the repo. Idempotent. */
  dispose(): Promise<void>;
}

/** The Kubo binary to use, or undefined if none is installed (see the module comment). */
export function findKuboBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env.ANCHORPOST_IPFS_BIN;
  // An explicit choice is the only candidate: falling back would test another binary than asked.
  if (fromEnv !== undefined && fromEnv !== '') return isExecutable(fromEnv) ? fromEnv : undefined;
  const toolsDir = env.ANCHORPOST_TOOLS_DIR ?? join(homedir(), '.cache', 'anchorpost');
  const candidates = [join(toolsDir, `kubo-${KUBO_VERSION}`, 'ipfs')];
  for (const dir of (env.PATH ?? '').split(delimiter)) if (dir !== '') candidates.push(join(dir, 'ipfs'));
  return candidates.find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether a missing Kubo must fail the tests rather than skip them: in CI, or when asked to. */
export function kuboRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.ANCHORPOST_REQUIRE_KUBO === '1';
}

/**
 * The Kubo binary for a test file, or a reason to skip. Throws when Kubo is missing but required
 * (see kuboRequired), so the test run fails instead of quietly skipping.
 */
export function kuboBinaryForTests(
  env: NodeJS.ProcessEnv = process.env,
): { binary: string } | { skip: string } {
  const binary = findKuboBinary(env);
  if (binary !== undefined) return { binary };
  const explicit = env.ANCHORPOST_IPFS_BIN;
  const why =
    explicit !== undefined && explicit !== ''
      ? `ANCHORPOST_IPFS_BIN=${explicit} is not an executable file`
      : 'no Kubo binary: set ANCHORPOST_IPFS_BIN or run scripts/install-kubo.sh';
  if (kuboRequired(env)) throw new Error(`${why} (required: CI=true or ANCHORPOST_REQUIRE_KUBO=1)`);
  return { skip: why };
}

export async function startKuboDaemon(options: KuboDaemonOptions = {}): Promise<KuboDaemon> {
  const binary = options.binary ?? findKuboBinary();
  if (binary === undefined)
    throw new Error('no Kubo binary: set ANCHORPOST_IPFS_BIN or run scripts/install-kubo.sh');
  const repoPath = await mkdtemp(join(tmpdir(), 'anchorpost-kubo-'));
  const daemon = new ThrowAwayKubo(binary, repoPath, options.startTimeoutMs ?? 30_000);
  try {
    await run(binary, ['init', '--profile=test', '--empty-repo'], { env: daemon.env, timeout: 30_000 });
    await daemon.editConfig({
      'Addresses.API': '/ip4/127.0.0.1/tcp/0',
      'Addresses.Gateway': '/ip4/127.0.0.1/tcp/0',
      'Addresses.Swarm': [],
      Bootstrap: [],
      'Discovery.MDNS.Enabled': false,
      'AutoConf.Enabled': false,
      'Plugins.Plugins.telemetry.Config.Mode': 'off',
      ...options.config,
    });
    await daemon.start();
    // Keep the ports for restarts.
    await daemon.editConfig({
      'Addresses.API': daemon.apiAddress,
      'Addresses.Gateway': daemon.gatewayAddress,
    });
    return daemon;
  } catch (error) {
    await daemon.dispose();
    throw error;
  }
}

class ThrowAwayKubo implements KuboDaemon {
  readonly repoPath: string;
  readonly env: NodeJS.ProcessEnv;
  apiAddress = '';
  gatewayAddress = '';
  readonly #binary: string;
  readonly #startTimeoutMs: number;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #disposed = false;
  readonly #killOnExit = (): void => {
    this.#child?.kill('SIGKILL');
  };

  constructor(binary: string, repoPath: string, startTimeoutMs: number) {
    this.#binary = binary;
    this.repoPath = repoPath;
    this.#startTimeoutMs = startTimeoutMs;
    this.env = { PATH: process.env.PATH, HOME: process.env.HOME, IPFS_PATH: repoPath, IPFS_TELEMETRY: 'off' };
  }

  get url(): string {
    return httpUrl(this.apiAddress);
  }

  get gatewayUrl(): string {
    return httpUrl(this.gatewayAddress);
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async editConfig(values: Readonly<Record<string, unknown>>): Promise<void> {
    const file = join(this.repoPath, 'config');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    for (const [key, value] of Object.entries(values)) setPath(config, key.split('.'), value);
    await writeFile(file, JSON.stringify(config, null, 2));
  }

  async start(): Promise<void> {
    if (this.#disposed) throw new Error('the Kubo daemon was disposed');
    if (this.#child !== undefined) return;
    const child = spawn(this.#binary, ['daemon', '--offline'], {
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    process.once('exit', this.#killOnExit);
    this.#exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (this.#child === child) this.#child = undefined;
        process.removeListener('exit', this.#killOnExit);
        resolve();
      });
    });
    let log = '';
    // Keep both pipes drained for the daemon's whole life (a full pipe would block it), and keep
    // the start of its output for error messages.
    const keep = (chunk: Buffer): void => {
      if (log.length < 16_384) log += chunk.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`Kubo did not start within ${this.#startTimeoutMs} ms:\n${log}`));
        }, this.#startTimeoutMs);
        const onExit = (code: number | null): void => {
          clearTimeout(timer);
          reject(new Error(`Kubo exited with ${code} before it was ready:\n${log}`));
        };
        child.once('exit', onExit);
        child.once('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
        child.stdout.on('data', () => {
          const api = /RPC API server listening on (\S+)/.exec(log);
          const gateway = /Gateway server listening on (\S+)/.exec(log);
          if (api !== null && gateway !== null && log.includes('Daemon is ready')) {
            this.apiAddress = api[1]!;
            this.gatewayAddress = gateway[1]!;
            clearTimeout(timer);
            child.removeListener('exit', onExit);
            resolve();
          }
        });
      });
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    await this.stop();
    await rm(this.repoPath, { recursive: true, force: true });
  }
}

/** `/ip4/127.0.0.1/tcp/5001` → `http://127.0.0.1:5001`. */
function httpUrl(multiaddr: string): string {
  const match = /^\/ip4\/([\d.]+)\/tcp\/(\d+)$/.exec(multiaddr);
  if (match === null) throw new Error(`unexpected Kubo listen address ${multiaddr}`);
  return `http://${match[1]!}:${match[2]!}`;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = target[head];
  const child: Record<string, unknown> =
    typeof next === 'object' && next !== null && !Array.isArray(next)
      ? (next as Record<string, unknown>)
      : {};
  target[head] = child;
  setPath(child, rest, value);
}
