import assert from 'node:assert/strict';
import { it } from 'node:test';
import { runReadiness } from '../src/readiness.ts';

it('a hanging check makes the instance not ready within its time limit', async () => {
  const started = performance.now();
  const report = await runReadiness([
    { name: 'kafka', check: () => new Promise(() => undefined), timeoutMs: 100 },
    { name: 'database', check: () => Promise.resolve() },
  ]);
  assert.equal(report.ready, false);
  assert.deepEqual(report.checks.kafka, { ok: false, error: 'no answer within 100 ms' });
  assert.deepEqual(report.checks.database, { ok: true });
  assert.ok(performance.now() - started < 1000);
});
