/**
 * Tiny benchmark harness: one printed line per figure, so runs are easy to read and to diff.
 * A bench file (`bench/<name>.bench.ts`) exports `run(): Promise<void>` and uses these helpers;
 * `bench/run.ts` runs every bench file in turn.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const NAME_WIDTH = 64;

// A real gc() so memory figures show what is retained, not what the collector has not reached yet.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function line(name: string, value: string): void {
  console.log(`${name.padEnd(NAME_WIDTH, ' ')} ${value}`);
}

const format = (value: number, digits = 1): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface BenchOptions {
  /** Timed runs; the median is reported (default 1: the heavy benches run once). */
  runs?: number;
  /** Untimed runs first, to let the JIT settle (default 0). */
  warmup?: number;
}

/** Times `fn` (sync or async), prints `name  <median> ms`, and returns the median in milliseconds. */
export async function bench(name: string, fn: () => unknown, options: BenchOptions = {}): Promise<number> {
  const runs = options.runs ?? 1;
  for (let i = 0; i < (options.warmup ?? 0); i += 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  line(name, runs > 1 ? `${format(median)} ms (median of ${runs})` : `${format(median)} ms`);
  return median;
}

/** Prints a derived figure, e.g. `figure('cid: 1 KiB files', 52_000, 'files/s')`. */
export function figure(name: string, value: number, unit: string, digits = 1): void {
  line(name, `${format(value, digits)} ${unit}`);
}

/** Prints `numerator / denominator` as a factor, e.g. how many times faster one side is. */
export function ratio(name: string, numerator: number, denominator: number): void {
  line(name, `×${format(numerator / denominator, 2)}`);
}

/** A line of context (what was measured, what was skipped and why). */
export function note(text: string): void {
  console.log(`  # ${text}`);
}

/** Heap + array buffers still in use after a full collection, in MB. */
export function memoryInUseMb(): number {
  gc();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1e6;
}
