/**
 * Every failure of assembling or verifying a proof is a ProofError: a stable code (never renamed,
 * only added), the proof field it concerns (dotted path, '-' for the whole thing) and whether
 * trying again can help — a node that is down or a block that is not deep enough yet, yes; a
 * proof that does not match the chain, no.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol/portable';

export const ProofErrorCode = {
  /** The proof JSON does not have the TxFileProof v1–v4 shape. */
  InvalidProof: 'INVALID_PROOF',
  /** Options (RPC URLs, minimum confirmations...) are missing or wrong. */
  InvalidOptions: 'INVALID_OPTIONS',
  /** The tx-file is in no indexed batch, or its batch has no anchor yet (the field says which). */
  NotFound: 'NOT_FOUND',
  /** The index contradicts itself (entries that do not give the batch's root, an anchor of another root). */
  IndexInconsistent: 'INDEX_INCONSISTENT',
  /** The Merkle path does not lead from the leaf to the batch root for a tree of `batch.count` leaves. */
  BadInclusion: 'BAD_INCLUSION',
  /**
   * v3: the batch-file root block does not hash to `batch.cid` (field `batch.rootBlock`), is no
   * batch-file root (`batch.rootBlock.<field>`), or says otherwise than a `batch` field
   * (`batch.count`, `batch.sealedAt`, …).
   */
  BatchHeaderMismatch: 'BATCH_HEADER_MISMATCH',
  /** The inclusion proof is about another tx-file than `txFile`. */
  WrongLeaf: 'WRONG_LEAF',
  /** No RPC URL was given for an anchor's chain id. */
  NoRpcUrl: 'NO_RPC_URL',
  /** The RPC endpoint serves another chain than the anchor's. */
  WrongChain: 'WRONG_CHAIN',
  /** The anchor's block is not (or no longer) the canonical block at its height. */
  NotCanonical: 'NOT_CANONICAL',
  /** The transaction is unknown to the chain, or it carries no Anchored event of `contract`. */
  AnchorNotFound: 'ANCHOR_NOT_FOUND',
  /** The transaction failed on chain (receipt status 0). */
  AnchorReverted: 'ANCHOR_REVERTED',
  /** The chain holds something else than the proof says (another root, batch, block, time). */
  AnchorMismatch: 'ANCHOR_MISMATCH',
  /** The anchor is real but not yet as deep as required; later it may be. */
  TooFewConfirmations: 'TOO_FEW_CONFIRMATIONS',
  /** No RPC endpoint answered. */
  RpcUnavailable: 'RPC_UNAVAILABLE',
  /** The endpoint answered with an error or a malformed response. */
  RpcError: 'RPC_ERROR',
  /**
   * The anchor is real but outside the verifier's trust roots: another chain, contract or marker
   * token, an anchor sent by an account that is no trusted submitter, a marker minted elsewhere.
   */
  UntrustedAnchor: 'UNTRUSTED_ANCHOR',
  /** No trust roots were given (and trusting the proof's own claims was not asked for). */
  NoTrustRoots: 'NO_TRUST_ROOTS',
  /** The trust roots JSON does not have the TrustRoots v1 shape. */
  InvalidTrustRoots: 'INVALID_TRUST_ROOTS',
  /**
   * The Ergo node's best chain holds another block than the proof's `timeBound.notBefore.blockId`
   * at its height, or none: the tx-file's trustedblock is not a block of the chain, so "sent
   * after" it means nothing.
   */
  TrustedblockNotOnChain: 'TRUSTEDBLOCK_NOT_ON_CHAIN',
  /**
   * The lower time bound cannot be established: the proof names no trustedblock id (v1–v3, or an
   * index that does not know it) or no Ergo node was given. Refused unless the caller explicitly
   * accepts a proof without one (`acceptNoLowerBound`, `--no-lower-bound`).
   */
  NoLowerBound: 'NO_LOWER_BOUND',
} as const;

export type ProofErrorCode = (typeof ProofErrorCode)[keyof typeof ProofErrorCode];

const KINDS = errorKinds<ProofErrorCode>(ProofErrorCode, {
  // A proof that fails a check is invalid input to the verifier; a node that cannot answer yet is not.
  INVALID_PROOF: 'invalid',
  INVALID_OPTIONS: 'invalid',
  NOT_FOUND: 'not-found',
  INDEX_INCONSISTENT: 'internal',
  BAD_INCLUSION: 'invalid',
  BATCH_HEADER_MISMATCH: 'invalid',
  WRONG_LEAF: 'invalid',
  NO_RPC_URL: 'invalid',
  WRONG_CHAIN: 'invalid',
  NOT_CANONICAL: 'invalid',
  ANCHOR_NOT_FOUND: 'invalid',
  ANCHOR_REVERTED: 'invalid',
  ANCHOR_MISMATCH: 'invalid',
  TOO_FEW_CONFIRMATIONS: 'unavailable',
  RPC_UNAVAILABLE: 'unavailable',
  RPC_ERROR: 'unavailable',
  UNTRUSTED_ANCHOR: 'invalid',
  NO_TRUST_ROOTS: 'invalid',
  INVALID_TRUST_ROOTS: 'invalid',
  TRUSTEDBLOCK_NOT_ON_CHAIN: 'invalid',
  NO_LOWER_BOUND: 'invalid',
});

const RETRYABLE: ReadonlySet<ProofErrorCode> = new Set<ProofErrorCode>([
  ProofErrorCode.TooFewConfirmations,
  ProofErrorCode.RpcUnavailable,
  ProofErrorCode.RpcError,
]);

export class ProofError extends AnchorpostError<ProofErrorCode> {
  override readonly name = 'ProofError';
  /** Dotted path in the TxFileProof, e.g. `anchors[0].blockHash`; '-' for the whole proof. */
  readonly field: string;

  constructor(code: ProofErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
    this.field = field;
  }

  /** The one-line form the CLI prints: `ERROR <code> <field>: <message>`. */
  toLine(): string {
    return `ERROR ${this.code} ${this.field}: ${this.message.replace(/\s+/g, ' ').trim()}`;
  }
}

export function isProofError(value: unknown): value is ProofError {
  return value instanceof ProofError;
}
