/**
 * Where a proof's CPU goes, as client CPU per call (`process.cpuUsage`, user + system, so
 * insensitive to how busy the machine is): `assembleProof` with and without the batch header
 * cache, its one index read (`proofRead`), and bare primary-key reads through the pg driver and
 * through Prisma for scale. CALLS sequential calls each, on one anchored batch of ENTRIES entries
 * (a real batch-file), after as many warm-up calls (`node bench/proof-cpu.ts`).
 *
 * Database: as proof-load.ts (bench-batch.ts); on embedded PGlite the server runs in this
 * process, so its CPU counts too.
 */
import { cpus, loadavg } from 'node:os';
import pg from 'pg';
import { assembleProof, BatchHeaderCache } from '@anchorpost/proofs';
import { anchoredBenchBatch, openBenchDatabase } from './bench-batch.ts';

const ENTRIES = Number(process.env['ANCHORPOST_BENCH_PROOF_ENTRIES'] ?? 20_000);
const CALLS = Number(process.env['ANCHORPOST_BENCH_CALLS'] ?? 300);

/** Client CPU in ms per call of `call` over `keys`, after one warm-up pass. */
async function cpuPerCall(keys: readonly string[], call: (key: string) => Promise<unknown>): Promise<number> {
  for (const key of keys) await call(key);
  const before = process.cpuUsage();
  for (const key of keys) await call(key);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / keys.length;
}

const database = await openBenchDatabase('anchorpost_proof_cpu');
try {
  const { db, cids } = await anchoredBenchBatch(database, ENTRIES, 'proof-cpu');
  const keys = Array.from({ length: CALLS }, (_, i) => cids[Math.floor((i * 7_919) % ENTRIES)]!);
  const head = () => Promise.resolve(100);
  const cache = new BatchHeaderCache();
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  const rows: [string, number][] = [
    [
      'assembleProof, no header cache',
      await cpuPerCall(keys, (key) => assembleProof(db.index, key, { head })),
    ],
    [
      'assembleProof, header cache',
      await cpuPerCall(keys, (key) => assembleProof(db.index, key, { head, batchHeaderCache: cache })),
    ],
    ['proofRead (one statement)', await cpuPerCall(keys, (key) => db.index.proofRead(key))],
    [
      'bare SELECT of one batch_entry, pg driver',
      await cpuPerCall(keys, (key) =>
        pool.query('SELECT "batch_cid", "index" FROM "batch_entry" WHERE "tx_file_cid" = $1', [key]),
      ),
    ],
    [
      'the same SELECT through Prisma',
      await cpuPerCall(keys, (key) => db.prisma.batchEntry.findFirst({ where: { txFileCid: key } })),
    ],
  ];
  await pool.end();
  console.log(
    `proof CPU: ${database.kind}, ${ENTRIES.toLocaleString('en')} entries, ${CALLS} calls each, ` +
      `${cpus().length} cpus, loadavg ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')}`,
  );
  for (const [name, ms] of rows) console.log(`  ${name}: ${ms.toFixed(3)} ms CPU per call`);
  await db.close();
} finally {
  await database.close();
}
