/**
 * The proof bench's load generator, in a process of its own so that its work does not count
 * against the server's. Open loop: requests are due at the offered rate whatever the answers do,
 * and each latency runs from when its request was due (not when a slot freed up), so a stalled
 * server shows in the tail instead of slowing the generator down (no coordinated omission).
 *   node bench/load-generator.ts <json options>   → prints one JSON line
 * Targets: `http` (GET <url>/v1/proofs/<cid>) or `select` (a bare primary-key SELECT of
 * batch_entry on <databaseUrl>, the same run's floor).
 */
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import pg from 'pg';
import { LatencyHistogram } from '@anchorpost/service-kit';

interface GeneratorOptions {
  target: 'http' | 'select';
  url?: string;
  databaseUrl?: string;
  batchCid: string;
  /** File with one `<index> <cid>` per line. */
  keysFile: string;
  rate: number;
  seconds: number;
  concurrency: number;
  /** Connections of the `select` target's pool (the embedded database takes few). */
  connections?: number;
}

const options = JSON.parse(process.argv[2]!) as GeneratorOptions;
const keys = (await readFile(options.keysFile, 'utf8'))
  .trim()
  .split('\n')
  .map((line) => {
    const [index, cid] = line.split(' ');
    return { index: Number(index), cid: cid! };
  });

function httpCall(): (key: { cid: string }) => Promise<boolean> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(options.url!);
  return (key) =>
    new Promise((resolve) => {
      const call = request(
        { agent, host: url.hostname, port: url.port, path: `/v1/proofs/${key.cid}`, method: 'GET' },
        (response) => {
          response.resume();
          response.on('end', () => {
            resolve(response.statusCode === 200);
          });
        },
      );
      call.on('error', () => {
        resolve(false);
      });
      call.end();
    });
}

function selectCall(pool: pg.Pool): (key: { index: number; cid: string }) => Promise<boolean> {
  return async (key) => {
    try {
      const result = await pool.query<{ tx_file_cid: string }>({
        name: 'bench-entry',
        text: 'SELECT "tx_file_cid" FROM "batch_entry" WHERE "batch_cid" = $1 AND "index" = $2',
        values: [options.batchCid, key.index],
      });
      return result.rows[0]?.tx_file_cid === key.cid;
    } catch {
      return false;
    }
  };
}

const pool =
  options.target === 'select'
    ? new pg.Pool({ connectionString: options.databaseUrl, max: options.connections ?? 4 })
    : undefined;
const call = pool === undefined ? httpCall() : selectCall(pool);

const histogram = new LatencyHistogram();
let errors = 0;
let sent = 0;
let inFlight = 0;
let completed = 0;
const started = performance.now();
const deadline = started + options.seconds * 1000;
const dueAt = (n: number) => started + (n * 1000) / options.rate;

// Sends what is due until the deadline, then lets what is in flight finish: the run takes
// `seconds` plus one round of answers however slow the target is. Requests that were due but
// never sent (the target could not keep up) are reported as `backlog`.
await new Promise<void>((done) => {
  let waiting = false;
  const pump = () => {
    const now = performance.now();
    while (now < deadline && inFlight < options.concurrency && dueAt(sent) <= now) {
      const due = dueAt(sent);
      const key = keys[sent % keys.length]!;
      sent += 1;
      inFlight += 1;
      void call(key).then((ok) => {
        histogram.record(performance.now() - due);
        if (!ok) errors += 1;
        inFlight -= 1;
        completed += 1;
        pump();
      });
    }
    if (now >= deadline) {
      if (inFlight === 0) done();
      return;
    }
    if (inFlight < options.concurrency && !waiting) {
      waiting = true;
      setTimeout(
        () => {
          waiting = false;
          pump();
        },
        Math.max(0, Math.min(dueAt(sent), deadline) - performance.now()),
      );
    }
  };
  pump();
});
const elapsed = (performance.now() - started) / 1000;
await pool?.end();
console.log(
  JSON.stringify({
    target: options.target,
    offeredRate: options.rate,
    completed,
    backlog: Math.floor(options.seconds * options.rate - sent),
    errors,
    seconds: elapsed,
    achievedRate: (completed - errors) / elapsed,
    histogram: histogram.toJSON(),
  }),
);
