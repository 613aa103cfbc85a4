/** A worker script for the WorkerPool tests: echoes a job's value, exits on `die`. */
import { threadId } from 'node:worker_threads';
import { serveJobs } from '../../src/worker-pool/worker-side.ts';

serveJobs((job: { id: number; value: string }) => {
  if (job.value === 'die') process.exit(3);
  return Promise.resolve({ id: job.id, value: job.value, thread: threadId });
});
