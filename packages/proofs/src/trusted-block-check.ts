/**
 * The lower end of a proof's time window: the tx-file names a trustedblock (height and block id),
 * and a block id cannot be known before the block is mined, so the file was written after it —
 * if, and only if, the chain holds exactly that block at that height. The time is the chain's.
 */
import type { ErgoNodeClient } from '@anchorpost/chains';
import { nodeCall } from './ergo-node-call.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';

const FIELD = 'timeBound.notBefore';

/** A trustedblock as the proof names it: height, block id, and (optionally) the time it states. */
export interface TrustedBlockClaim {
  height: number;
  blockId: string;
  time?: string;
}

/**
 * Checks that the Ergo node's best chain holds `blockId` at `height` (else
 * TRUSTEDBLOCK_NOT_ON_CHAIN) and, when the proof states a time, that it is that block's
 * (else ANCHOR_MISMATCH). Returns the block's time, RFC 3339.
 */
export async function checkTrustedBlock(client: ErgoNodeClient, claim: TrustedBlockClaim): Promise<string> {
  const best = await nodeCall(() => client.bestHeaderIdAt(claim.height), `${FIELD}.height`);
  if (best !== claim.blockId) {
    throw new ProofError(
      ProofErrorCode.TrustedblockNotOnChain,
      `${FIELD}.blockId`,
      best === undefined
        ? `the Ergo node has no block at height ${claim.height} (above its tip, or another chain)`
        : `block ${claim.height} is ${best} on the best chain, not ${claim.blockId}`,
    );
  }
  const header = await nodeCall(() => client.header(claim.blockId), `${FIELD}.blockId`);
  if (header === undefined) {
    // Just reorganised away between the two calls: the next try sees it settled.
    throw new ProofError(ProofErrorCode.RpcError, `${FIELD}.blockId`, `header ${claim.blockId} is gone`);
  }
  const time = new Date(header.timestamp).toISOString();
  if (claim.time !== undefined && claim.time !== time) {
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      `${FIELD}.time`,
      `block ${claim.height} has time ${time}, not ${claim.time}`,
    );
  }
  return time;
}
