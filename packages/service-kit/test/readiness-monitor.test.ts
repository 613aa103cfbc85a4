import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { it } from 'node:test';
import { ReadinessMonitor } from '../src/readiness.ts';

it('runs the checks once per interval however often the report is read', async () => {
  let runs = 0;
  // A function, so that the assertions below do not narrow `runs` to the value they saw.
  const checksRun = (): number => runs;
  const monitor = new ReadinessMonitor(
    [
      {
        name: 'database',
        check: () => {
          runs += 1;
          return Promise.resolve();
        },
      },
    ],
    200,
  );
  assert.equal(monitor.report().ready, false, 'not ready before the first round');
  await monitor.start();
  try {
    assert.equal(runs, 1);
    for (let i = 0; i < 1000; i++) assert.equal(monitor.report().ready, true);
    assert.equal(runs, 1, 'reading the report runs no check');
    await sleep(500);
    const rounds = checksRun();
    assert.ok(rounds >= 2 && rounds <= 3, `${rounds} rounds in 500 ms at one per 200 ms`);
  } finally {
    monitor.stop();
  }
  const stopped = checksRun();
  await sleep(300);
  assert.equal(checksRun(), stopped, 'no round after stop');
});
