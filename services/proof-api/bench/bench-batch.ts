/**
 * What the proof API's benches share: the database they run on and one anchored batch in it — a
 * real batch-file (root block and Merkle root from the protocol's encoder) of `entries` tx-file
 * CIDs, indexed by `recordBatch` and anchored (confirmed) on EVM chain 31337.
 *
 * Database: ANCHORPOST_BENCH_DATABASE_URL (an empty PostgreSQL database), else a fresh database on
 * ANCHORPOST_TEST_POSTGRES_URL (scripts/start-postgres.sh prints one), else embedded PGlite.
 */
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { BatchRecord, Database } from '@anchorpost/db';
import { createTestDatabase } from '@anchorpost/db/testing';
import { cidForSmallBytes, toHex, writeBatchFile } from '@anchorpost/protocol';

export const BENCH_CHAIN_ID = 31_337;

export interface BenchDatabase {
  url: string;
  kind: 'PostgreSQL' | 'embedded PGlite';
  /** Its pool size for the code under test (1 on the embedded server). */
  poolSize: number;
  close(): Promise<void>;
}

export async function openBenchDatabase(prefix: string): Promise<BenchDatabase> {
  const given = process.env['ANCHORPOST_BENCH_DATABASE_URL'];
  if (given !== undefined && given !== '') {
    return { url: given, kind: 'PostgreSQL', poolSize: 10, close: async () => {} };
  }
  const admin = process.env['ANCHORPOST_TEST_POSTGRES_URL'];
  if (admin !== undefined && admin !== '') {
    const database = await createTestDatabase(admin, prefix);
    return { url: database.databaseUrl, kind: 'PostgreSQL', poolSize: 10, close: () => database.drop() };
  }
  const server = await startEmbeddedPostgres();
  return {
    url: server.databaseUrl,
    kind: 'embedded PGlite',
    poolSize: EMBEDDED_POOL_SIZE,
    close: () => server.stop(),
  };
}

export interface BenchBatch {
  db: Database;
  batch: BatchRecord & { rootBlock: Uint8Array };
  /** Its entries in leaf order. */
  cids: string[];
  /** How long recordBatch took. */
  indexSeconds: number;
}

/** Migrates the database, opens it, and indexes and anchors one batch of `entries` entries. */
export async function anchoredBenchBatch(
  database: BenchDatabase,
  entries: number,
  label: string,
): Promise<BenchBatch> {
  await migrate(database.url);
  const db = createDatabase({ databaseUrl: database.url, poolSize: database.poolSize });
  const cids = Array.from({ length: entries }, (_, i) =>
    cidForSmallBytes(new TextEncoder().encode(`${label} ${i}`)),
  );
  const sealedAt = new Date().toISOString();
  const sealed = await writeBatchFile(
    { platform: label, sequence: 0, previous: null, sealedAt },
    cids,
    () => undefined,
  );
  const batch = {
    cid: sealed.cid.toString(),
    platform: label,
    sequence: 0,
    previousCid: null,
    sealedAt,
    merkleRoot: toHex(sealed.root.merkleRoot),
    count: entries,
    rootBlock: sealed.bytes,
  };
  const indexStarted = performance.now();
  await db.index.recordBatch(batch, cids);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  await db.index.recordAnchor({
    chain: 'evm',
    chainId: String(BENCH_CHAIN_ID),
    batchCid: batch.cid,
    contract: `0x${'11'.repeat(20)}`,
    sequence: 0,
    root: batch.merkleRoot,
    txHash: `0x${'22'.repeat(32)}`,
    blockNumber: 10,
    blockHash: `0x${'33'.repeat(32)}`,
    blockTime: sealedAt,
    status: 'confirmed',
  });
  return { db, batch, cids, indexSeconds };
}
