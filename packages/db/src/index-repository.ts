/**
 * The index port: what the parser writes (from chains + IPFS alone, so it can always be
 * rebuilt) and the proof API reads. `PrismaIndexRepository` is its one implementation; the
 * same code runs against PostgreSQL and the embedded PGlite (see createDatabase). The proof
 * API's hot read, `proofRead`, is one SQL statement on the pg pool itself (proof-read.ts).
 */
import { DbError } from '@anchorpost/db-port';
import { isProtocolError, MerkleUpperLevels, merkleLeafHashForCid, toHex } from '@anchorpost/protocol';
import type { MerkleUpperLevelsResult } from '@anchorpost/protocol';
import type pg from 'pg';
import { readProof } from './proof-read.ts';
import { withDbErrors } from './to-db-error.ts';
import { decodeMessageCursor, encodeMessageCursor } from './message-cursor.ts';
import { Prisma } from './generated/prisma/client.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import type { Anchor, Batch, ChainCursor, TxFile, TxFileSender } from './generated/prisma/client.ts';
import type {
  IndexRepository,
  AnchorRecord,
  BatchEntryRecord,
  BatchRecord,
  ChainCursorRecord,
  ChainKind,
  IndexDump,
  InclusionRecord,
  Page,
  ProofReadRecord,
  TxFileRecord,
} from '@anchorpost/db-port';

/** Rows per INSERT statement. */
export const ENTRY_CHUNK = 10_000;
const TX_FILE_CHUNK = 5_000;
export const MAX_PAGE_LIMIT = 1_000;
/**
 * Tree nodes are kept from runs of 2^4 = 16 entries up: a proof reads 16 entries and one node
 * per level above, and the nodes cost about count / 8 rows (see ADR 0029).
 */
export const TREE_LEVEL = 4;

/** Long enough for a batch of a million entries on a slow disk; a stuck one still ends. */
const BULK_TRANSACTION = { maxWait: 60_000, timeout: 600_000 } as const;

function toNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new DbError('INVALID_VALUE', `${value} is not a safe integer`);
  return number;
}

function toBatchRecord(row: Batch): BatchRecord {
  return {
    cid: row.cid,
    platform: row.platform,
    sequence: toNumber(row.sequence),
    previousCid: row.previousCid,
    sealedAt: row.sealedAt.toISOString(),
    merkleRoot: row.merkleRoot,
    count: row.count,
    ...(row.rootBlock === null ? {} : { rootBlock: new Uint8Array(row.rootBlock) }),
  };
}

function toTxFileRecord(row: TxFile & { senders: TxFileSender[] }): TxFileRecord {
  return {
    cid: row.cid,
    batchSequence: toNumber(row.batchSequence),
    batchIndex: row.batchIndex,
    recipientHash: row.recipientHash,
    senderHashes: row.senders.map((sender) => sender.senderHash),
    clientId: row.clientId,
    suite: row.suite,
    stateBefore: row.stateBefore,
    stateAfter: row.stateAfter,
    size: row.size,
    lastblockHeight: toNumber(row.lastblockHeight),
    trustedblockHeight: toNumber(row.trustedblockHeight),
    ...(row.trustedblockId === null ? {} : { trustedblockId: row.trustedblockId }),
  };
}

function toAnchorRecord(row: Anchor): AnchorRecord {
  return {
    chain: row.chain,
    chainId: row.chainId,
    batchCid: row.batchCid,
    contract: row.contract,
    sequence: toNumber(row.sequence),
    root: row.root,
    txHash: row.txHash,
    blockNumber: toNumber(row.blockNumber),
    blockHash: row.blockHash,
    blockTime: row.blockTime.toISOString(),
    status: row.status,
  };
}

function toChainCursorRecord(row: ChainCursor): ChainCursorRecord {
  return {
    chain: row.chain,
    chainId: row.chainId,
    lastBlock: toNumber(row.lastBlock),
    lastBlockHash: row.lastBlockHash,
  };
}

const SENDERS_IN_ORDER = { senders: { orderBy: { position: 'asc' } } } as const;

/** A Merkle leaf needs the CID's bytes: an entry that is no CID is an invalid value. */
function leafHash(txFileCid: string, index: number): Uint8Array {
  try {
    return merkleLeafHashForCid(txFileCid, `entries[${index}]`);
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new DbError('INVALID_VALUE', `entry ${index} is no tx-file CID: ${cause.message}`, { cause });
  }
}

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/** The batch's tree nodes from TREE_LEVEL up, one unnest() per chunk as for its entries. */
async function insertTreeNodes(
  tx: Transaction,
  batchCid: string,
  { base, levels }: MerkleUpperLevelsResult,
): Promise<void> {
  const rows = levels.flatMap((nodes, k) => nodes.map((hash, index) => ({ level: base + k, index, hash })));
  for (let start = 0; start < rows.length; start += ENTRY_CHUNK) {
    const chunk = rows.slice(start, start + ENTRY_CHUNK);
    await tx.$executeRaw`
      INSERT INTO "batch_tree_node" ("batch_cid", "level", "index", "hash")
      SELECT ${batchCid}, * FROM unnest(
        ${chunk.map((row) => row.level)}::int4[],
        ${chunk.map((row) => row.index)}::int4[],
        ${chunk.map((row) => toHex(row.hash))}::text[])`;
  }
}

export class PrismaIndexRepository implements IndexRepository {
  readonly #prisma: PrismaClient;
  /** The pool under `prisma`: `proofRead` goes straight through the driver. */
  readonly #pool: pg.Pool;

  constructor(prisma: PrismaClient, pool: pg.Pool) {
    this.#prisma = prisma;
    this.#pool = pool;
  }

  recordBatch(batch: BatchRecord, entries: Iterable<string> | AsyncIterable<string>): Promise<void> {
    return withDbErrors('recordBatch', () =>
      this.#prisma.$transaction(async (tx) => {
        await tx.batch.create({
          data: {
            cid: batch.cid,
            platform: batch.platform,
            sequence: batch.sequence,
            previousCid: batch.previousCid,
            sealedAt: new Date(batch.sealedAt),
            merkleRoot: batch.merkleRoot,
            count: batch.count,
            rootBlock: batch.rootBlock === undefined ? null : new Uint8Array(batch.rootBlock),
            treeLevel: TREE_LEVEL,
          },
        });
        const tree = new MerkleUpperLevels(TREE_LEVEL);
        // unnest() of one text[] per chunk rather than createMany's 3 bind parameters per row:
        // about 4× the rows per second on PGlite (see README), and no parameter limit.
        let index = 0;
        let chunk: string[] = [];
        const flush = async () => {
          await tx.$executeRaw`
            INSERT INTO "batch_entry" ("batch_cid", "index", "tx_file_cid")
            SELECT ${batch.cid}, ${index - chunk.length}::int + (t.n - 1)::int, t.cid
            FROM unnest(${chunk}::text[]) WITH ORDINALITY AS t(cid, n)`;
          chunk = [];
        };
        for await (const txFileCid of entries) {
          chunk.push(txFileCid);
          tree.add(leafHash(txFileCid, index));
          index += 1;
          if (chunk.length === ENTRY_CHUNK) await flush();
        }
        if (chunk.length > 0) await flush();
        if (index !== batch.count) {
          throw new DbError(
            'INVALID_ARGUMENT',
            `batch ${batch.cid} has count ${batch.count} but ${index} entries`,
          );
        }
        // Not checked against batch.merkleRoot: the parser verified the batch-file, and a proof
        // is verified against the root before it is handed out.
        await insertTreeNodes(tx, batch.cid, tree.finish());
      }, BULK_TRANSACTION),
    );
  }

  recordTxFiles(rows: readonly TxFileRecord[]): Promise<number> {
    return withDbErrors('recordTxFiles', () =>
      this.#prisma.$transaction(async (tx) => {
        let inserted = 0;
        for (let start = 0; start < rows.length; start += TX_FILE_CHUNK) {
          const chunk = rows.slice(start, start + TX_FILE_CHUNK);
          // One array per column, as for batch entries: createMany managed ~7,000 rows/s here.
          inserted += await tx.$executeRaw`
            INSERT INTO "tx_file" ("cid", "batch_sequence", "batch_index", "recipient_hash", "client_id", "suite",
              "state_before", "state_after", "size", "lastblock_height", "trustedblock_height",
              "trustedblock_id")
            SELECT * FROM unnest(
              ${chunk.map((row) => row.cid)}::text[],
              ${chunk.map((row) => row.batchSequence)}::int8[],
              ${chunk.map((row) => row.batchIndex)}::int4[],
              ${chunk.map((row) => row.recipientHash)}::text[],
              ${chunk.map((row) => row.clientId)}::text[],
              ${chunk.map((row) => row.suite)}::text[],
              ${chunk.map((row) => row.stateBefore)}::text[],
              ${chunk.map((row) => row.stateAfter)}::text[],
              ${chunk.map((row) => row.size)}::int4[],
              ${chunk.map((row) => row.lastblockHeight)}::int8[],
              ${chunk.map((row) => row.trustedblockHeight)}::int8[],
              ${chunk.map((row) => row.trustedblockId ?? null)}::text[])
            ON CONFLICT ("cid") DO NOTHING`;
          const senders = chunk.flatMap((row) =>
            row.senderHashes.map((senderHash, position) => ({ txFileCid: row.cid, position, senderHash })),
          );
          if (senders.length > 0) {
            await tx.$executeRaw`
              INSERT INTO "tx_file_sender" ("tx_file_cid", "position", "sender_hash")
              SELECT * FROM unnest(
                ${senders.map((sender) => sender.txFileCid)}::text[],
                ${senders.map((sender) => sender.position)}::int4[],
                ${senders.map((sender) => sender.senderHash)}::text[])
              ON CONFLICT DO NOTHING`;
          }
        }
        return inserted;
      }, BULK_TRANSACTION),
    );
  }

  recordAnchor(anchor: AnchorRecord): Promise<void> {
    const fields = {
      contract: anchor.contract,
      sequence: anchor.sequence,
      root: anchor.root,
      txHash: anchor.txHash,
      blockNumber: anchor.blockNumber,
      blockHash: anchor.blockHash,
      blockTime: new Date(anchor.blockTime),
      status: anchor.status,
    };
    return withDbErrors('recordAnchor', async () => {
      await this.#prisma.anchor.upsert({
        where: {
          chain_chainId_batchCid: { chain: anchor.chain, chainId: anchor.chainId, batchCid: anchor.batchCid },
        },
        create: { chain: anchor.chain, chainId: anchor.chainId, batchCid: anchor.batchCid, ...fields },
        update: fields,
      });
    });
  }

  getBatch(cid: string): Promise<BatchRecord | null> {
    return withDbErrors('getBatch', async () => {
      const row = await this.#prisma.batch.findUnique({ where: { cid } });
      return row === null ? null : toBatchRecord(row);
    });
  }

  getTxFile(cid: string): Promise<TxFileRecord | null> {
    return withDbErrors('getTxFile', async () => {
      const row = await this.#prisma.txFile.findUnique({ where: { cid }, include: SENDERS_IN_ORDER });
      return row === null ? null : toTxFileRecord(row);
    });
  }

  getBatchBySequence(platform: string, sequence: number): Promise<BatchRecord | null> {
    return withDbErrors('getBatchBySequence', async () => {
      const row = await this.#prisma.batch.findUnique({
        where: { platform_sequence: { platform, sequence } },
      });
      return row === null ? null : toBatchRecord(row);
    });
  }

  getBatchAnchors(batchCid: string): Promise<AnchorRecord[]> {
    return withDbErrors('getBatchAnchors', async () => {
      const rows = await this.#prisma.anchor.findMany({
        where: { batchCid },
        orderBy: [{ chain: 'asc' }, { chainId: 'asc' }],
      });
      return rows.map(toAnchorRecord);
    });
  }

  firstBatchOf(txFileCids: readonly string[]): Promise<Map<string, string>> {
    return withDbErrors('firstBatchOf', async () => {
      const rows = await this.#prisma.batchEntry.findMany({
        where: { txFileCid: { in: [...txFileCids] } },
        orderBy: [{ batch: { sequence: 'asc' } }, { batchCid: 'asc' }],
        select: { txFileCid: true, batchCid: true },
      });
      const first = new Map<string, string>();
      for (const row of rows) if (!first.has(row.txFileCid)) first.set(row.txFileCid, row.batchCid);
      return first;
    });
  }

  async *batchEntries(batchCid: string, pageSize = ENTRY_CHUNK): AsyncIterable<string> {
    let after = -1;
    for (;;) {
      const rows = await withDbErrors('batchEntries', () =>
        this.#prisma.batchEntry.findMany({
          where: { batchCid, index: { gt: after } },
          orderBy: { index: 'asc' },
          take: pageSize,
          select: { index: true, txFileCid: true },
        }),
      );
      for (const row of rows) yield row.txFileCid;
      if (rows.length < pageSize) return;
      after = rows.at(-1)!.index;
    }
  }

  proofRead(txFileCid: string): Promise<ProofReadRecord | null> {
    return withDbErrors('proofRead', () => readProof(this.#pool, txFileCid));
  }

  getProof(txFileCid: string): Promise<InclusionRecord | null> {
    return withDbErrors('getProof', async () => {
      const entry = await this.#prisma.batchEntry.findFirst({
        where: { txFileCid },
        orderBy: [{ batch: { sequence: 'asc' } }, { batchCid: 'asc' }],
        include: { batch: { include: { anchors: { orderBy: [{ chain: 'asc' }, { chainId: 'asc' }] } } } },
      });
      if (entry === null) return null;
      return {
        txFileCid,
        batch: toBatchRecord(entry.batch),
        index: entry.index,
        anchors: entry.batch.anchors.map(toAnchorRecord),
        ...(entry.batch.treeLevel === null ? {} : { treeLevel: entry.batch.treeLevel }),
      };
    });
  }

  async messagesByRecipient(
    recipientHash: string,
    cursor: string | null,
    limit: number,
  ): Promise<Page<TxFileRecord>> {
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      throw new DbError('INVALID_ARGUMENT', `limit must be 1…${MAX_PAGE_LIMIT}, got ${limit}`);
    }
    const after = cursor === null ? null : decodeMessageCursor(cursor);
    return await withDbErrors('messagesByRecipient', async () => {
      // A row-value comparison walks the (recipient_hash, batch_sequence, batch_index, cid)
      // index from the cursor on; Prisma's query builder has no way to say it.
      const keys = await this.#prisma.$queryRaw<{ cid: string }[]>`
        SELECT "cid" FROM "tx_file"
        WHERE "recipient_hash" = ${recipientHash}
          ${
            after === null
              ? Prisma.empty
              : Prisma.sql`AND ("batch_sequence", "batch_index", "cid") > (${BigInt(after.batchSequence)}, ${after.batchIndex}, ${after.cid})`
          }
        ORDER BY "batch_sequence", "batch_index", "cid"
        LIMIT ${limit + 1}`;
      const page = keys.slice(0, limit).map((key) => key.cid);
      const rows = await this.#prisma.txFile.findMany({
        where: { cid: { in: page } },
        include: SENDERS_IN_ORDER,
      });
      const byCid = new Map(rows.map((row) => [row.cid, toTxFileRecord(row)]));
      const items = page.map((cid) => byCid.get(cid)).filter((item) => item !== undefined);
      const last = items.at(-1);
      return {
        items,
        nextCursor: keys.length > limit && last !== undefined ? encodeMessageCursor(last) : null,
      };
    });
  }

  getChainCursor(chain: ChainKind, chainId: string): Promise<ChainCursorRecord | null> {
    return withDbErrors('getChainCursor', async () => {
      const row = await this.#prisma.chainCursor.findUnique({ where: { chain_chainId: { chain, chainId } } });
      return row === null ? null : toChainCursorRecord(row);
    });
  }

  saveChainCursor(cursor: ChainCursorRecord): Promise<void> {
    const fields = { lastBlock: cursor.lastBlock, lastBlockHash: cursor.lastBlockHash };
    return withDbErrors('saveChainCursor', async () => {
      await this.#prisma.chainCursor.upsert({
        where: { chain_chainId: { chain: cursor.chain, chainId: cursor.chainId } },
        create: { chain: cursor.chain, chainId: cursor.chainId, ...fields },
        update: fields,
      });
    });
  }

  truncateAll(): Promise<void> {
    return withDbErrors('truncateAll', async () => {
      await this.#prisma.$executeRawUnsafe(
        'TRUNCATE TABLE "batch_tree_node", "batch_entry", "tx_file_sender", "anchor", "tx_file", "peer_batch", "batch", "chain_cursor", "peer_cursor"',
      );
    });
  }

  dumpAll(): Promise<IndexDump> {
    return withDbErrors('dumpAll', async () => {
      const batches = await this.#prisma.batch.findMany({
        orderBy: [{ platform: 'asc' }, { sequence: 'asc' }],
      });
      const batchEntries: BatchEntryRecord[] = await this.#prisma.batchEntry.findMany({
        orderBy: [{ batchCid: 'asc' }, { index: 'asc' }],
      });
      const batchTreeNodes = await this.#prisma.batchTreeNode.findMany({
        orderBy: [{ batchCid: 'asc' }, { level: 'asc' }, { index: 'asc' }],
      });
      const txFiles = await this.#prisma.txFile.findMany({
        orderBy: { cid: 'asc' },
        include: SENDERS_IN_ORDER,
      });
      const anchors = await this.#prisma.anchor.findMany({
        orderBy: [{ chain: 'asc' }, { chainId: 'asc' }, { batchCid: 'asc' }],
      });
      const chainCursors = await this.#prisma.chainCursor.findMany({
        orderBy: [{ chain: 'asc' }, { chainId: 'asc' }],
      });
      return {
        batches: batches.map(toBatchRecord),
        batchEntries,
        batchTreeNodes,
        txFiles: txFiles.map(toTxFileRecord),
        anchors: anchors.map(toAnchorRecord),
        chainCursors: chainCursors.map(toChainCursorRecord),
      };
    });
  }
}
