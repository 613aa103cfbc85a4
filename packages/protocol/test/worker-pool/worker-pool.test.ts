/**
 * WorkerPool (shared by the relay's checks and the parser's parse): jobs answered by threads
 * started on demand up to the bound, a thread that dies fails its jobs and is replaced, a closed
 * pool refuses work.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerPool } from '../../src/worker-pool/worker-pool.ts';

interface Job {
  id: number;
  value: string;
}
interface Answer {
  id: number;
  value: string;
  thread: number;
}

const script = new URL('./echo-worker.ts', import.meta.url);

describe('WorkerPool', () => {
  it('answers each job from at most `threads` threads', async () => {
    const pool = new WorkerPool<Job, Answer>({ script, threads: 2, owner: 'the test' });
    try {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => pool.run({ value: `v${i}` })));
      assert.deepEqual(
        answers.map((answer) => answer.value),
        Array.from({ length: 20 }, (_, i) => `v${i}`),
      );
      assert.equal(new Set(answers.map((answer) => answer.thread)).size, 2);
      assert.equal(pool.runningThreads, 2);
    } finally {
      await pool.close();
    }
  });

  it('fails the jobs of a thread that dies and starts another for the next job', async () => {
    const pool = new WorkerPool<Job, Answer>({ script, threads: 1, owner: 'the test' });
    try {
      await assert.rejects(pool.run({ value: 'die' }), /exited \(3\)/);
      assert.equal(pool.runningThreads, 0);
      assert.equal((await pool.run({ value: 'after' })).value, 'after');
      assert.equal(pool.runningThreads, 1);
    } finally {
      await pool.close();
    }
    await assert.rejects(pool.run({ value: 'closed' }), /the test is closed/);
  });
});
