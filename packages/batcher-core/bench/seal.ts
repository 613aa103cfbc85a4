/**
 * Seals one batch of N tx-files (default 100,000) against FileLogBus + HeliaContentStore in a temp
 * dir and prints JSON with timings and the peak RSS of the sealing process. The input is prepared
 * first and the seal runs in a fresh child process (a batcher restart), so the figure is the
 * seal's own footprint, not the preparation's. Prints the load average and writes
 * bench-results/batcher-seal.json (scripts/bench-report.ts); the seal has no same-run baseline.
 *   node bench/seal.ts [files]
 * ANCHORPOST_BENCH_RECEIPT_CHECK_THREADS sets the batcher's `receiptCheckThreads` (default: its own).
 */
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { TxFileAccepted } from '@anchorpost/events';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { Batcher } from '../src/index.ts';
import {
  acceptedEvent,
  cidForSmallBytes,
  openWorld,
  publishAccepted,
  RELAY_KEYS,
  reopenWorld,
  txFileBytes,
} from '../test/fixtures.ts';

/** The records as the relay publishes them (ADR 0035: the bytes only there; the seal stores them). */
async function prepare(files: number): Promise<string> {
  const world = await openWorld('anchorpost-batcher-bench-');
  for (let from = 0; from < files; from += 1000) {
    const events: TxFileAccepted[] = [];
    for (let n = from; n < Math.min(files, from + 1000); n += 1)
      events.push(acceptedEvent(n, cidForSmallBytes(txFileBytes(n))));
    await publishAccepted(world.bus, events);
  }
  await world.bus.close();
  await world.store.close();
  return world.dir;
}

async function seal(dir: string, maxFiles: number): Promise<void> {
  const world = await reopenWorld({ dir });
  const threads = process.env['ANCHORPOST_BENCH_RECEIPT_CHECK_THREADS'];
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 10);
  const started = performance.now();
  // CPU time as well as wall time: on a loaded shared machine the wall time mostly measures waiting.
  const cpuBefore = process.cpuUsage();
  const batcher = new Batcher({
    bus: world.bus,
    store: world.store,
    platform: 'bench',
    relayKeys: RELAY_KEYS,
    maxFiles,
    ...(threads === undefined ? {} : { receiptCheckThreads: Number(threads) }),
  });
  const sealed = await batcher.sealNow();
  const sealMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await batcher.stop();
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  await world.bus.close();
  await world.store.close();
  console.log(
    JSON.stringify({
      sealedCount: sealed?.count ?? 0,
      batchCid: sealed?.batchCid ?? null,
      sealMs: Math.round(sealMs),
      sealCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      rssBeforeMiB: Math.round(rssBefore / 2 ** 20),
      peakRssMiB: Math.round(peakRss / 2 ** 20),
    }),
  );
}

if (process.argv[2] === '--seal-in') {
  await seal(process.argv[3]!, Number(process.argv[4]));
} else {
  const files = Number(process.argv[2] ?? 100_000);
  const started = performance.now();
  const dir = await prepare(files);
  const prepareMs = Math.round(performance.now() - started);
  try {
    const out = execFileSync(
      process.execPath,
      [fileURLToPath(import.meta.url), '--seal-in', dir, String(Math.max(1, files))],
      { encoding: 'utf8' },
    );
    const sealed = JSON.parse(out) as { sealMs: number; sealCpuMs: number; peakRssMiB: number };
    console.log(JSON.stringify({ files, prepareMs, ...sealed }));
    const report = new BenchReport('batcher-seal');
    report.row({
      path: `batcher sealing ${files.toLocaleString('en')} files (FileLogBus + Helia), seal time`,
      measured: sealed.sealMs / 1000,
      unit: 's',
      target: '≤ 60 s for 1,000,000 files',
      details: { files, prepareMs, ...sealed },
    });
    report.row({
      path: `batcher sealing ${files.toLocaleString('en')} files, CPU time of the sealing process`,
      measured: sealed.sealCpuMs / 1000,
      unit: 's',
    });
    report.row({
      path: `batcher sealing ${files.toLocaleString('en')} files, peak RSS of the sealing process`,
      measured: sealed.peakRssMiB,
      unit: 'MiB',
      target: '< 384 MiB for 1,000,000 files',
    });
    await report.finish();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
