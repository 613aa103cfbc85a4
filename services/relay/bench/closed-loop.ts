/**
 * Closed-loop throughput: `concurrency` callers each take the next tx-file as soon as their last
 * call answered, until the files run out or the phase's time is up (calls already started finish).
 */
import { round } from './stats.ts';
import type { BenchTxFile } from './tx-file-sets.ts';

export interface ThroughputResult {
  /** Files sent (all of them, or those started before the time was up). */
  files: number;
  accepted: number;
  errors: number;
  seconds: number;
  filesPerSec: number;
  mbPerSec: number;
}

export async function closedLoop(
  files: readonly BenchTxFile[],
  options: { concurrency: number; maxMs: number },
  /** Resolves true when the file was accepted; a rejection counts as an error. */
  call: (file: BenchTxFile, lane: number) => Promise<boolean>,
): Promise<ThroughputResult> {
  const started = performance.now();
  const deadline = started + options.maxMs;
  let next = 0;
  let accepted = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async (_, lane) => {
      while (next < files.length && performance.now() < deadline) {
        const file = files[next]!;
        next += 1;
        bytes += file.bytes.byteLength;
        if (await call(file, lane).catch(() => false)) accepted += 1;
      }
    }),
  );
  const ms = performance.now() - started;
  return {
    files: next,
    accepted,
    errors: next - accepted,
    seconds: round(ms / 1000, 3),
    filesPerSec: round((next / ms) * 1000),
    mbPerSec: round((bytes / 1e6 / ms) * 1000, 3),
  };
}
