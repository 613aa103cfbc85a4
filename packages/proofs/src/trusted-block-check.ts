/**
 * The lower end of a proof's time window: the tx-file names a trustedblock (height and block id),
 * and a block id cannot be known before the block is mined, so the file was written after it —
 * if, and only if, the chain holds exactly that block at that height. The time is the chain's.
 * When the bound cannot be established (no trustedblock id, no Ergo node) the verifier fails closed
 * unless the caller accepted that explicitly.
 */
import type { ErgoNodeClient } from '@anchorpost/chains/readers';
import { nodeCall } from './ergo-node-call.ts';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import type { TxFileProof } from './tx-file-proof.ts';

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

/** How the lower bound will be checked (a trustedblock and the network to read it on), or why it cannot. */
export type LowerBoundPlan =
  { check: { height: number; blockId: string; time?: string }; network: string } | { missing: string };

/**
 * NO_LOWER_BOUND when the bound cannot be established and the caller did not accept that. The
 * network is the Ergo anchor's, else the first one an Ergo node was given for.
 */
export function lowerBoundPlan(
  proof: TxFileProof,
  ergoNodeUrls: Readonly<Record<string, string>> | undefined,
  acceptNoLowerBound: boolean,
): LowerBoundPlan {
  const bound = proof.timeBound.notBefore;
  const network =
    proof.anchors.find((anchor) => anchor.chain === 'ergo')?.chainId ?? Object.keys(ergoNodeUrls ?? {})[0];
  let plan: LowerBoundPlan;
  if (bound === undefined) plan = { missing: 'the proof names no trustedblock' };
  else if (bound.blockId === undefined)
    plan = { missing: `a v${proof.version} proof carries no trustedblock id (v4 does)` };
  else if (network === undefined) plan = { missing: 'no Ergo node was given to find the trustedblock on' };
  else {
    const { height, blockId, time } = bound;
    plan = { check: { height, blockId, ...(time === undefined ? {} : { time }) }, network };
  }
  if ('missing' in plan && !acceptNoLowerBound) {
    throw new ProofError(
      ProofErrorCode.NoLowerBound,
      FIELD,
      `"sent after" cannot be established: ${plan.missing}; accept a proof without it only explicitly (acceptNoLowerBound: true, anchorpost verify --no-lower-bound)`,
    );
  }
  return plan;
}

/** What the verifier reports of the time window. */
export interface CheckedLowerBound {
  lowerBound: 'on-chain' | 'not-established';
  noLowerBoundReason?: string;
  timeBound: { notBefore?: { height: number; blockId: string; time: string }; notAfter: string };
}

/**
 * The lower end: the trustedblock the tx-file names is on the chain, and its time is the chain's
 * (no later than the upper end, the earliest anchor, which was checked above).
 */
export async function checkLowerBound(
  plan: LowerBoundPlan,
  notAfter: string,
  ergoClient: (network: string, field: string) => ErgoNodeClient,
): Promise<CheckedLowerBound> {
  if ('missing' in plan) {
    return { lowerBound: 'not-established', noLowerBoundReason: plan.missing, timeBound: { notAfter } };
  }
  const time = await checkTrustedBlock(ergoClient(plan.network, FIELD), plan.check);
  if (time > notAfter) {
    throw new ProofError(
      ProofErrorCode.AnchorMismatch,
      FIELD,
      `the trusted block (${time}) is later than the earliest anchor (${notAfter})`,
    );
  }
  const { height, blockId } = plan.check;
  return { lowerBound: 'on-chain', timeBound: { notBefore: { height, blockId, time }, notAfter } };
}
