/**
 * The engine's decisions that need no I/O: which errors end a tick, which stop new submissions,
 * how deep a block is, where an included request goes next, and the order sent requests are
 * followed in. Kept beside the engine (like the EVM fee policy) so each is tested alone.
 */
import { AnchorState } from '../anchor-request.ts';
import type { EngineRecord } from '../anchor-request.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';

/**
 * An error the tick cannot go on after: anything that is not a retryable ChainError, lost
 * connectivity, or a store conflict (a second writer). Any other error belongs to one request:
 * it is noted on it and retried next tick.
 */
export function endsTick(error: unknown): boolean {
  if (!(error instanceof ChainError) || !error.retryable) return true;
  return error.code === ChainErrorCode.Unavailable || error.code === ChainErrorCode.StoreConflict;
}

/**
 * A problem after which sending more this tick is pointless: the account cannot pay. The same on
 * every chain, wherever the problem shows (signing, a refused broadcast, a refused replacement).
 */
export function stopsSubmitting(error: ChainError): boolean {
  return error.code === ChainErrorCode.InsufficientFunds;
}

/** Confirmations of a block at `blockNumber` when the head is `headNumber` (the block counts). */
export function depth(headNumber: number, blockNumber: number): number {
  return Math.max(0, headNumber - blockNumber + 1);
}

/** Where a MINED or CONFIRMED request whose block is still canonical goes at `confirmations`. */
export function includedState(
  state: AnchorState,
  confirmations: number,
  thresholds: { readonly confirmations: number; readonly finalityDepth: number },
): AnchorState {
  if (state === AnchorState.Mined && confirmations >= thresholds.confirmations) return AnchorState.Confirmed;
  if (state === AnchorState.Confirmed && confirmations >= thresholds.finalityDepth)
    return AnchorState.Finalized;
  return state;
}

/**
 * Sent requests are followed in the order they were first sent, then by sequence: a later
 * transaction may build on an earlier one (an Ergo anchor box, an EVM nonce), so an earlier one
 * goes out again first after a reorg.
 */
export function sendOrder(a: EngineRecord, b: EngineRecord): number {
  return sentAt(a).localeCompare(sentAt(b)) || a.sequence - b.sequence;
}

function sentAt(record: EngineRecord): string {
  return record.attempts[0]?.submittedAt ?? record.updatedAt;
}

/** A configured integer, or BAD_CONFIG naming it. */
export function atLeast(value: number, minimum: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ChainError(
      ChainErrorCode.BadConfig,
      `${name}: expected an integer >= ${minimum}, got ${value}`,
    );
  }
  return value;
}
