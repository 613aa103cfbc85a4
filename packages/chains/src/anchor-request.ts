/**
 * An anchor request and its life on one chain, chain-neutral: what the anchorer asks for
 * (AnchorRequest) and what the store keeps about it (AnchorRecord).
 */
import { CidCodec, isProtocolError, parseCid } from '@anchorpost/protocol';
import { ChainError, ChainErrorCode } from './chain-error.ts';

/** Put batch `sequence` with Merkle root `root` (64 lower-case hex) and batch-file CID on a chain. */
export interface AnchorRequest {
  readonly sequence: number;
  readonly root: string;
  readonly batchCid: string;
}

/**
 * PENDING: nothing of ours is in flight. SUBMITTED: a signed transaction is persisted (and
 * broadcast, or about to be). MINED: the anchor is in a canonical block. CONFIRMED: at least the
 * configured number of confirmations. FINALIZED: deep enough that the adapter stops watching for
 * reorgs. FAILED: a reason no retry can fix (an operator may `retry`).
 */
export const AnchorState = {
  Pending: 'PENDING',
  Submitted: 'SUBMITTED',
  Mined: 'MINED',
  Confirmed: 'CONFIRMED',
  Finalized: 'FINALIZED',
  Failed: 'FAILED',
} as const;

export type AnchorState = (typeof AnchorState)[keyof typeof AnchorState];

/** The states the adapter still works on; FINALIZED and FAILED are at rest. */
export const OPEN_ANCHOR_STATES: readonly AnchorState[] = [
  AnchorState.Pending,
  AnchorState.Submitted,
  AnchorState.Mined,
  AnchorState.Confirmed,
];

/** One signed transaction sent for a request (the first one, or a fee-bumped replacement). */
export interface AnchorAttempt {
  readonly txHash: string;
  /** The signed transaction, so it can be broadcast again after a crash, a drop or a reorg. */
  readonly rawTransaction: string;
  /** Chain-specific fee fields as decimal strings (EVM: maxFeePerGas, maxPriorityFeePerGas, gasLimit). */
  readonly fees: Readonly<Record<string, string>>;
  readonly submittedAt: string;
}

/** Where the anchor is: the transaction, its block and its position. */
export interface AnchorInclusion {
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** Block time, RFC 3339 UTC. */
  readonly blockTime: string;
  readonly logIndex: number;
  /** True when another transaction (not one of ours) put this anchor on chain and we took it over. */
  readonly adopted: boolean;
}

export interface AnchorProblem {
  readonly code: string;
  readonly message: string;
  readonly at: string;
}

/** What every request the engine sends has: a sequence, unique per chain (or account) in its store. */
export interface EngineRequest {
  readonly sequence: number;
}

/** A request's progress through the engine, whatever it asks for (an anchor, a sponsored call). */
export interface RequestProgress {
  /** The chain's id in the store, e.g. `evm:31337`. */
  readonly chain: string;
  readonly state: AnchorState;
  /** Bumped by every write; the store refuses a write based on a stale version. */
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Account nonce of the in-flight transaction (chains with nonces), null otherwise. */
  readonly nonce: number | null;
  /** Transactions sent for the current nonce, oldest first; cleared when the nonce is given up. */
  readonly attempts: readonly AnchorAttempt[];
  readonly inclusion: AnchorInclusion | null;
  readonly confirmations: number;
  /** The last retryable problem, for operators; cleared on progress. */
  readonly lastError: AnchorProblem | null;
  /** Why the request FAILED. */
  readonly failure: AnchorProblem | null;
}

/** A request and its progress: what the engine persists for any kind of request. */
export type EngineRecord<R extends EngineRequest = EngineRequest> = R & RequestProgress;

/** The anchorer's record: an AnchorRequest and its progress (the persisted format of ADR 0005). */
export interface AnchorRecord extends AnchorRequest, RequestProgress {}

const ROOT_RE = /^[0-9a-f]{64}$/;
const ZERO_ROOT = '0'.repeat(64);
/** The anchor contract's bound; a CIDv1 sha2-256 in base32 is 59 characters. */
export const MAX_BATCH_CID_LENGTH = 128;

/** Checks a request and returns a plain copy: throws ChainError INVALID_REQUEST naming the field. */
export function checkAnchorRequest(request: AnchorRequest): AnchorRequest {
  const { sequence, root, batchCid } = request;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw invalid('sequence: expected an integer >= 0');
  }
  if (typeof root !== 'string' || !ROOT_RE.test(root))
    throw invalid('root: expected 64 lower-case hex characters');
  if (root === ZERO_ROOT) throw invalid('root: must not be zero');
  if (typeof batchCid !== 'string' || batchCid.length === 0 || batchCid.length > MAX_BATCH_CID_LENGTH) {
    throw invalid(`batchCid: expected 1 to ${MAX_BATCH_CID_LENGTH} characters`);
  }
  try {
    parseCid(batchCid, 'batchCid', [CidCodec.DagCbor]);
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    throw invalid(`batchCid: ${error.message}`, error);
  }
  return { sequence, root, batchCid };
}

function invalid(message: string, cause?: unknown): ChainError {
  return new ChainError(ChainErrorCode.InvalidRequest, message, { cause });
}

/** The edges of the state machine; anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<AnchorState, readonly AnchorState[]>> = {
  // SUBMITTED: signed and persisted; MINED: adopted an anchor already on chain.
  PENDING: ['PENDING', 'SUBMITTED', 'MINED', 'FAILED'],
  // SUBMITTED -> SUBMITTED: a fee-bumped replacement; -> PENDING: the nonce was given up.
  SUBMITTED: ['SUBMITTED', 'MINED', 'PENDING', 'FAILED'],
  // Back to SUBMITTED/PENDING when the block left the canonical chain.
  MINED: ['MINED', 'CONFIRMED', 'SUBMITTED', 'PENDING'],
  CONFIRMED: ['CONFIRMED', 'FINALIZED', 'SUBMITTED', 'PENDING'],
  FINALIZED: [],
  // Only by an operator's explicit retry.
  FAILED: ['PENDING'],
};

export function canTransition(from: AnchorState, to: AnchorState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function newAnchorRecord(chain: string, request: AnchorRequest, now: Date): AnchorRecord {
  const { sequence, root, batchCid } = request;
  return newEngineRecord(chain, { sequence, root, batchCid }, now);
}

/** A new PENDING record of `request` (a plain copy: exactly the fields it should persist). */
export function newEngineRecord<R extends EngineRequest>(
  chain: string,
  request: R,
  now: Date,
): EngineRecord<R> {
  const at = now.toISOString();
  return {
    chain,
    ...request,
    state: AnchorState.Pending,
    version: 1,
    createdAt: at,
    updatedAt: at,
    nonce: null,
    attempts: [],
    inclusion: null,
    confirmations: 0,
    lastError: null,
    failure: null,
  };
}

export type AnchorRecordChange = Partial<
  Pick<RequestProgress, 'nonce' | 'attempts' | 'inclusion' | 'confirmations' | 'lastError' | 'failure'>
>;

/** The next version of `record` in state `to`; throws on an edge the state machine does not have. */
export function transition<Rec extends EngineRecord>(
  record: Rec,
  to: AnchorState,
  change: AnchorRecordChange,
  now: Date,
): Rec {
  if (!canTransition(record.state, to)) {
    throw new Error(`anchor ${record.chain}#${record.sequence}: no transition ${record.state} -> ${to}`);
  }
  return { ...record, ...change, state: to, version: record.version + 1, updatedAt: now.toISOString() };
}
