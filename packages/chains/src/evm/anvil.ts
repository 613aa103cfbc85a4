/**
 * A local EVM chain for the embedded mode and for tests: spawns the anvil binary from the
 * @foundry-rs/anvil npm package on 127.0.0.1, on a free port, and waits until it answers JSON-RPC.
 * With `stateFile` the chain is loaded from and saved to that file (on stop, and every
 * `stateIntervalSeconds`), so `npm start` resumes the same chain after a restart.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ChainError, ChainErrorCode } from '../chain-error.ts';

export interface AnvilOptions {
  /** 0 (default): a free port chosen by the system. */
  readonly port?: number;
  /** Default 31337. */
  readonly chainId?: number;
  /** Seconds between blocks; default: a block per transaction (automine). */
  readonly blockTime?: number;
  /** Load the chain from this file if it exists, and save it there on stop and periodically. */
  readonly stateFile?: string;
  /** How often the state is saved while running (crash safety); default 5 s. */
  readonly stateIntervalSeconds?: number;
  /** Number of funded dev accounts; default 10. */
  readonly accounts?: number;
  /** Path of the anvil binary; default: the one from @foundry-rs/anvil for this platform. */
  readonly binary?: string;
  readonly startTimeoutMs?: number;
  /** Grace period after SIGTERM before SIGKILL; default 5 s. */
  readonly stopTimeoutMs?: number;
}

export interface Anvil {
  readonly rpcUrl: string;
  readonly port: number;
  readonly chainId: number;
  readonly pid: number;
  /** Funded dev accounts (lower-case) and their private keys, same order. Test keys, public. */
  readonly accounts: readonly string[];
  readonly privateKeys: readonly string[];
  /** SIGTERM (anvil saves its state), then SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const LISTENING_RE = /Listening on ([0-9.]+):(\d+)/;
const OUTPUT_TAIL_LINES = 40;

/** Children still running: stopped when this process exits, so none outlives it. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    // SIGTERM, not SIGKILL: anvil still saves its state file on the way out.
    for (const child of running) child.kill('SIGTERM');
  });
}

/** The anvil binary shipped by @foundry-rs/anvil's platform package. */
export function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const require = createRequire(import.meta.url);
  let packageJson: string;
  try {
    // The platform package is an optional dependency of @foundry-rs/anvil: resolve it from there.
    const anvilRequire = createRequire(require.resolve('@foundry-rs/anvil/package.json'));
    packageJson = anvilRequire.resolve(`${platformPackage}/package.json`);
  } catch (cause) {
    throw new ChainError(ChainErrorCode.NodeProcess, `${platformPackage} is not installed`, { cause });
  }
  return join(dirname(packageJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const chainId = options.chainId ?? 31337;
  const binary = options.binary ?? anvilBinaryPath();
  if (options.stateFile !== undefined) await mkdir(dirname(options.stateFile), { recursive: true });
  const configDir = await mkdtemp(join(tmpdir(), 'anchorpost-anvil-'));
  const configFile = join(configDir, 'anvil.json');
  const args = [
    '--host',
    '127.0.0.1',
    '--port',
    String(options.port ?? 0),
    '--chain-id',
    String(chainId),
    '--accounts',
    String(options.accounts ?? 10),
    '--config-out',
    configFile,
    '--color',
    'never',
  ];
  if (options.blockTime !== undefined) args.push('--block-time', String(options.blockTime));
  if (options.stateFile !== undefined) {
    args.push('--state', options.stateFile, '--state-interval', String(options.stateIntervalSeconds ?? 5));
  }

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
  });
  // Keep the last lines for error messages, and keep reading: a full pipe would block anvil.
  const tail: string[] = [];
  let listening: ((port: number) => void) | undefined;
  const port = new Promise<number>((resolve) => (listening = resolve));
  const lineReader = (): ((chunk: Buffer) => void) => {
    let partial = '';
    return (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = (lines.pop() ?? '').slice(-4096); // an unfinished line waits for the next chunk
      for (const line of lines) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
        const match = LISTENING_RE.exec(line);
        if (match !== null) listening?.(Number(match[2]));
      }
    };
  };
  child.stdout.on('data', lineReader());
  child.stderr.on('data', lineReader());
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (cause) => {
      reject(new ChainError(ChainErrorCode.NodeProcess, `cannot start anvil: ${cause.message}`, { cause }));
    });
    void exited.then(() => {
      reject(new ChainError(ChainErrorCode.NodeProcess, `anvil exited during start-up:\n${tail.join('\n')}`));
    });
  });
  // Nobody may be listening for the rejection after a successful start.
  spawnError.catch(() => undefined);

  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.ref(); // hold the event loop until anvil is really gone
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            resolve(true);
          }, stopTimeoutMs);
        });
        const killed = await Promise.race([exited.then(() => false), graceOver]);
        clearTimeout(timer);
        if (killed) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      await rm(configDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const deadline = Date.now() + startTimeoutMs;
  let startTimer: NodeJS.Timeout | undefined;
  const startTimeout = new Promise<never>((_, reject) => {
    startTimer = setTimeout(() => {
      reject(
        new ChainError(
          ChainErrorCode.Timeout,
          `anvil did not start in ${startTimeoutMs} ms:\n${tail.join('\n')}`,
        ),
      );
    }, startTimeoutMs);
  });
  try {
    const boundPort = await Promise.race([port, spawnError, startTimeout]);
    const rpcUrl = `http://127.0.0.1:${boundPort}`;
    await Promise.race([waitForRpc(rpcUrl, chainId, deadline), spawnError, startTimeout]);
    const config = JSON.parse(await readFile(configFile, 'utf8')) as {
      available_accounts: string[];
      private_keys: string[];
    };
    // It holds the (public, test-only) dev keys; nothing else needs the file.
    await rm(configDir, { recursive: true, force: true });
    // Started: the parent must not wait for anvil to exit; the exit hook stops it.
    child.unref();
    // The pipes are sockets; unreferenced, they no longer hold this process open either.
    for (const pipe of [child.stdout, child.stderr] as unknown[]) (pipe as { unref?: () => void }).unref?.();
    return {
      rpcUrl,
      port: boundPort,
      chainId,
      pid: child.pid!,
      accounts: config.available_accounts.map((a) => a.toLowerCase()),
      privateKeys: config.private_keys,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(startTimer);
  }
}

async function waitForRpc(rpcUrl: string, chainId: number, deadline: number): Promise<void> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        signal: AbortSignal.timeout(1_000),
      });
      const body = (await response.json()) as { result?: string };
      if (body.result !== undefined) {
        if (Number(body.result) !== chainId) {
          throw new ChainError(
            ChainErrorCode.NodeProcess,
            `anvil reports chain id ${body.result}, expected ${chainId}`,
          );
        }
        return;
      }
    } catch (error) {
      if (error instanceof ChainError) throw error;
      last = error;
    }
    await delay(25);
  }
  throw new ChainError(ChainErrorCode.Timeout, `anvil at ${rpcUrl} did not answer JSON-RPC`, { cause: last });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
