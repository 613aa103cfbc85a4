/**
 * What an Ergo node's and ergo-lib's errors mean for an anchor request, as pure functions of their
 * words: a refused transaction (already in the pool, or refused: its inputs are gone or it is
 * malformed), and a transaction that could not be built (the wallet cannot pay, or the request
 * cannot be put in a box).
 */
import { ChainErrorCode } from '../chain-error.ts';

/**
 * A node's reason for a 400 on `POST /transactions`: 'known' is no refusal (a node that already
 * holds the transaction says so). Anything else is REJECTED: an Ergo node judges the inputs it is
 * given, not an account's balance, so a refusal is never a lack of funds.
 */
export function submitRefusal(reason: string): 'known' | typeof ChainErrorCode.Rejected {
  return /already in the mempool/i.test(reason) ? 'known' : ChainErrorCode.Rejected;
}

/** ergo-lib's reason for not building a transaction: the inputs cannot pay, or the request is at fault. */
export function buildFailure(
  message: string,
): typeof ChainErrorCode.InsufficientFunds | typeof ChainErrorCode.InvalidRequest {
  return /not enough|insufficient|NotEnough/i.test(message)
    ? ChainErrorCode.InsufficientFunds
    : ChainErrorCode.InvalidRequest;
}
