/**
 * Proof API throughput and latency on one large anchored batch, beside a bare primary-key SELECT
 * of the same database in the same run (`npm run bench -w @anchorpost/proof-api-service`).
 *
 * The batch is a real batch-file (root block and Merkle root from the protocol's encoder) of
 * ANCHORPOST_BENCH_PROOF_ENTRIES entries (default 100,000; set 1000000 for the full-size row, which
 * takes minutes to index), indexed by `recordBatch` and anchored. The proof API runs in this
 * process with an EVM head read from a stub JSON-RPC endpoint that answers eth_chainId and
 * eth_blockNumber; the load generator (bench/load-generator.ts) runs in its own process, open
 * loop at ANCHORPOST_BENCH_PROOF_RATE requests/s (default 5,000) for ANCHORPOST_BENCH_SECONDS
 * (default 5), at most 64 in flight; what was due but never sent is reported, not waited for.
 *
 * Database: ANCHORPOST_BENCH_DATABASE_URL (an empty PostgreSQL database), else a fresh database
 * on ANCHORPOST_TEST_POSTGRES_URL (scripts/start-postgres.sh prints one), else embedded PGlite.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inclusionFromEntries } from '@anchorpost/proofs';
import { createLogger, LatencyHistogram, loadConfig } from '@anchorpost/service-kit';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { proofApiConfigSchema } from '../src/proof-api-config.ts';
import { anchoredBenchBatch, BENCH_CHAIN_ID, openBenchDatabase } from './bench-batch.ts';
import { startProofApiService } from '../src/proof-api-service.ts';

const ENTRIES = Number(process.env['ANCHORPOST_BENCH_PROOF_ENTRIES'] ?? 100_000);
const RATE = Number(process.env['ANCHORPOST_BENCH_PROOF_RATE'] ?? 5_000);
const SECONDS = Number(process.env['ANCHORPOST_BENCH_SECONDS'] ?? 5);
const CONCURRENCY = 64;
const SAMPLED_KEYS = 20_000;
const CHAIN_ID = BENCH_CHAIN_ID;

/** Answers what EvmHead asks: the chain id and a head 100 blocks up. */
async function startHeadStub(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const call = JSON.parse(body) as { id: number; method: string };
      const result = call.method === 'eth_chainId' ? `0x${CHAIN_ID.toString(16)}` : '0x64';
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

const run = promisify(execFile);
async function generate(options: Record<string, unknown>) {
  const { stdout } = await run(
    process.execPath,
    [fileURLToPath(new URL('load-generator.ts', import.meta.url)), JSON.stringify(options)],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const result = JSON.parse(stdout) as {
    achievedRate: number;
    errors: number;
    backlog: number;
    offeredRate: number;
    histogram: ReturnType<LatencyHistogram['toJSON']>;
  };
  const histogram = new LatencyHistogram();
  histogram.merge(result.histogram);
  return { ...result, latencyMs: histogram.summary() };
}

const report = new BenchReport('proof-api');
const database = await openBenchDatabase('anchorpost_proof_bench');
const head = await startHeadStub();
const dir = await mkdtemp(join(tmpdir(), 'anchorpost-proof-bench-'));
try {
  const { db, batch, cids, indexSeconds } = await anchoredBenchBatch(database, ENTRIES, 'proof-bench');
  const keysFile = join(dir, 'keys.txt');
  const picks = Array.from({ length: Math.min(SAMPLED_KEYS, ENTRIES) }, (_, i) =>
    Math.floor((((i * 2_654_435_761) % 2 ** 32) / 2 ** 32) * ENTRIES),
  );
  await writeFile(keysFile, picks.map((index) => `${index} ${cids[index]}`).join('\n'));

  // The old way for comparison: one proof from a full read of the batch.
  const fullStarted = performance.now();
  await inclusionFromEntries(db.index.batchEntries(batch.cid), {
    leaf: cids[ENTRIES - 1]!,
    index: ENTRIES - 1,
    treeSize: ENTRIES,
    root: batch.merkleRoot,
  });
  const fullReadMs = performance.now() - fullStarted;

  const service = await startProofApiService({
    config: loadConfig(proofApiConfigSchema, {}),
    database: db,
    evm: { rpcUrls: [head.url], chainId: CHAIN_ID },
    logger: createLogger('proof-api', { destination: { write: () => undefined } }),
    port: 0,
    handleSignals: false,
  });
  try {
    const common = { batchCid: batch.cid, keysFile, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY };
    // Warm-up: connections, JIT, the batch header in the header cache.
    await generate({ ...common, target: 'http', url: service.urls.http, seconds: 1, rate: 500 });
    const proofs = await generate({ ...common, target: 'http', url: service.urls.http });
    const selects = await generate({
      ...common,
      target: 'select',
      databaseUrl: database.url,
      // The embedded server takes 4 connections and the proof API holds its pool's.
      connections: database.kind === 'embedded PGlite' ? 1 : database.poolSize,
    });
    const label = `proof API, ${ENTRIES.toLocaleString('en')}-entry batch in ${database.kind}`;
    report.row({
      path: `${label}, proofs/s at ${RATE.toLocaleString('en')}/s offered`,
      measured: proofs.achievedRate,
      unit: '/s',
      baseline: { label: 'bare primary-key SELECT at the same offered rate', value: selects.achievedRate },
      target: '≥ 5,000 proofs/s at p99 ≤ 20 ms on 1,000,000 entries',
      details: { proofs, selects },
    });
    const latency = (name: string, summary: typeof proofs.latencyMs) => {
      console.log(
        `    ${name} latency ms: p50 ${summary.p50.toFixed(2)}, p90 ${summary.p90.toFixed(2)}, ` +
          `p99 ${summary.p99.toFixed(2)}, p99.9 ${summary.p999.toFixed(2)}, max ${summary.max.toFixed(2)} ` +
          `(${summary.count} requests)`,
      );
    };
    latency(`proof (errors ${proofs.errors}, never sent ${proofs.backlog})`, proofs.latencyMs);
    latency(`bare SELECT (errors ${selects.errors}, never sent ${selects.backlog})`, selects.latencyMs);
    report.row({
      path: `${label}, p99 proof latency`,
      measured: proofs.latencyMs.p99,
      unit: 'ms',
      baseline: { label: 'bare SELECT p99', value: selects.latencyMs.p99 },
      target: '≤ 20 ms',
    });
    report.row({
      path: `${label}, one proof by the old full read of the batch`,
      measured: fullReadMs,
      unit: 'ms',
      baseline: { label: 'proof p50 through the API', value: proofs.latencyMs.p50 },
    });
    report.row({
      path: `indexing the batch with its tree nodes (recordBatch)`,
      measured: ENTRIES / indexSeconds,
      unit: 'entries/s',
    });
  } finally {
    await service.close();
    await db.close();
  }
  await report.finish();
} finally {
  await head.close();
  await database.close();
  await rm(dir, { recursive: true, force: true });
}
