// The outside systems the chart's pods use on the test node, each on the node's loopback: a Kafka
// broker of the test's own (scripts/start-kafka.sh; the services' topics have fixed names, so a
// broker shared with other suites would mix their records with these pods'), a Kubo daemon, and
// anvil with the AnchorpostAnchor contract deployed (@anchorpost/chains/testing). PostgreSQL is the
// test run's (ANCHORPOST_TEST_POSTGRES_URL), with two databases of the test's own.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEvmTestChain, type EvmTestChain } from '@anchorpost/chains/testing';
import { createTestDatabase, type TestDatabase } from '@anchorpost/db/testing';
import { startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { freePort } from './api-server.ts';
import { REPO } from './tools.ts';

const run = promisify(execFile);
const KAFKA = join(REPO, 'scripts/start-kafka.sh');

export interface NodeServers {
  /** `127.0.0.1:PORT` of the test's own broker. */
  readonly kafkaBrokers: string;
  readonly kubo: KuboDaemon;
  readonly chain: EvmTestChain;
  readonly stateDb: TestDatabase;
  readonly indexDb: TestDatabase;
  stop(): Promise<void>;
}

/** Starts them side by side in `dir`; whatever started is stopped again if one fails. */
export async function startNodeServers(dir: string, postgresAdminUrl: string): Promise<NodeServers> {
  const kafkaDir = join(dir, 'kafka');
  // Kafka's client listener and, one above it, its controller's.
  let port = await freePort();
  while (port > 65_000) port = await freePort();
  const stops: (() => Promise<unknown>)[] = [];
  const started = await Promise.allSettled([
    run(KAFKA, [kafkaDir, String(port)], { timeout: 180_000 }).finally(() =>
      stops.push(() => run(KAFKA, ['stop', kafkaDir], { timeout: 60_000 })),
    ),
    startKuboDaemon().then((kubo) => (stops.push(() => kubo.dispose()), kubo)),
    startEvmTestChain({ anvil: { blockTime: 1 } }).then((chain) => (stops.push(() => chain.close()), chain)),
    createTestDatabase(postgresAdminUrl, 'chart_node_state').then((db) => (stops.push(() => db.drop()), db)),
    createTestDatabase(postgresAdminUrl, 'chart_node_index').then((db) => (stops.push(() => db.drop()), db)),
  ] as const);
  const stop = async () => {
    for (const close of stops.reverse()) await close().catch(() => undefined);
  };
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    await stop();
    throw failed.reason;
  }
  const [, kubo, chain, stateDb, indexDb] = started.map(
    (result) => (result as PromiseFulfilledResult<unknown>).value,
  ) as [unknown, KuboDaemon, EvmTestChain, TestDatabase, TestDatabase];
  return { kafkaBrokers: `127.0.0.1:${port}`, kubo, chain, stateDb, indexDb, stop };
}
