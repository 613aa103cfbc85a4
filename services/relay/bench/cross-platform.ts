/**
 * `npm run bench` (node bench/cross-platform.ts): cross-platform latency, send on platform B →
 * delivered on platform A (ADR 0031), over two complete platforms on one anvil chain producing a
 * block every ANCHORPOST_BENCH_XPLAT_BLOCK_TIME seconds (test/two-platforms.ts: two databases, two
 * Kubo nodes peered over loopback). B's app sends ANCHORPOST_BENCH_XPLAT_FILES files to one
 * recipient at random moments of B's batch interval; A's member's SSE stream times each arrival.
 *
 * Each file's time is split into its parts, measured in the same run (cross-platform-parts.ts):
 * the seal on B, the anchor's block, A's trusted depth, A's parser's poll and fetch and checks, and
 * A's delivery. Prints p50 and p99 of the total with the chain's part as baseline and keeps p50 and
 * p99 of every part and the histogram in bench-results/cross-platform.json
 * (scripts/bench-report.ts). Needs Kubo (scripts/install-kubo.sh).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { kuboBinaryForTests } from '@anchorpost/storage/testing';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { readSse } from '../test/relay-service-fixture.ts';
import { openTwoPlatforms } from '../test/two-platforms.ts';
import {
  BlockClock,
  loggedAt,
  PART_SPANS,
  PARTS,
  partsOf,
  type FileMoments,
} from './cross-platform-parts.ts';
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
/** When each file was sent, ms since the epoch, by the CID of B's receipt. */
const sentAt = new Map<string, number>();
const clock = new BlockClock(async () => Number(await platforms.chain.call<string>('eth_blockNumber')));
try {
  const first = await platforms.prepare('bench 0');
  const stream = readSse(
    `${platforms.a.service.urls.http!}/v1/subscriptions/${first.recipient}`,
    platforms.a.auth,
  );
  if ((await stream.next()).event !== 'ready') throw new Error('no ready event');
  const deliveredAt = new Map<string, number>();
  const arrivals = (async () => {
    while (deliveredAt.size < files) {
      const event = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
      if (event.origin === 'platform-b' && sentAt.has(event.cid)) deliveredAt.set(event.cid, Date.now());
    }
  })();
  for (let i = 0; i < files; i++) {
    const prepared = i === 0 ? first : await platforms.prepare(`bench ${i}`, first.group);
    const started = Date.now();
    const { cid } = await platforms.submit(prepared);
    sentAt.set(cid, started);
    // Random moments of the batch interval, so that the wait for the seal is sampled evenly.
    await sleep(Math.random() * batchIntervalMs);
  }
  await Promise.race([
    arrivals,
    sleep(120_000 + files * batchIntervalMs).then(() => {
      throw new Error(`only ${deliveredAt.size} of ${files} files arrived`);
    }),
  ]);
  stream.close();
  await clock.stop();
  const parts = await Promise.all(
    [...deliveredAt].map(async ([cid, delivered]) => partsOf(await momentsOf(cid, delivered))),
  );
  const latencies = parts.map((part) => part.total);
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
    partsMs: Object.fromEntries(
      [...PARTS, 'total' as const].map((part) => {
        const { p50, p99 } = summarize(parts.map((file) => file[part]));
        return [part, { p50, p99, ...(part === 'total' ? {} : { span: PART_SPANS[part] }) }];
      }),
    ),
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
  for (const part of PARTS) {
    const { p50, p99 } = details.partsMs[part] as { p50: number; p99: number };
    console.log(`    ${part}: p50 ${p50} ms, p99 ${p99} ms (${PART_SPANS[part]})`);
  }
} finally {
  await clock.stop();
  await platforms.close();
}

/** A delivered file's moments: its batch and anchor from A's index, the rest from logs and blocks. */
async function momentsOf(cid: string, delivered: number): Promise<FileMoments> {
  const inclusion = await platforms.a.database.index.getProof(cid);
  const anchor = inclusion?.anchors.find((a) => a.contract === platforms.contractB.toLowerCase());
  if (inclusion === null || anchor === undefined) throw new Error(`${cid} has no anchor of B's at A`);
  const batchCid = inclusion.batch.cid;
  return {
    sent: sentAt.get(cid)!,
    sealed: loggedAt(platforms.batcherLogB, 'batch sealed', batchCid),
    mined: clock.seenAt(anchor.blockNumber),
    trusted: clock.seenAt(anchor.blockNumber + trustedDepth - 1),
    indexed: loggedAt(platforms.parserLogA, "peer's batch indexed", batchCid),
    delivered,
  };
}
await report.finish();
