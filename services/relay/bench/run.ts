/**
 * `npm run bench` (node bench/run.ts): relay ingest throughput and send→deliver latency against a
 * real relay service (FileLogBus, Helia and PGlite in a temp dir, HTTP and gRPC on 127.0.0.1).
 *
 * Throughput, at the same concurrency for each: baseline A, bare `bus.publish` of the records
 * the relay would publish (same sizes, one per call) to a fresh topic — the floor an embedded
 * relay cannot beat; baseline B, in-process `relay.submit()` (no transport); HTTP; gRPC bidi
 * streams. Then latency at fixed offered rates, open loop, with one SSE subscriber per group.
 * All tx-files are built before anything is timed. Knobs: ANCHORPOST_BENCH_* (bench-config.ts).
 * Prints a table and one JSON line (`{"bench":"relay",...}`) with every figure.
 */
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BusMessage } from '@anchorpost/bus';
import { txFileAccepted } from '@anchorpost/events';
import { CID_HEADER, loadRelayKey, PostgresReceiptStore, signReceipt } from '@anchorpost/relay-core';
import { loadBenchConfig } from './bench-config.ts';
import { closedLoop, type ThroughputResult } from './closed-loop.ts';
import { openBenchRelay, type BenchRelay } from './bench-relay.ts';
import { fixed, round, table } from './stats.ts';
import type { TransportLoadInput, TransportLoadResult } from './transport-load.ts';
import { txFileFactory, type BenchTxFile } from './tx-file-sets.ts';

const BASELINE_TOPIC = 'anchorpost.bench.baseline.v1';

/** The accepted-topic records the relay would publish for `files`, signed receipts included. */
function acceptedRecords(bench: BenchRelay, files: readonly BenchTxFile[]): BusMessage[] {
  const key = loadRelayKey(bench.relayKeyPem);
  const acceptedAt = new Date().toISOString();
  return files.map(({ bytes, cid, recipientHash }, i) => ({
    key: recipientHash,
    value: txFileAccepted.encode({
      cid,
      recipientHash,
      receipt: signReceipt({ version: 1, cid, recipientHash, acceptedAt, sequence: 1_000_000 + i }, key),
      txFile: bytes,
    }),
    headers: { [CID_HEADER]: cid },
  }));
}

function runTransportLoad(input: TransportLoadInput): Promise<TransportLoadResult> {
  const worker = new Worker(new URL('./transport-load.ts', import.meta.url), { workerData: input });
  return new Promise<TransportLoadResult>((resolve, reject) => {
    worker.once('message', (result: TransportLoadResult) => {
      resolve(result);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the load worker exited (${code}) without a result`));
    });
  }).finally(() => worker.terminate());
}

const config = loadBenchConfig();
const loadBefore = loadavg().map((value) => round(value));
const wallStarted = performance.now();
console.log(
  `node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cpus, loadavg ${loadBefore.join(' ')}`,
);
console.log(
  `files/phase ${config.files}, concurrency ${config.concurrency}, groups ${config.groups}, ` +
    `rates ${config.rates.join('/')} files/s × ${config.rateMs / 1000} s, body ${config.bodyBytes} B, ` +
    `check threads ${config.checkThreads}`,
);

const bench = await openBenchRelay({ checkThreads: config.checkThreads });
try {
  const factory = await txFileFactory({ app: bench.app, groups: config.groups, bodyBytes: config.bodyBytes });
  const buildStarted = performance.now();
  const warmupFiles = await factory.build(config.warmup);
  const submitFiles = await factory.build(config.files);
  const httpFiles = await factory.build(config.files);
  const grpcFiles = await factory.build(config.files);
  const rateRuns: TransportLoadInput['rateRuns'] = [];
  for (const rate of config.rates) {
    rateRuns.push({
      rate,
      files: await factory.build(Math.max(1, Math.round((rate * config.rateMs) / 1000))),
    });
  }
  // Files only the component figures use: their CIDs must not be seen by the relay before.
  const componentFiles = await factory.build(Math.min(config.files, 300));
  const records = acceptedRecords(bench, submitFiles);
  const built =
    warmupFiles.length + submitFiles.length * 3 + rateRuns.reduce((sum, run) => sum + run.files.length, 0);
  const buildSeconds = (performance.now() - buildStarted) / 1000;
  const fileBytes = submitFiles[0]!.bytes.byteLength;
  console.log(
    `built ${built} tx-files (${fileBytes} B each, records ${records[0]!.value.byteLength} B) in ${fixed(buildSeconds)} s; ` +
      `${warmupFiles.length} submitted in-process as warm-up (neither is timed)\n`,
  );

  const loop = { concurrency: config.concurrency, maxMs: config.phaseMs };
  await closedLoop(warmupFiles, loop, async (file) => {
    await bench.relay.submit(file.bytes, { tenantId: bench.tenant });
    return true;
  });

  // Baseline A: the bus alone, one durable record per call.
  await bench.bus.ensureTopic(BASELINE_TOPIC, { partitions: bench.partitions });
  const recordOf = new Map(submitFiles.map((file, i) => [file, records[i]!]));
  const baselineA = await closedLoop(submitFiles, loop, async (file) => {
    await bench.bus.publish(BASELINE_TOPIC, [recordOf.get(file)!]);
    return true;
  });

  // Baseline B: the relay in-process (validate, store, sign, receipt row, publish), no transport.
  const baselineB = await closedLoop(submitFiles, loop, async (file) => {
    const result = await bench.relay.submit(file.bytes, { tenantId: bench.tenant });
    return !result.duplicate;
  });

  // Where B's time goes: the relay's two other adapters alone, same concurrency, one file per call.
  const storageOnly = await closedLoop(componentFiles, loop, async (file) => {
    await bench.storage.addFile(file.bytes, { pin: true });
    return true;
  });
  const receipts = new PostgresReceiptStore(bench.database.receipts);
  const relayKey = loadRelayKey(bench.relayKeyPem);
  const receiptsOnly = await closedLoop(
    componentFiles,
    loop,
    async ({ cid, recipientHash, chainPosition }) => {
      if ((await receipts.get(cid)) !== null) return false;
      // The relay's fork look-up before storing, as in Relay.submit.
      if ((await receipts.getAt(recipientHash, chainPosition)) !== null) return false;
      const sequence = await receipts.nextSequence();
      const acceptedAt = new Date().toISOString();
      const receipt = signReceipt({ version: 1, cid, recipientHash, acceptedAt, sequence }, relayKey);
      await receipts.insert(receipt, { partition: 0, offset: 0 }, chainPosition, 'bench');
      await receipts.markPublished(cid, { partition: 0, offset: 0 });
      return true;
    },
  );

  const load = await runTransportLoad({
    httpUrl: bench.httpUrl,
    grpcUrl: bench.grpcUrl,
    tenant: bench.tenant,
    apiKey: bench.apiKey,
    concurrency: config.concurrency,
    phaseMs: config.phaseMs,
    maxBacklog: config.maxBacklog,
    httpFiles,
    grpcFiles,
    rateRuns,
    rateMs: config.rateMs,
    drainMs: config.drainMs,
    recipientHashes: factory.recipientHashes,
  });

  const ofA = (result: ThroughputResult) => result.filesPerSec / baselineA.filesPerSec;
  const phases: [string, ThroughputResult][] = [
    ['A  bus.publish (1 record/call)', baselineA],
    ['B  relay.submit() in-process', baselineB],
    ['   HTTP POST /v1/tx-files', load.http],
    [`   gRPC SubmitTxFiles (${load.grpcStreams} streams)`, load.grpc],
    ['   storage.addFile pinned (Helia; not in B: ADR 0035)', storageOnly],
    ['   part of B: receipt rows (PGlite, 4 queries)', receiptsOnly],
  ];
  console.log(
    `== throughput (closed loop, ${config.concurrency} in flight, each phase ≤ ${config.phaseMs / 1000} s or ${config.files} files)`,
  );
  console.log(
    table(
      ['phase', 'files', 'errors', 's', 'files/s', 'MB/s', '÷ A', '÷ B'],
      phases.map(([name, result]) => [
        name,
        String(result.files),
        String(result.errors),
        fixed(result.seconds, 2),
        fixed(result.filesPerSec),
        fixed(result.mbPerSec, 2),
        fixed(ofA(result), 3),
        fixed(result.filesPerSec / baselineB.filesPerSec, 3),
      ]),
    ),
  );
  console.log(
    `  # HTTP ÷ B ${fixed(load.http.filesPerSec / baselineB.filesPerSec, 3)} (transport cost), ` +
      `gRPC ÷ B ${fixed(load.grpc.filesPerSec / baselineB.filesPerSec, 3)}; clients run in a worker thread`,
  );
  console.log(
    "  # one adapter step alone: storage (the batcher's since ADR 0035); receipt rows (the old per-file path: get, nextSequence, insert, markPublished)\n",
  );

  console.log(`== latency, open loop over HTTP, ${factory.recipientHashes.length} SSE subscribers (ms)`);
  console.log(
    table(
      [
        'offered/s',
        'sent',
        'sent/s',
        'accepted/s',
        'delivered/s',
        'deliver p50',
        'p99',
        'max',
        'submit p50',
        'p99',
        'backlog end',
        'max',
        'kept up',
      ],
      load.rates.map((run) => [
        String(run.offeredRate),
        `${run.files}/${run.planned}`,
        fixed(run.sentRate),
        fixed(run.acceptedRate),
        fixed(run.deliveredRate),
        fixed(run.deliverMs.p50),
        fixed(run.deliverMs.p99),
        fixed(run.deliverMs.max),
        fixed(run.submitMs.p50),
        fixed(run.submitMs.p99),
        String(run.backlogAtWindowEnd),
        String(run.maxBacklog),
        run.keptUp
          ? 'yes'
          : `NO${run.stoppedEarly ? ', stopped at backlog bound' : ''} (${run.delivered}/${run.files} delivered, ${run.errors} errors)`,
      ]),
    ),
  );
  console.log(
    '  # latency from just before the POST; backlog = sent − delivered; sending stops at ' +
      `${config.maxBacklog} (ANCHORPOST_BENCH_MAX_BACKLOG) so a relay that cannot keep up ends in bounded time`,
  );
  for (const run of load.rates.filter((r) => !r.keptUp)) {
    console.log(`  # ${run.offeredRate}/s not kept up; backlog each second: ${run.backlogSeries.join(' ')}`);
  }

  const loadAfter = loadavg().map((value) => round(value));
  const wallSeconds = round((performance.now() - wallStarted) / 1000, 1);
  console.log(`\nloadavg after ${loadAfter.join(' ')}; wall ${wallSeconds} s`);
  console.log(
    JSON.stringify({
      bench: 'relay',
      node: process.version,
      cpus: cpus().length,
      loadavgBefore: loadBefore,
      loadavgAfter: loadAfter,
      wallSeconds,
      config,
      txFileBytes: fileBytes,
      recordBytes: records[0]!.value.byteLength,
      throughput: {
        baselineA: baselineA,
        baselineB: { ...baselineB, ofA: round(ofA(baselineB), 4) },
        http: {
          ...load.http,
          ofA: round(ofA(load.http), 4),
          ofB: round(load.http.filesPerSec / baselineB.filesPerSec, 4),
        },
        grpc: {
          ...load.grpc,
          streams: load.grpcStreams,
          ofA: round(ofA(load.grpc), 4),
          ofB: round(load.grpc.filesPerSec / baselineB.filesPerSec, 4),
        },
        storageAddFile: { ...storageOnly, ofA: round(ofA(storageOnly), 4) },
        receiptRows: { ...receiptsOnly, ofA: round(ofA(receiptsOnly), 4) },
      },
      latency: load.rates,
    }),
  );
} finally {
  await bench.close();
}
