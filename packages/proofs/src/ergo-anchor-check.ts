/**
 * Checks one Ergo anchor of a proof against an Ergo node's REST API, trusting nothing else: the
 * node is on the anchor's network; the best chain's header at the anchor's height is the proof's
 * header, with the proof's time; that block holds the transaction; the transaction creates a box
 * holding the proof's marker token with exactly this batch's root, CID and sequence in R4–R6; and
 * it is deep enough. The block's transactions are read in full, so the node needs no extra index.
 */
import { decodeAnchorBox, ErgoNodeClient } from '@anchorpost/chains/readers';
import { nodeCall } from './ergo-node-call.ts';
import type { VerifiedErgoMint } from './ergo-mint-check.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import type { ErgoAnchorProof, ProofBatch } from './tx-file-proof.ts';

export type VerifiedErgoAnchor = Omit<ErgoAnchorProof, 'status'> & {
  /** head − height + 1, at verification time. */
  confirmations: number;
  head: number;
  /** Where the trusted marker was minted (checked when verifying under trust roots). */
  mint?: VerifiedErgoMint;
};

export async function checkErgoAnchor(
  client: ErgoNodeClient,
  anchor: ErgoAnchorProof,
  batch: ProofBatch,
  options: { field: string; minConfirmations: number },
): Promise<VerifiedErgoAnchor> {
  const at = (key: string): string => `${options.field}.${key}`;
  const fail = (code: ProofErrorCode, key: string, message: string): never => {
    throw new ProofError(code, at(key), message);
  };

  const info = await nodeCall(() => client.info(), at('chainId'));
  if (info.network !== undefined && info.network !== anchor.chainId) {
    fail(
      ProofErrorCode.WrongChain,
      'chainId',
      `the Ergo node is on ${info.network}, the anchor on ${anchor.chainId}`,
    );
  }
  const best = await nodeCall(() => client.bestHeaderIdAt(anchor.height), at('height'));
  if (best !== anchor.headerId) {
    fail(
      ProofErrorCode.NotCanonical,
      'headerId',
      best === undefined
        ? `the Ergo node has no block at height ${anchor.height}`
        : `block ${anchor.height} is ${best} on the best chain, not ${anchor.headerId}`,
    );
  }
  const block = await nodeCall(() => client.block(anchor.headerId), at('headerId'));
  if (block === undefined)
    return fail(ProofErrorCode.AnchorNotFound, 'headerId', `no block ${anchor.headerId}`);
  const blockTime = new Date(block.header.timestamp).toISOString();
  if (blockTime !== anchor.blockTime) {
    fail(
      ProofErrorCode.AnchorMismatch,
      'blockTime',
      `block ${anchor.height} has time ${blockTime}, not ${anchor.blockTime}`,
    );
  }
  const tx = block.blockTransactions.transactions.find((t) => t.id === anchor.txId);
  if (tx === undefined)
    fail(
      ProofErrorCode.AnchorNotFound,
      'txId',
      `block ${anchor.headerId} holds no transaction ${anchor.txId}`,
    );
  const anchored = tx!.outputs
    .map((box) => decodeAnchorBox(box, anchor.tokenId))
    .find((a) => a !== undefined);
  if (anchored === undefined) {
    fail(
      ProofErrorCode.AnchorNotFound,
      'tokenId',
      `transaction ${anchor.txId} creates no anchor box of token ${anchor.tokenId}`,
    );
  }
  if (anchored!.root !== batch.merkleRoot) {
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      'batch.merkleRoot',
      `${anchor.txId} anchors root ${anchored!.root}, not ${batch.merkleRoot}`,
    );
  }
  if (anchored!.batchCid !== batch.cid) {
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      'batch.cid',
      `${anchor.txId} anchors batch ${anchored!.batchCid}, not ${batch.cid}`,
    );
  }
  if (anchored!.sequence !== batch.sequence) {
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      'batch.sequence',
      `${anchor.txId} anchors sequence ${anchored!.sequence}, not ${batch.sequence}`,
    );
  }
  const head = info.fullHeight ?? 0;
  const confirmations = Math.max(0, head - anchor.height + 1);
  if (confirmations < options.minConfirmations) {
    fail(
      ProofErrorCode.TooFewConfirmations,
      'height',
      `${confirmations} confirmations, ${options.minConfirmations} required (try again later)`,
    );
  }
  return {
    chain: 'ergo',
    chainId: anchor.chainId,
    tokenId: anchor.tokenId,
    txId: anchor.txId,
    height: anchor.height,
    headerId: anchor.headerId,
    blockTime,
    confirmations,
    head,
  };
}
