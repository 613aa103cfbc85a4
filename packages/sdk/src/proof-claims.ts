/**
 * A proof's claims one by one, each held or not with its reason: what a person checking a proof
 * wants to see (the auditor's page shows this list). The verdict is verifyProof's own, on the
 * whole proof; the claims explain it: the tx-file is in the batch (SHA-256 only), each anchor is
 * on its chain under the caller's trust roots (its block, confirmations and sender), and the time
 * window. Every check is the verifier's; nothing is judged here.
 */
import {
  isProofError,
  parseTxFileProof,
  ProofErrorCode,
  verifyProof,
  verifyProofContents,
} from '@anchorpost/proofs/verify';
import type {
  AnchorProof,
  ProofError,
  TxFileProof,
  VerifiedAnchor,
  VerifiedErgoAnchor,
  VerifiedProof,
  VerifyProofOptions,
} from '@anchorpost/proofs/verify';

export type ClaimKind = 'proof' | 'inclusion' | 'anchor' | 'time-window';

export interface Claim {
  readonly kind: ClaimKind;
  /** What is claimed, e.g. "anchored on EVM chain 31337". */
  readonly title: string;
  readonly held: boolean;
  /** When held: what was established (block, confirmations, sender). Otherwise: why not. */
  readonly detail: string;
  /** The verifier's error code and field when the claim did not hold. */
  readonly code?: string | undefined;
  readonly field?: string | undefined;
}

export interface CheckedClaims {
  /** The whole proof's result, exactly verifyProof's. */
  readonly verified: VerifiedProof | undefined;
  readonly failure: ProofError | undefined;
  readonly claims: readonly Claim[];
}

const LOWER_BOUND_CODES: ReadonlySet<string> = new Set([
  ProofErrorCode.NoLowerBound,
  ProofErrorCode.TrustedblockNotOnChain,
]);

async function outcome<T>(run: () => Promise<T>): Promise<{ value: T } | { error: ProofError }> {
  try {
    return { value: await run() };
  } catch (error) {
    if (isProofError(error)) return { error };
    throw error;
  }
}

const failed = (kind: ClaimKind, title: string, error: ProofError): Claim => ({
  kind,
  title,
  held: false,
  detail: error.message,
  code: error.code,
  field: error.field,
});

function anchorTitle(anchor: AnchorProof): string {
  return anchor.chain === 'ergo'
    ? `anchored on Ergo ${anchor.chainId}`
    : `anchored on EVM chain ${anchor.chainId}`;
}

function anchorDetail(anchor: VerifiedAnchor | VerifiedErgoAnchor): string {
  if (anchor.chain === 'ergo') {
    const minted = anchor.mint === undefined ? '' : `, marker minted in block ${anchor.mint.height}`;
    return `block ${anchor.height}, ${anchor.confirmations} confirmations, time ${anchor.blockTime}; tx ${anchor.txId} moved marker ${anchor.tokenId}${minted}`;
  }
  return `block ${anchor.blockNumber}, ${anchor.confirmations} confirmations, time ${anchor.blockTime}; sent by ${anchor.submitter} (tx ${anchor.txHash})`;
}

function timeWindowClaim(
  proof: TxFileProof,
  verified: VerifiedProof | undefined,
  failure: ProofError | undefined,
): Claim {
  const title = 'sent in the time window';
  if (verified !== undefined) {
    const after = verified.timeBound.notBefore;
    const since =
      after === undefined
        ? `after: not established (${verified.noLowerBoundReason ?? 'no trustedblock'})`
        : `after ${after.time} (Ergo block ${after.height} is on the best chain)`;
    return {
      kind: 'time-window',
      title,
      held: true,
      detail: `${since}; before ${verified.timeBound.notAfter} (earliest anchor)`,
    };
  }
  if (
    failure !== undefined &&
    (LOWER_BOUND_CODES.has(failure.code) || failure.field.startsWith('timeBound'))
  ) {
    return failed('time-window', title, failure);
  }
  const claimed = proof.timeBound.notAfter;
  return {
    kind: 'time-window',
    title,
    held: false,
    detail: `not established: its upper end (${claimed}) is an anchor's block time, and the anchors did not all verify`,
    code: failure?.code,
    field: failure?.field,
  };
}

/**
 * Checks `json` (a TxFileProof) claim by claim, with the same options as verifyProof. Asks each
 * anchor's node once for the verdict and once for its own claim.
 */
export async function checkProofClaims(json: unknown, options: VerifyProofOptions): Promise<CheckedClaims> {
  let proof: TxFileProof;
  try {
    proof = parseTxFileProof(json);
  } catch (error) {
    if (!isProofError(error)) throw error;
    return {
      verified: undefined,
      failure: error,
      claims: [failed('proof', 'a TxFileProof document', error)],
    };
  }
  const whole = await outcome(() => verifyProof(proof, options));
  const contents = await outcome(() => verifyProofContents(proof));
  const claims: Claim[] = [
    'error' in contents
      ? failed('inclusion', `tx-file is in batch ${proof.batch.sequence}`, contents.error)
      : {
          kind: 'inclusion',
          title: `tx-file is in batch ${proof.batch.sequence}`,
          held: true,
          detail: `leaf ${proof.inclusion.index} of ${proof.batch.count}, Merkle root ${proof.batch.merkleRoot} (SHA-256), batch ${proof.batch.cid}`,
        },
  ];
  for (const anchor of proof.anchors) {
    // The anchor on its own, so one bad anchor does not hide what the others establish.
    const alone = await outcome(() =>
      verifyProof({ ...proof, anchors: [anchor] }, { ...options, acceptNoLowerBound: true }),
    );
    claims.push(
      'error' in alone
        ? failed('anchor', anchorTitle(anchor), alone.error)
        : {
            kind: 'anchor',
            title: anchorTitle(anchor),
            held: true,
            detail: anchorDetail(alone.value.anchors[0]!),
          },
    );
  }
  const verified = 'value' in whole ? whole.value : undefined;
  const failure = 'error' in whole ? whole.error : undefined;
  claims.push(timeWindowClaim(proof, verified, failure));
  return { verified, failure, claims };
}
