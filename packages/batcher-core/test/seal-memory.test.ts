/**
 * Memory stays bounded: a large batch is sealed in a fresh child process (bench/seal.ts) and the
 * child's peak RSS must stay far under the 512 MiB a million-file batch is allowed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { promisify } from 'node:util';

// Sized to seal in well under a minute on a shared 2-core machine (storage pins cost ~1 ms a file).
const FILES = 30_000;

it(`seals ${FILES} tx-files in one batch with bounded RSS`, { timeout: 170_000 }, async (t) => {
  const bench = fileURLToPath(new URL('../bench/seal.ts', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [bench, String(FILES)], {
    encoding: 'utf8',
    timeout: 160_000,
  });
  // The bench prints its result as the first line, then its report (load average, JSON file).
  const [line = ''] = stdout.split('\n');
  const result = JSON.parse(line) as { sealedCount: number; peakRssMiB: number; rssBeforeMiB: number };
  t.diagnostic(stdout.trim());
  assert.equal(result.sealedCount, FILES);
  assert.ok(result.peakRssMiB < 512, `peak RSS ${result.peakRssMiB} MiB`);
  // The seal itself adds little: entries cost 36 bytes + a 72-byte set slot each. Once, whatever
  // the batch: V8's young generation at its maximum (64 MiB) and the receipt check thread (~40 MiB,
  // a second isolate; 111 MiB growth without it, 142–175 with it, docs/performance.md).
  assert.ok(result.peakRssMiB - result.rssBeforeMiB < 200, JSON.stringify(result));
});
