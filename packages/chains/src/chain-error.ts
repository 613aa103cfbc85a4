/**
 * Every failure of the chain port is a ChainError: a stable code (never renamed, only added) and
 * whether trying again can help, so a driver loop can choose between retry and giving up.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol/portable';
export const ChainErrorCode = {
  /** The request itself is malformed (root, batch CID, sequence). */
  InvalidRequest: 'INVALID_REQUEST',
  /** The sequence is already taken by a different root or batch CID (in the store or on chain). */
  Conflict: 'CONFLICT',
  /** The signing account is not an authorized submitter of the anchor contract. */
  NotSubmitter: 'NOT_SUBMITTER',
  /** The contract rejected the call for a reason the adapter cannot fix by retrying. */
  Reverted: 'REVERTED',
  /** The signing account cannot pay for the transaction (top it up; retrying then helps). */
  InsufficientFunds: 'INSUFFICIENT_FUNDS',
  /** No configured RPC endpoint answered. */
  Unavailable: 'UNAVAILABLE',
  /** An endpoint answered with an error the adapter does not map more precisely. */
  RpcError: 'RPC_ERROR',
  /** The node rejected a signed transaction before it entered the mempool. */
  Rejected: 'REJECTED',
  /** A stuck transaction cannot be re-priced without passing the configured fee cap; it waits. */
  FeeCapReached: 'FEE_CAP_REACHED',
  /** The transaction's account nonce was used by another transaction. */
  NonceConsumed: 'NONCE_CONSUMED',
  /** The chain reorganized while a range was being read; read it again. */
  Reorganized: 'REORGANIZED',
  /** Another writer changed the stored request first (a second anchorer?). */
  StoreConflict: 'STORE_CONFLICT',
  NotFound: 'NOT_FOUND',
  /** Configuration is missing or wrong; the process should refuse to start. */
  BadConfig: 'BAD_CONFIG',
  Timeout: 'TIMEOUT',
  /** The local node (anvil) could not be started or stopped. */
  NodeProcess: 'NODE_PROCESS',
} as const;

export type ChainErrorCode = (typeof ChainErrorCode)[keyof typeof ChainErrorCode];

const KINDS = errorKinds<ChainErrorCode>(ChainErrorCode, {
  INVALID_REQUEST: 'invalid',
  CONFLICT: 'conflict',
  NOT_SUBMITTER: 'forbidden',
  REVERTED: 'internal',
  INSUFFICIENT_FUNDS: 'exhausted',
  UNAVAILABLE: 'unavailable',
  RPC_ERROR: 'unavailable',
  REJECTED: 'unavailable',
  FEE_CAP_REACHED: 'exhausted',
  NONCE_CONSUMED: 'conflict',
  REORGANIZED: 'conflict',
  STORE_CONFLICT: 'conflict',
  NOT_FOUND: 'not-found',
  BAD_CONFIG: 'internal',
  TIMEOUT: 'unavailable',
  NODE_PROCESS: 'internal',
});

const RETRYABLE: ReadonlySet<ChainErrorCode> = new Set<ChainErrorCode>([
  ChainErrorCode.InsufficientFunds,
  ChainErrorCode.Unavailable,
  ChainErrorCode.RpcError,
  ChainErrorCode.Rejected,
  ChainErrorCode.FeeCapReached,
  ChainErrorCode.NonceConsumed,
  ChainErrorCode.Reorganized,
  ChainErrorCode.StoreConflict,
  ChainErrorCode.Timeout,
]);

export class ChainError extends AnchorpostError<ChainErrorCode> {
  override readonly name: string = 'ChainError';

  constructor(code: ChainErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(code, KINDS[code], message, options?.retryable ?? RETRYABLE.has(code), options);
  }
}

export function isChainError(value: unknown): value is ChainError {
  return value instanceof ChainError;
}
