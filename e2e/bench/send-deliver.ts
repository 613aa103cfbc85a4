// `npm run bench -w e2e` (part of `npm run bench`): send → deliver latency on real servers, every
// service its own process (test/cluster: Kafka, PostgreSQL, Kubo, anvil), open loop at offered
// rates (ANCHORPOST_BENCH_DELIVER_RATES, default 500 files/s, for ANCHORPOST_BENCH_DELIVER_SECONDS,
// default 10): each tx-file timed from just before its POST to a relay to its SSE event on a
// subscriber of the same relay (the clients in a worker thread: @anchorpost/relay-service/testing's
// open-loop load, which also bounds the backlog so a relay that cannot keep up ends in time).
//
// Baseline in the same run, at the same offered rate: the bare Kafka round trip of the same bytes
// — a kafkajs producer with KafkaBus's settings (idempotent, acks=all, one request in flight)
// sending each file's bytes as one record, keyed by its recipient as the relay keys them, and a
// kafkajs consumer timing each from just before its send to its eachMessage. Prints p50, p90, p99, p99.9 and max of both, and writes
// bench-results/send-deliver.json (scripts/bench-report.ts).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { cidForBytes, parseTxFile } from '@anchorpost/protocol';
import {
  summarize,
  type OpenLoopInput,
  type OpenLoopTxFile,
  type RateResult,
} from '@anchorpost/relay-service/testing';
import { BenchReport } from '../../scripts/bench-report.ts';
import { loadParties, partiesTxFile, type LoadParties } from '../test/chaos/load.ts';
import { startCluster } from '../test/cluster/cluster.ts';

const positive = (name: string, fallback: string): number[] => {
  const values = (process.env[name] ?? fallback).split(',').map(Number);
  if (values.some((value) => !Number.isSafeInteger(value) || value < 1))
    throw new Error(`${name} is a positive integer or a comma-separated list of them`);
  return values;
};
const RATES = positive('ANCHORPOST_BENCH_DELIVER_RATES', '500');
const SECONDS = positive('ANCHORPOST_BENCH_DELIVER_SECONDS', '10')[0]!;
const MAX_BACKLOG = 2_000;
const DRAIN_MS = 20_000;
const PARTITIONS = 8;

/** `count` fresh files of the tenant acme (apps 0 and 1 of the load parties), to both its groups. */
async function acmeFiles(
  parties: LoadParties,
  count: number,
  firstHeight: number,
): Promise<OpenLoopTxFile[]> {
  const files: OpenLoopTxFile[] = [];
  for (let i = 0; files.length < count; i += 1) {
    if (i % parties.apps.length === 2) continue; // app 2 is globex's
    const { bytes } = partiesTxFile(
      parties,
      i,
      firstHeight + i,
      `deliver ${firstHeight + i} ${'x'.repeat(1024)}`,
    );
    files.push({ bytes, cid: await cidForBytes(bytes) });
  }
  return files;
}

/** The bare Kafka round trip at `rate`: one record per file, open loop, each timed send → consume. */
async function kafkaRoundTrip(brokers: string, files: readonly OpenLoopTxFile[], rate: number) {
  const kafka = new Kafka({
    clientId: 'anchorpost-bench-deliver',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  });
  const topic = `anchorpost.bench.deliver.${randomBytes(4).toString('hex')}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.consumer`, maxWaitTimeInMs: 5 });
  await Promise.all([producer.connect(), consumer.connect()]);
  const sentAt = new Float64Array(files.length).fill(Number.NaN);
  const latencies: number[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, () => {
        resolve();
      }),
    );
    await consumer.run({
      eachMessage: ({ message }) => {
        const index = Number(message.headers?.index?.toString());
        latencies.push(performance.now() - sentAt[index]!);
        return Promise.resolve();
      },
    });
    await joined;
    const started = performance.now();
    const sends: Promise<unknown>[] = [];
    for (const [index, file] of files.entries()) {
      const wait = started + (index * 1000) / rate - performance.now();
      if (wait >= 1) await sleep(wait);
      sentAt[index] = performance.now();
      const recipient = parseTxFile(file.bytes).recipient.sha512hash;
      sends.push(
        producer.send({
          topic,
          acks: -1,
          messages: [{ key: recipient, value: Buffer.from(file.bytes), headers: { index: String(index) } }],
        }),
      );
    }
    await Promise.all(sends);
    const deadline = performance.now() + DRAIN_MS;
    while (latencies.length < files.length && performance.now() < deadline) await sleep(20);
    return { delivered: latencies.length, latency: summarize(latencies) };
  } finally {
    await Promise.all([producer.disconnect(), consumer.disconnect()]);
  }
}

function runClients(input: OpenLoopInput): Promise<RateResult[]> {
  const worker = new Worker(new URL('./open-loop-worker.ts', import.meta.url), { workerData: input });
  return new Promise<RateResult[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the clients' worker exited (${code}) without a result`));
    });
  }).finally(() => worker.terminate());
}

const report = new BenchReport('send-deliver');
const dir = await mkdtemp(join(tmpdir(), 'anchorpost-bench-deliver-'));
const parties = await loadParties();
// The bench measures the relay, not the free plan's 50 files/s per tenant.
const cluster = await startCluster({
  dir,
  tenants: parties.tenants,
  relays: 1,
  env: { ANCHORPOST_RELAY_PLAN_FREE_FILES_PER_SECOND: '1000000' },
});
try {
  const relay = cluster.relays[0]!;
  const apiKey = parties.apps[0]!.apiKey;
  // Warm-up, untimed: the subscribers' entitlement, the JIT, the connections and the topics' leaders.
  await runClients({
    httpUrl: relay.http,
    apiKey,
    maxBacklog: MAX_BACKLOG,
    rateRuns: [{ rate: 50, files: await acmeFiles(parties, 100, 1_000_000) }],
    rateMs: 2_000,
    drainMs: DRAIN_MS,
    recipientHashes: [...parties.recipientHashes],
  });
  for (const [k, rate] of RATES.entries()) {
    const count = rate * SECONDS;
    const files = await acmeFiles(parties, count, 2_000_000 + k * 1_000_000);
    const baseline = await kafkaRoundTrip(cluster.kafka.brokers, files, rate);
    const [run] = await runClients({
      httpUrl: relay.http,
      apiKey,
      maxBacklog: MAX_BACKLOG,
      rateRuns: [{ rate, files }],
      rateMs: SECONDS * 1000,
      drainMs: DRAIN_MS,
      recipientHashes: [...parties.recipientHashes],
    });
    const details = { offeredRate: rate, relay: run, kafka: baseline };
    for (const p of ['p50', 'p90', 'p99', 'p999', 'max'] as const) {
      report.row({
        path: `send → deliver ${p} at ${rate} files/s offered (real servers)`,
        measured: run!.deliverMs[p],
        unit: 'ms',
        baseline: { label: `bare Kafka send → consume ${p}`, value: baseline.latency[p] },
        ...(p === 'p50' ? { target: 'p50 ≤ 10 ms', details } : p === 'p99' ? { target: 'p99 ≤ 50 ms' } : {}),
      });
    }
    console.log(
      `  ${rate}/s: sent ${run!.files}/${run!.planned}, delivered ${run!.delivered}, accepted ${run!.accepted}, ` +
        `kept up ${run!.keptUp ? 'yes' : 'NO'} (backlog each second ${run!.backlogSeries.join(' ')}); ` +
        `Kafka delivered ${baseline.delivered}/${files.length}`,
    );
  }
} finally {
  await report.finish();
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
}
