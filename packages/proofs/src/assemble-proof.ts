/**
 * Builds the TxFileProof of one tx-file from the index alone, in one round trip (`proofRead`:
 * where it was sealed, the batch's anchors, its trustedblock, the leaf's run of entries and the
 * batch's stored tree nodes on the path; a batch indexed before the nodes were kept reads all its
 * entries page by page), with the anchors' depth below the chain's current head. The batch's
 * checked header may come from a bounded cache (BatchHeaderCache), valid only for the same row.
 */
import type { AnchorRecord, BatchRecord, ChainKind, IndexRepository } from '@anchorpost/db-port';
import { toBase64 } from '@anchorpost/protocol';
import { checkBatchHeader } from './batch-header-check.ts';
import { inclusionFromEntries } from './inclusion-from-entries.ts';
import { inclusionFromTree } from './inclusion-from-tree.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import { TX_FILE_PROOF_VERSION } from './tx-file-proof.ts';
import type { AnchorProof, ProofTimeBound, TxFileProof } from './tx-file-proof.ts';
import type { BatchHeaderCache, CheckedBatchHeader } from './batch-header-cache.ts';

export interface AssembleProofOptions {
  /** The chain's current head height (the service asks its ChainReader); confirmations count from it. */
  head(chain: ChainKind, chainId: string): Promise<number>;
  /**
   * The tx-file's `trustedblock` (height and block id); by default the one the index read with the
   * proof (`proofRead`). Without one — a tx-file batched but not parsed, or a row indexed before the
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
  /** Checked batch headers kept between proofs (bounded); without one every proof checks its batch's. */
  batchHeaderCache?: BatchHeaderCache | undefined;
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
async function proofBatch(batch: BatchRecord, cache?: BatchHeaderCache): Promise<CheckedBatchHeader> {
  const cached = cache?.get(batch);
  if (cached !== undefined) return cached;
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
  cache?.set(batch, proof);
  return proof;
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
  const found = await index.proofRead(txFileCid);
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
  const provenBatch = await proofBatch(batch, options.batchHeaderCache);
  const target = { leaf: txFileCid, index: found.index, treeSize: batch.count, root: batch.merkleRoot };
  // O(log n): the run and nodes came with the read; batches indexed before they were kept read every entry.
  const inclusion =
    found.treeLevel === undefined
      ? await inclusionFromEntries(index.batchEntries(batch.cid, options.entryPageSize), target)
      : inclusionFromTree({ ...target, batchCid: batch.cid, treeLevel: found.treeLevel }, found);
  const anchors: AnchorProof[] = [];
  for (const anchor of live)
    anchors.push(anchorProof(anchor, await options.head(anchor.chain, anchor.chainId)));
  const timeBound: ProofTimeBound = { notAfter: anchors.map((anchor) => anchor.blockTime).sort()[0]! };
  const trusted =
    options.trustedblock === undefined ? found.trustedblock : await options.trustedblock(txFileCid);
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
