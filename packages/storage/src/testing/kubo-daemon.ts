/**
 * A throw-away Kubo daemon for tests: a fresh repo in a temp folder (`ipfs init --profile=test
 * --empty-repo`), RPC API and gateway on 127.0.0.1 at ports the OS picks, no swarm addresses, no
 * bootstrap peers, no telemetry, started with `--offline` — it talks to nobody but the test.
 * The ports chosen at first start are written into the config, so a restart (`stop()` then
 * `start()`) serves the same URL, as a real daemon would after a restart.
 *
 * With `swarm`, the daemon goes online instead, listening for peers on 127.0.0.1 only (a port the
 * OS picks), still with no bootstrap peers, no mDNS and no content routing: it reaches exactly the
 * daemons it is told to `peer` with, over loopback, as two platforms' Kubo nodes on one "public"
 * network would (ADR 0031). With `swarm.key`, that network is private: the key is written to the
 * repo's `swarm.key` and LIBP2P_FORCE_PNET=1 makes the daemon refuse to run without it, so it
 * connects only to daemons holding the same key.
 *
 * The binary: ANCHORPOST_IPFS_BIN, else the one `scripts/install-kubo.sh` builds
 * (`$ANCHORPOST_TOOLS_DIR` or `~/.cache/anchorpost`, `kubo-v0.39.0/ipfs`), else `ipfs` on PATH.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
  /** Online on a loopback swarm (see the module comment); `key`: a private network's swarm key. */
  swarm?: { readonly key?: string };
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
  /** Where other daemons dial this one (`/ip4/127.0.0.1/tcp/<port>/p2p/<peer id>`); needs `swarm`. */
  swarmAddress(): Promise<string>;
  /** Keeps a connection to `other` (Kubo's peering: redialled when it drops); needs `swarm`. */
  peer(other: KuboDaemon): Promise<void>;
  /** The peer ids this daemon is connected to now (`ipfs swarm peers`). */
  connectedPeers(): Promise<string[]>;
  /** This daemon's peer id. */
  peerId(): Promise<string>;
}

/** A fresh private network's swarm key, in the `swarm.key` file format of go-libp2p's pnet. */
export function newSwarmKey(): string {
  return `/key/swarm/psk/1.0.0/\n/base16/\n${randomBytes(32).toString('hex')}\n`;
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
  const swarm = options.swarm;
  const daemon = new ThrowAwayKubo(binary, repoPath, options.startTimeoutMs ?? 30_000, swarm);
  try {
    await run(binary, ['init', '--profile=test', '--empty-repo'], { env: daemon.env, timeout: 30_000 });
    if (swarm?.key !== undefined) await writeFile(join(repoPath, 'swarm.key'), swarm.key, { mode: 0o600 });
    await daemon.editConfig({
      'Addresses.API': '/ip4/127.0.0.1/tcp/0',
      'Addresses.Gateway': '/ip4/127.0.0.1/tcp/0',
      'Addresses.Swarm': swarm === undefined ? [] : ['/ip4/127.0.0.1/tcp/0'],
      Bootstrap: [],
      'Discovery.MDNS.Enabled': false,
      'AutoConf.Enabled': false,
      'Plugins.Plugins.telemetry.Config.Mode': 'off',
      ...(swarm === undefined ? {} : { 'Routing.Type': 'none' }),
      ...options.config,
    });
    await daemon.start();
    // Keep the ports for restarts.
    await daemon.editConfig({
      'Addresses.API': daemon.apiAddress,
      'Addresses.Gateway': daemon.gatewayAddress,
      ...(swarm === undefined ? {} : { 'Addresses.Swarm': [daemon.swarmListen] }),
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

  readonly #online: boolean;
  /** The swarm's listen address once started (with `swarm`). */
  swarmListen = '';

  constructor(binary: string, repoPath: string, startTimeoutMs: number, swarm: KuboDaemonOptions['swarm']) {
    this.#binary = binary;
    this.repoPath = repoPath;
    this.#startTimeoutMs = startTimeoutMs;
    this.#online = swarm !== undefined;
    this.env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      IPFS_PATH: repoPath,
      IPFS_TELEMETRY: 'off',
      // Without the key file the daemon refuses to start, rather than join any network.
      ...(swarm?.key === undefined ? {} : { LIBP2P_FORCE_PNET: '1' }),
    };
  }

  async swarmAddress(): Promise<string> {
    if (!this.#online || this.swarmListen === '') throw new Error('this Kubo daemon has no swarm');
    return `${this.swarmListen}/p2p/${await this.peerId()}`;
  }

  async peerId(): Promise<string> {
    const config = JSON.parse(await readFile(join(this.repoPath, 'config'), 'utf8')) as {
      Identity: { PeerID: string };
    };
    return config.Identity.PeerID;
  }

  async connectedPeers(): Promise<string[]> {
    const { stdout } = await run(this.#binary, ['swarm', 'peers'], { env: this.env, timeout: 30_000 });
    return stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((address) => address.slice(address.lastIndexOf('/p2p/') + '/p2p/'.length));
  }

  async peer(other: KuboDaemon): Promise<void> {
    await run(this.#binary, ['swarm', 'peering', 'add', await other.swarmAddress()], {
      env: this.env,
      timeout: 30_000,
    });
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
    const child = spawn(this.#binary, this.#online ? ['daemon'] : ['daemon', '--offline'], {
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
          // Kubo 0.39 writes `Swarm listening on 127.0.0.1:<port> (TCP)`.
          const swarmListen = /Swarm listening on 127\.0\.0\.1:(\d+)/.exec(log);
          if (api !== null && gateway !== null && log.includes('Daemon is ready')) {
            this.apiAddress = api[1]!;
            this.gatewayAddress = gateway[1]!;
            if (swarmListen !== null) this.swarmListen = `/ip4/127.0.0.1/tcp/${swarmListen[1]!}`;
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
