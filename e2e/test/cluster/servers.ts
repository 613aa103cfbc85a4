// The real servers of a cluster run, from the project's own provisioning scripts: a Kafka 3.9
// broker of its own (the chaos suite restarts it), and a PostgreSQL server — the one the test run
// was given (ANCHORPOST_TEST_POSTGRES_URL, as scripts/test.sh does), else a throw-away one.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO } from '../platform-process.ts';
import { freePortPair } from './free-port.ts';

const run = promisify(execFile);
const script = (name: string) => join(REPO, 'scripts', name);

export interface KafkaBroker {
  /** `127.0.0.1:<port>`, the same across restarts. */
  readonly brokers: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  dispose(): Promise<void>;
}

export async function startKafkaBroker(dir: string): Promise<KafkaBroker> {
  const port = await freePortPair();
  const start = async () => {
    await run(script('start-kafka.sh'), [dir, String(port)], { timeout: 180_000 });
  };
  const stop = async () => {
    await run(script('start-kafka.sh'), ['stop', dir], { timeout: 60_000 });
  };
  await start();
  return {
    brokers: `127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PostgresServer {
  /** A role that may CREATE DATABASE; carries a password, never print it. */
  readonly adminUrl: string;
  close(): Promise<void>;
}

export async function postgresServer(env: NodeJS.ProcessEnv = process.env): Promise<PostgresServer> {
  const given = env['ANCHORPOST_TEST_POSTGRES_URL'];
  if (given !== undefined && given !== '') return { adminUrl: given, close: () => Promise.resolve() };
  // Under /tmp: the cluster's folder is handed to the `postgres` user when running as root.
  const dir = await mkdtemp('/tmp/anchorpost-e2e-pg-');
  try {
    const { stdout } = await run(script('start-postgres.sh'), [dir], { timeout: 180_000 });
    return {
      adminUrl: stdout.trim(),
      async close() {
        await run(script('stop-postgres.sh'), [dir], { timeout: 60_000 }).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
