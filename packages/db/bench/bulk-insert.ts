// Bulk-insert rates of the index repository: `npm run bench` (embedded PGlite in memory), or
// against a PostgreSQL with ANCHORPOST_BENCH_DATABASE_URL=postgresql://… (an empty database;
// the benchmark migrates it and writes its own rows).
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '../src/index.ts';
import {
  fixtureBatch,
  fixtureCid,
  fixtureEntries,
  fixtureHash,
  fixtureTxFile,
} from '../src/testing/index.ts';

const external = process.env['ANCHORPOST_BENCH_DATABASE_URL'];
const server = external === undefined ? await startEmbeddedPostgres() : undefined;
const databaseUrl = external ?? server!.databaseUrl;
await migrate(databaseUrl);
const db = createDatabase({ databaseUrl, poolSize: server === undefined ? 4 : EMBEDDED_POOL_SIZE });
const platform = `bench-${Date.now()}`;

async function measure(label: string, rows: number, run: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label}: ${rows.toLocaleString('en')} rows in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds).toLocaleString('en')} rows/s`,
  );
}

try {
  let sequence = 0;
  for (const count of [20_000, 100_000]) {
    const batch = fixtureBatch(platform, sequence++, count);
    const entries = fixtureEntries(`${platform}/${count}`, count);
    await measure(`recordBatch (batch_entry)`, count, () => db.index.recordBatch(batch, entries));
  }
  const recipients = Array.from({ length: 100 }, (_, i) => fixtureHash(`bench/recipient/${i}`));
  const txFiles = Array.from({ length: 20_000 }, (_, batchIndex) =>
    fixtureTxFile(
      fixtureCid(`${platform}/tx/${batchIndex}`),
      { batchSequence: 0, batchIndex },
      recipients[batchIndex % 100]!,
    ),
  );
  // Two senders each: 20,000 tx_file rows plus 40,000 tx_file_sender rows.
  await measure('recordTxFiles (tx_file + 2 senders each)', 60_000, () => db.index.recordTxFiles(txFiles));
} finally {
  await db.close();
  await server?.stop();
}
