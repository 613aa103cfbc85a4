// The platform as a user runs it: `node services/platform/dist/main.js` (what `npm start` runs),
// a child process whose printed endpoints the test reads, and which it can SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../services/platform/dist/main.js', import.meta.url));

export interface PlatformProcess {
  readonly child: ChildProcess;
  /** `relay.http`, `relay.grpc`, `proof-api.http`, `evmRpc`, … as printed. */
  readonly endpoints: Record<string, string>;
  /** SIGTERM and wait; resolves the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no clean-up at all. */
  kill(): Promise<void>;
}

/** Settings for a fast, bounded run: free ports, short batches, few confirmations. */
export function e2eEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ANCHORPOST_DATA_DIR: dataDir,
    ANCHORPOST_ANVIL_PORT: '0',
    ANCHORPOST_RELAY_HTTP_PORT: '0',
    ANCHORPOST_RELAY_GRPC_PORT: '0',
    ANCHORPOST_RELAY_ADMIN_PORT: '0',
    ANCHORPOST_RELAY_MANAGEMENT_PORT: '0',
    ANCHORPOST_BATCHER_PORT: '0',
    ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
    ANCHORPOST_ANCHORER_PORT: '0',
    ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
    ANCHORPOST_PARSER_PORT: '0',
    ANCHORPOST_PARSER_MANAGEMENT_PORT: '0',
    ANCHORPOST_PROOF_API_PORT: '0',
    ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
    ANCHORPOST_BATCH_INTERVAL: '2s',
    ANCHORPOST_BATCH_MAX_FILES: '200',
    ANCHORPOST_EVM_CONFIRMATIONS: '2',
    ANCHORPOST_ANCHORER_TICK_INTERVAL: '500ms',
    ANCHORPOST_PARSER_TRUSTED_DEPTH: '3',
    ANCHORPOST_PARSER_POLL_INTERVAL: '500ms',
    ...extra,
  };
}

export async function startPlatformProcess(
  env: NodeJS.ProcessEnv,
  logPath: string,
  timeoutMs = 120_000,
): Promise<PlatformProcess> {
  const child = spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logPath, { flags: 'a' });
  child.stderr.pipe(log, { end: false });
  const endpoints: Record<string, string> = {};
  let printed = '';
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the platform did not start within ${timeoutMs} ms; see ${logPath}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      log.write(chunk);
      printed += chunk;
      if (printed.includes('Ctrl-C stops it')) {
        for (const match of printed.matchAll(/^ {2}(\S+)\s+(\S+)/gm)) endpoints[match[1]!] = match[2]!;
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(([code, signal]) => {
      clearTimeout(timer);
      reject(new Error(`the platform exited (${code ?? signal}) before it started; see ${logPath}`));
    });
  });
  return {
    child,
    endpoints,
    async stop() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const [code, signal] = await exited;
      clearTimeout(timer);
      log.end();
      if (signal === 'SIGKILL')
        throw new Error(`the platform did not stop within 60 s of SIGTERM; see ${logPath}`);
      return code;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
      log.end();
    },
  };
}
