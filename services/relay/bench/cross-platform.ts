/**
 * `npm run bench` (node bench/cross-platform.ts): cross-platform latency, send on platform B →
 * delivered on platform A (ADR 0031), over two complete platforms on one anvil chain producing a
 * block every ANCHORPOST_BENCH_XPLAT_BLOCK_TIME seconds (test/two-platforms.ts: two databases, two
 * Kubo nodes peered over loopback). B's app sends ANCHORPOST_BENCH_XPLAT_FILES files to one
 * recipient at random moments of B's batch interval; A's member's SSE stream times each arrival.
 *
 * The figure is set against its parts: B's batch interval (a file waits up to one), the anchor's
 * block and A's trusted depth (depth × block time), then A's parser poll, the fetch of the
 * batch-file and tx-files from B's Kubo, and A's inbound delivery interval — the rest. Prints p50
 * and p99 with the chain's part as baseline, and keeps the histogram in
 * bench-results/cross-platform.json (scripts/bench-report.ts). Needs Kubo (scripts/install-kubo.sh).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kuboBinaryForTests } from '@anchorpost/storage/testing';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { readSse } from '../test/relay-service-fixture.ts';
import { openTwoPlatforms } from '../test/two-platforms.ts';
import { summarize } from './stats.ts';

const int = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};
const files = int('ANCHORPOST_BENCH_XPLAT_FILES', 20);
const blockTimeSeconds = int('ANCHORPOST_BENCH_XPLAT_BLOCK_TIME', 1);
const trustedDepth = int('ANCHORPOST_BENCH_XPLAT_TRUSTED_DEPTH', 3);
const batchIntervalMs = int('ANCHORPOST_BENCH_XPLAT_BATCH_INTERVAL_MS', 1_000);
const pollMs = int('ANCHORPOST_BENCH_XPLAT_POLL_MS', 200);
/** Upper bounds of the histogram's buckets, ms. */
const BUCKETS_MS = [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 15_000, 30_000, 60_000];

const kubo = kuboBinaryForTests();
if ('skip' in kubo) {
  console.log(`cross-platform: skipped (${kubo.skip})`);
  process.exit(0);
}
const report = new BenchReport('cross-platform');
const platforms = await openTwoPlatforms({
  kubo: kubo.binary,
  trustedDepth,
  batchIntervalMs,
  blockTimeSeconds,
  pollMs,
});
try {
  const first = await platforms.prepare('bench 0');
  const stream = readSse(
    `${platforms.a.service.urls.http!}/v1/subscriptions/${first.recipient}`,
    platforms.a.auth,
  );
  if ((await stream.next()).event !== 'ready') throw new Error('no ready event');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const arrivals = (async () => {
    while (latencies.length < files) {
      const event = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
      const started = sentAt.get(event.cid);
      if (event.origin === 'platform-b' && started !== undefined) latencies.push(performance.now() - started);
    }
  })();
  for (let i = 0; i < files; i++) {
    const prepared = i === 0 ? first : await platforms.prepare(`bench ${i}`, first.group);
    const started = performance.now();
    const { cid } = await platforms.submit(prepared);
    sentAt.set(cid, started);
    // Random moments of the batch interval, so that the wait for the seal is sampled evenly.
    await sleep(Math.random() * batchIntervalMs);
  }
  await Promise.race([
    arrivals,
    sleep(120_000 + files * batchIntervalMs).then(() => {
      throw new Error(`only ${latencies.length} of ${files} files arrived`);
    }),
  ]);
  stream.close();

  const summary = summarize(latencies);
  const chainPart = trustedDepth * blockTimeSeconds * 1_000;
  const histogram = Object.fromEntries(
    BUCKETS_MS.map((le) => [`le_${le}`, latencies.filter((ms) => ms <= le).length]),
  );
  const details = {
    files,
    batchIntervalMs,
    blockTimeSeconds,
    trustedDepth,
    parserPollMs: pollMs,
    inboundIntervalMs: pollMs,
    histogramMs: histogram,
  };
  const baseline = { label: 'trusted depth × block time', value: chainPart };
  const target = `≈ batch interval + depth × block time + polls (${batchIntervalMs + chainPart + 2 * pollMs} ms)`;
  report.row({
    path: 'cross-platform send→deliver p50',
    measured: summary.p50,
    unit: 'ms',
    baseline,
    target,
    details,
  });
  report.row({ path: 'cross-platform send→deliver p99', measured: summary.p99, unit: 'ms', baseline });
} finally {
  await platforms.close();
}
await report.finish();
