/**
 * `IndexRepository.proofRead`: everything a proof needs from the index in one SQL statement,
 * sent straight through the pg driver (no Prisma query building or result mapping: that was most
 * of a proof's CPU, see docs/performance.md). The same statement runs on PostgreSQL and on the
 * embedded PGlite, which is served over the same wire protocol.
 *
 * One row: the tx-file's first batch (lowest sequence, then batch CID), its leaf index, the
 * batch's anchors (JSON, by chain and chain id), the tx-file's trustedblock, the leaf's run of
 * 2^tree_level entries, and per level from tree_level up the sibling of the leaf's ancestor
 * (node `(index >> level) # 1`) when it starts inside the batch. Those siblings are exactly the
 * RFC 6962 path subtrees above the run (a lone last node moves up unchanged, ADR 0029). Times are
 * formatted by the server as `toISOString()` does; 64-bit integers travel as text.
 */
import type pg from 'pg';
import { DbError } from '@anchorpost/db-port';
import type { AnchorRecord, ChainKind, AnchorStatus, ProofNode, ProofReadRecord } from '@anchorpost/db-port';

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

export const PROOF_READ_SQL = `
WITH "e" AS (
  SELECT be."batch_cid", be."index" FROM "batch_entry" be
  JOIN "batch" b0 ON b0."cid" = be."batch_cid"
  WHERE be."tx_file_cid" = $1
  ORDER BY b0."sequence", be."batch_cid"
  LIMIT 1
)
SELECT e."index", b."cid", b."platform", b."sequence"::text AS "sequence", b."previous_cid",
  to_char(b."sealed_at" AT TIME ZONE 'UTC', ${ISO_UTC}) AS "sealed_at",
  b."merkle_root", b."count", b."root_block", b."tree_level",
  t."trustedblock_height"::text AS "trustedblock_height", t."trustedblock_id",
  (SELECT COALESCE(json_agg(json_build_array(a."chain", a."chain_id", a."contract", a."sequence"::text,
      a."root", a."tx_hash", a."block_number"::text, a."block_hash",
      to_char(a."block_time" AT TIME ZONE 'UTC', ${ISO_UTC}), a."status") ORDER BY a."chain", a."chain_id"), '[]')
    FROM "anchor" a WHERE a."batch_cid" = b."cid") AS "anchors",
  ARRAY(SELECT r."tx_file_cid" FROM "batch_entry" r
    WHERE r."batch_cid" = b."cid"
      AND r."index" >= e."index" - e."index" % (1 << b."tree_level")
      AND r."index" < e."index" - e."index" % (1 << b."tree_level") + (1 << b."tree_level")
    ORDER BY r."index") AS "run",
  (SELECT COALESCE(json_agg(json_build_array(n."level", n."index", n."hash") ORDER BY n."level"), '[]')
    FROM generate_series(b."tree_level", 30) AS j("level")
    JOIN "batch_tree_node" n ON n."batch_cid" = b."cid" AND n."level" = j."level"
      AND n."index" = (e."index" >> j."level") # 1
    WHERE (((e."index" >> j."level") # 1)::int8 << j."level") < b."count") AS "nodes"
FROM "e" JOIN "batch" b ON b."cid" = e."batch_cid"
LEFT JOIN "tx_file" t ON t."cid" = $1`;

interface ProofReadRow {
  index: number;
  cid: string;
  platform: string;
  sequence: string;
  previous_cid: string | null;
  sealed_at: string;
  merkle_root: string;
  count: number;
  root_block: Buffer | null;
  tree_level: number | null;
  trustedblock_height: string | null;
  trustedblock_id: string | null;
  anchors: AnchorTuple[];
  run: string[];
  nodes: [number, number, string][];
}

type AnchorTuple = [ChainKind, string, string, string, string, string, string, string, string, AnchorStatus];

function safeInteger(text: string): number {
  const number = Number(text);
  if (!Number.isSafeInteger(number)) throw new DbError('INVALID_VALUE', `${text} is not a safe integer`);
  return number;
}

function anchorRecord(tuple: AnchorTuple, batchCid: string): AnchorRecord {
  const [chain, chainId, contract, sequence, root, txHash, blockNumber, blockHash, blockTime, status] = tuple;
  return {
    chain,
    chainId,
    batchCid,
    contract,
    sequence: safeInteger(sequence),
    root,
    txHash,
    blockNumber: safeInteger(blockNumber),
    blockHash,
    blockTime,
    status,
  };
}

function proofReadRecord(txFileCid: string, row: ProofReadRow): ProofReadRecord {
  const nodes: ProofNode[] = row.nodes.map(([level, index, hash]) => ({ level, index, hash }));
  return {
    txFileCid,
    batch: {
      cid: row.cid,
      platform: row.platform,
      sequence: safeInteger(row.sequence),
      previousCid: row.previous_cid,
      sealedAt: row.sealed_at,
      merkleRoot: row.merkle_root,
      count: row.count,
      ...(row.root_block === null ? {} : { rootBlock: new Uint8Array(row.root_block) }),
    },
    index: row.index,
    anchors: row.anchors.map((tuple) => anchorRecord(tuple, row.cid)),
    ...(row.tree_level === null ? {} : { treeLevel: row.tree_level }),
    trustedblock:
      row.trustedblock_id === null || row.trustedblock_height === null
        ? null
        : { height: safeInteger(row.trustedblock_height), blockId: row.trustedblock_id },
    run: row.run,
    nodes,
  };
}

/** Runs PROOF_READ_SQL on the pool; DbErrors are the caller's (withDbErrors). */
export async function readProof(pool: pg.Pool, txFileCid: string): Promise<ProofReadRecord | null> {
  const result = await pool.query<ProofReadRow>(PROOF_READ_SQL, [txFileCid]);
  const row = result.rows[0];
  return row === undefined ? null : proofReadRecord(txFileCid, row);
}
