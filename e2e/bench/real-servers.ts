// `npm run bench -w e2e` (part of `npm run bench`): Anchorpost on real servers, every service its
// own process (test/cluster), measured against bare Kafka producers in the same run.
//
// Ingest, closed loop at the same concurrency, the same tx-files' worth of bytes per message:
//   A  a bare kafkajs producer (idempotent, acks=all, one request in flight: KafkaBus's settings)
//      sending the accepted-topic record the relay would publish for each file — the baseline;
//   B  a bare @platformatic/kafka producer (idempotent, acks=all) sending the same records;
//   C  the relays over HTTP (Kubo add + pin, receipt rows in PostgreSQL, the Kafka publish).
// Then the parser: once every file of C is anchored, `anchorpost-parser rebuild` indexes them all
// again from the chain and Kubo into PostgreSQL, timed: files/s.
// A and B run twice in turns (A B A B); the second round is compared. Knobs: ANCHORPOST_BENCH_FILES
// (default 1000), ANCHORPOST_BENCH_CONCURRENCY (default 8; a list such as `8,64` runs A, B and C
// at each, with fresh files for C each time).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProduceAcks, Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { txFileAccepted } from '@anchorpost/events';
import { cidForBytes, parseTxFile } from '@anchorpost/protocol';
import { CID_HEADER, loadRelayKey, signReceipt } from '@anchorpost/relay-core';
import { loadParties, partiesTxFile } from '../test/chaos/load.ts';
import { Reconciler } from '../test/chaos/reconcile.ts';
import { startCluster } from '../test/cluster/cluster.ts';

const FILES = Number(process.env.ANCHORPOST_BENCH_FILES ?? 1000);
const CONCURRENCIES = (process.env.ANCHORPOST_BENCH_CONCURRENCY ?? '8').split(',').map(Number);
if (CONCURRENCIES.some((value) => !Number.isSafeInteger(value) || value < 1)) {
  throw new Error('ANCHORPOST_BENCH_CONCURRENCY is a positive integer or a comma-separated list of them');
}
const PARTITIONS = 8;

interface BenchFile {
  bytes: Uint8Array;
  cid: string;
  recipientHash: string;
}

/** Closed loop: `concurrency` callers, each taking the next item as soon as its last call answered. */
async function closedLoop<T>(
  items: readonly T[],
  concurrency: number,
  call: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await call(items[i]!, i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { files: items.length, seconds, perSecond: items.length / seconds };
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

console.log(
  `node ${process.version}, ${cpus().length} cpus, loadavg ${loadavg()
    .map((v) => round(v, 2))
    .join(' ')}; ${FILES} files per phase, concurrency ${CONCURRENCIES.join(', ')}`,
);
const dir = await mkdtemp(join(tmpdir(), 'anchorpost-bench-'));
const parties = await loadParties();
// The bench measures the relays, not the free plan's 50 files/s per tenant, which C would pass.
const cluster = await startCluster({
  dir,
  tenants: parties.tenants,
  relays: 2,
  env: { ANCHORPOST_RELAY_PLAN_FREE_FILES_PER_SECOND: '1000000' },
});
try {
  const build = async (count: number, salt: string, firstHeight: number): Promise<BenchFile[]> => {
    const files: BenchFile[] = [];
    for (let i = 0; i < count; i += 1) {
      // Salted heights keep the sets' CIDs apart; a 1 KiB body, as the relay bench sends.
      const height = firstHeight + i;
      const { bytes } = partiesTxFile(parties, i, height, `${salt} ${i} ${'x'.repeat(1024)}`);
      files.push({
        bytes,
        cid: await cidForBytes(bytes),
        recipientHash: parseTxFile(bytes).recipient.sha512hash,
      });
    }
    return files;
  };
  const relayFiles = await build(FILES, 'relay', 4_000_000);
  // The records the relay publishes for these files, signed receipts included: the same bytes.
  const relayKey = loadRelayKey(await readFile(join(dir, 'keys', 'relay-key.pem'), 'utf8'));
  const acceptedAt = new Date().toISOString();
  const records = (await build(FILES, 'baseline', 5_000_000)).map(({ bytes, cid, recipientHash }, i) => ({
    key: Buffer.from(recipientHash),
    value: Buffer.from(
      txFileAccepted.encode({
        cid,
        recipientHash,
        receipt: signReceipt(
          { version: 1, cid, recipientHash, acceptedAt, sequence: 1_000_000 + i },
          relayKey,
        ),
        txFile: bytes,
      }),
    ),
    headers: { [CID_HEADER]: cid },
  }));
  console.log(
    `tx-files of ${relayFiles[0]!.bytes.byteLength} B, records of ${records[0]!.value.byteLength} B`,
  );

  const brokers = [cluster.kafka.brokers];
  const kafka = new Kafka({ clientId: 'anchorpost-bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const topics = ['anchorpost.bench.kafkajs.v1', 'anchorpost.bench.platformatic.v1'];
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: PARTITIONS })) });
  await admin.disconnect();

  // A and B, connected once each, then run in turns A B A B: the first round warms up the JIT,
  // the connections and the topics' leaders; the second is the one compared.
  const kafkajs = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await kafkajs.connect();
  const platformatic = new Producer({
    clientId: 'anchorpost-bench-platformatic',
    bootstrapBrokers: brokers,
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
  });
  const runA = (concurrency: number) =>
    closedLoop(records, concurrency, async (record) => {
      await kafkajs.send({ topic: topics[0]!, acks: -1, messages: [record] });
    });
  const runB = (concurrency: number) =>
    closedLoop(records, concurrency, async (record) => {
      const [cidHeader, cid] = Object.entries(record.headers)[0]!;
      await platformatic.send({
        messages: [
          {
            topic: topics[1]!,
            key: record.key,
            value: record.value,
            headers: new Map([[Buffer.from(cidHeader), Buffer.from(cid)]]),
          },
        ],
      });
    });
  // C: the relays over HTTP, files alternating between them.
  const runC = (files: readonly BenchFile[], concurrency: number) =>
    closedLoop(files, concurrency, async (file, i) => {
      const relay = cluster.relays[i % cluster.relays.length]!;
      const response = await fetch(`${relay.http}/v1/tx-files`, {
        method: 'POST',
        headers: {
          'content-type': 'application/yaml',
          authorization: `Bearer ${parties.apps[i % parties.apps.length]!.apiKey}`,
        },
        body: file.bytes,
      });
      const body = (await response.json()) as { receipt?: unknown; error?: { code: string } };
      if (body.receipt === undefined) throw new Error(`relay refused a bench file: ${body.error?.code}`);
    });
  const runs = [];
  for (const [k, concurrency] of CONCURRENCIES.entries()) {
    const [a1, b1] = [await runA(concurrency), await runB(concurrency)];
    const [a, b] = [await runA(concurrency), await runB(concurrency)];
    console.log(
      `concurrency ${concurrency}, warm-up round: kafkajs ${round(a1.perSecond)} files/s, @platformatic/kafka ${round(b1.perSecond)} files/s`,
    );
    // A fresh set per concurrency: the relays would answer a file they know as a duplicate.
    const files = k === 0 ? relayFiles : await build(FILES, 'relay', 4_000_000 + k * FILES);
    if (k > 0) relayFiles.push(...files);
    const loadBefore = loadavg();
    const c = await runC(files, concurrency);
    runs.push({ concurrency, a1, b1, a, b, c, loadavg: [loadBefore, loadavg()] });
  }
  await kafkajs.disconnect();
  await platformatic.close();

  // The parser: everything anchored and indexed live first, then a timed rebuild from chain + Kubo.
  const liveStarted = performance.now();
  await new Reconciler({
    proofApiUrl: cluster.proofApiUrl,
    evmRpc: cluster.evmRpc,
    contractAddress: cluster.contractAddress,
    deployBlock: cluster.chain.deployBlock,
    indexDatabaseUrl: cluster.indexDb.databaseUrl,
    dir,
  }).waitForProofs(
    relayFiles.map((file) => file.cid),
    10 * 60_000,
  );
  const liveSeconds = (performance.now() - liveStarted) / 1000;
  for (const name of ['parser', 'proof-api']) await cluster.service(name).stop();
  const rebuildStarted = performance.now();
  const rebuilt = (await cluster.rebuildIndex()) as {
    txFilesIndexed: number;
    anchorsIndexed: number;
    ms: number;
  };
  const processSeconds = (performance.now() - rebuildStarted) / 1000;
  const rebuildSeconds = rebuilt.ms / 1000;

  type Run = (typeof runs)[number];
  const row = (name: string, r: { perSecond: number }, run: Run) =>
    `${name.padEnd(44)} ${String(round(r.perSecond)).padStart(9)} files/s  ${round(
      r.perSecond / run.a.perSecond,
      3,
    )
      .toFixed(3)
      .padStart(6)} × A`;
  const load = (values: number[]) => values.map((v) => round(v, 2)).join(' ');
  console.log(
    [
      ...runs.flatMap((run) => [
        '',
        `${`ingest (closed loop, concurrency ${run.concurrency})`.padEnd(44)} ${'rate'.padStart(15)}  ratio`,
        row('A  bare kafkajs producer (baseline)', run.a, run),
        row('B  bare @platformatic/kafka producer', run.b, run),
        row('C  relays over HTTP (Kubo, PostgreSQL, Kafka)', run.c, run),
        `   loadavg during C: ${load(run.loadavg[0]!)} → ${load(run.loadavg[1]!)}`,
      ]),
      '',
      `parser: ${rebuilt.txFilesIndexed} tx-files in ${rebuilt.anchorsIndexed} batches rebuilt into PostgreSQL ` +
        `in ${round(rebuildSeconds, 2)} s = ${round(rebuilt.txFilesIndexed / rebuildSeconds)} files/s ` +
        `(${round(processSeconds, 2)} s with the process start); live: all ${relayFiles.length} proven ${round(liveSeconds, 1)} s after the last receipt`,
    ].join('\n'),
  );
  const first = runs[0]!;
  console.log(
    JSON.stringify({
      bench: 'real-servers',
      files: FILES,
      concurrency: first.concurrency,
      recordBytes: records[0]!.value.byteLength,
      kafkajsPerSecond: round(first.a.perSecond),
      platformaticPerSecond: round(first.b.perSecond),
      warmupKafkajsPerSecond: round(first.a1.perSecond),
      warmupPlatformaticPerSecond: round(first.b1.perSecond),
      relayHttpPerSecond: round(first.c.perSecond),
      runs: runs.map((run) => ({
        concurrency: run.concurrency,
        kafkajsPerSecond: round(run.a.perSecond),
        platformaticPerSecond: round(run.b.perSecond),
        relayHttpPerSecond: round(run.c.perSecond),
        relayOfKafkajs: round(run.c.perSecond / run.a.perSecond, 3),
        loadavg: run.loadavg.map((values) => values.map((v) => round(v, 2))),
      })),
      parserRebuildFilesPerSecond: round(rebuilt.txFilesIndexed / rebuildSeconds),
      parserRebuildSeconds: round(rebuildSeconds, 2),
    }),
  );
} finally {
  await cluster.close();
  await rm(dir, { recursive: true, force: true });
}
