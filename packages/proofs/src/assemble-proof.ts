/**
 * Builds the TxFileProof of one tx-file from the index alone: where it was sealed (getProof), the
 * Merkle path from the batch's stored tree nodes and the leaf's run of entries (or, for a batch
 * indexed before the nodes were kept, from all its entries read page by page), and the batch's
 * anchors with their depth below the chain's current head.
 */
import type { AnchorRecord, BatchRecord, ChainKind, IndexRepository } from '@anchorpost/db-port';
import { toBase64 } from '@anchorpost/protocol';
import { checkBatchHeader } from './batch-header-check.ts';
import { inclusionFromEntries } from './inclusion-from-entries.ts';
import { inclusionFromTree } from './inclusion-from-tree.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import { TX_FILE_PROOF_VERSION } from './tx-file-proof.ts';
import type { AnchorProof, ProofBatch, ProofTimeBound, TxFileProof } from './tx-file-proof.ts';
import type { TreeNodeCache } from './tree-node-cache.ts';

export interface AssembleProofOptions {
  /** The chain's current head height (the service asks its ChainReader); confirmations count from it. */
  head(chain: ChainKind, chainId: string): Promise<number>;
  /**
   * The tx-file's `trustedblock` (height and block id); by default read from the index
   * (`getTxFile`). Without one — a tx-file batched but not parsed, or a row indexed before the
   * index kept the block id — the proof has no `timeBound.notBefore`, and a verifier establishes
   * no lower time bound.
   */
  trustedblock?(txFileCid: string): Promise<TrustedBlockRef | null>;
  /**
   * The time (RFC 3339) of the Ergo block `blockId` at `height`, for the lower end of the time
   * window; the service reads the header from its Ergo node. Without it (or when it answers
   * undefined) the proof carries the block without its time; the verifier reads it anyway.
   */
  ergoBlockTime?(height: number, blockId: string): Promise<string | undefined>;
  /**
   * Entries read per database round trip when the batch was indexed without its tree nodes
   * (the full read); default: the repository's own page size.
   */
  entryPageSize?: number;
  /** Tree nodes kept between proofs (bounded); without one every proof reads its nodes. */
  treeNodeCache?: TreeNodeCache | undefined;
  observer?: AssembleProofObserver | undefined;
}

/** A tx-file's `blockchain.trustedblock`: the height and the block id it names. */
export interface TrustedBlockRef {
  height: number;
  blockId: string;
}

/** Hooks for metrics (the service hangs prom-client on them). */
export interface AssembleProofObserver {
  proofAssembled?(event: { txFile: string; treeSize: number; anchors: number; ms: number }): void;
}

function anchorProof(record: AnchorRecord, head: number): AnchorProof {
  const confirmations = Math.max(0, head - record.blockNumber + 1);
  const status = record.status === 'confirmed' ? 'final' : 'anchored';
  if (record.chain === 'ergo') {
    return {
      chain: 'ergo',
      chainId: record.chainId,
      tokenId: record.contract.toLowerCase(),
      txId: record.txHash.toLowerCase(),
      height: record.blockNumber,
      headerId: record.blockHash.toLowerCase(),
      blockTime: record.blockTime,
      confirmations,
      status,
    };
  }
  return {
    chain: 'evm',
    chainId: record.chainId,
    contract: record.contract.toLowerCase(),
    txHash: record.txHash.toLowerCase(),
    blockNumber: record.blockNumber,
    blockHash: record.blockHash.toLowerCase(),
    blockTime: record.blockTime,
    confirmations,
    status,
  };
}

/**
 * The proof's `batch`, with the root block the parser kept, checked as a verifier will: a root
 * block that is missing (indexed before the index kept it), or that contradicts the index row,
 * is INDEX_INCONSISTENT rather than a proof that would fail verification.
 */
async function proofBatch(batch: BatchRecord): Promise<ProofBatch & { rootBlock: string }> {
  if (batch.rootBlock === undefined) {
    throw new ProofError(
      ProofErrorCode.IndexInconsistent,
      'batch.rootBlock',
      `batch ${batch.cid} was indexed without its root block; rebuild the index to prove its tx-files`,
    );
  }
  const proof = {
    cid: batch.cid,
    platform: batch.platform,
    sequence: batch.sequence,
    count: batch.count,
    merkleRoot: batch.merkleRoot,
    sealedAt: batch.sealedAt,
    previous: batch.previousCid,
    rootBlock: toBase64(batch.rootBlock),
  };
  try {
    await checkBatchHeader(proof);
  } catch (cause) {
    if (!(cause instanceof ProofError)) throw cause;
    throw new ProofError(
      ProofErrorCode.IndexInconsistent,
      cause.field,
      `the index row of batch ${batch.cid} contradicts its root block: ${cause.message}`,
      { cause },
    );
  }
  return proof;
}

/** The trustedblock the index kept for the tx-file; null without a row or (older rows) an id. */
async function indexedTrustedblock(
  index: IndexRepository,
  txFileCid: string,
): Promise<TrustedBlockRef | null> {
  const row = await index.getTxFile(txFileCid);
  if (row?.trustedblockId === undefined) return null;
  return { height: row.trustedblockHeight, blockId: row.trustedblockId };
}

/**
 * NOT_FOUND (field `txFile`) when the tx-file is in no indexed batch — unknown, or not sealed yet;
 * NOT_FOUND (field `anchors`) when its batch has no live anchor on any chain yet. INDEX_INCONSISTENT when
 * the index contradicts itself. DbErrors from the repository pass through unchanged.
 */
export async function assembleProof(
  index: IndexRepository,
  txFileCid: string,
  options: AssembleProofOptions,
): Promise<TxFileProof> {
  const started = performance.now();
  const found = await index.getProof(txFileCid);
  if (found === null) {
    throw new ProofError(
      ProofErrorCode.NotFound,
      'txFile',
      `tx-file ${txFileCid} is in no indexed batch (unknown, or not sealed yet)`,
    );
  }
  const { batch } = found;
  // Orphaned anchors left the canonical chain.
  const live = found.anchors.filter((anchor) => anchor.status !== 'orphaned');
  if (live.length === 0) {
    throw new ProofError(
      ProofErrorCode.NotFound,
      'anchors',
      `tx-file ${txFileCid} is sealed in batch ${batch.cid} (sequence ${batch.sequence}), which is not anchored yet`,
    );
  }
  for (const anchor of live) {
    if (
      anchor.root !== batch.merkleRoot ||
      anchor.sequence !== batch.sequence ||
      anchor.batchCid !== batch.cid
    ) {
      throw new ProofError(
        ProofErrorCode.IndexInconsistent,
        'anchors',
        `the ${anchor.chain}:${anchor.chainId} anchor of batch ${batch.cid} holds another root or sequence`,
      );
    }
  }
  const provenBatch = await proofBatch(batch);
  // Read beside the Merkle path rather than after it: one round trip less per proof.
  const trustedLookup = (options.trustedblock ?? ((cid) => indexedTrustedblock(index, cid)))(txFileCid);
  trustedLookup.catch(() => undefined); // awaited below; a path failure must not leave it unhandled
  const target = { leaf: txFileCid, index: found.index, treeSize: batch.count, root: batch.merkleRoot };
  // O(log n) reads from the stored tree nodes; batches indexed before they were kept read every entry.
  const inclusion =
    found.treeLevel === undefined
      ? await inclusionFromEntries(index.batchEntries(batch.cid, options.entryPageSize), target)
      : await inclusionFromTree(
          index,
          { ...target, batchCid: batch.cid, treeLevel: found.treeLevel },
          options.treeNodeCache,
        );
  const anchors: AnchorProof[] = [];
  for (const anchor of live)
    anchors.push(anchorProof(anchor, await options.head(anchor.chain, anchor.chainId)));
  const timeBound: ProofTimeBound = { notAfter: anchors.map((anchor) => anchor.blockTime).sort()[0]! };
  const trusted = await trustedLookup;
  if (trusted !== null) {
    const blockId = trusted.blockId.toLowerCase();
    const time = await options.ergoBlockTime?.(trusted.height, blockId);
    timeBound.notBefore = {
      chain: 'ergo',
      height: trusted.height,
      blockId,
      ...(time === undefined ? {} : { time }),
    };
  }
  const proof: TxFileProof = {
    version: TX_FILE_PROOF_VERSION,
    txFile: txFileCid,
    batch: provenBatch,
    inclusion,
    anchors,
    timeBound,
  };
  options.observer?.proofAssembled?.({
    txFile: txFileCid,
    treeSize: batch.count,
    anchors: anchors.length,
    ms: performance.now() - started,
  });
  return proof;
}
