/**
 * The chain's side of the reconciliation: every forwarded call a sponsor account paid for (the
 * forwarder's `ExecutedForwardRequest` events of transactions the account sent) must be a
 * sponsorship the store holds under that transaction. One that is not is `RECEIPT_WITHOUT_CHARGE`:
 * the account's coin spent outside every budget and every ledger (a leaked key, a second sender, a
 * bug). The other direction, a charge whose transaction has no receipt, is `RECEIPT_MISSING` of
 * `reconcileLedger`.
 */
import type { LedgerMismatch } from './ledger-reconciliation.ts';

/** One `ExecutedForwardRequest` event, with the account that sent (and paid for) its transaction. */
export interface ForwardedExecution {
  readonly txHash: string;
  readonly blockNumber: number;
  /** The transaction's sender: who paid its gas. */
  readonly account: string;
  /** The request's signer (the user the call was made for). */
  readonly signer: string;
}

/**
 * The executions paid by one of `accounts` whose transaction is not in `charged` (the store's
 * sponsorships' transactions, lower-case), each a `RECEIPT_WITHOUT_CHARGE`.
 */
export function receiptsWithoutCharge(
  executions: readonly ForwardedExecution[],
  accounts: ReadonlySet<string>,
  charged: ReadonlySet<string>,
): LedgerMismatch[] {
  const lower = new Set([...accounts].map((account) => account.toLowerCase()));
  return executions
    .filter((e) => lower.has(e.account.toLowerCase()) && !charged.has(e.txHash.toLowerCase()))
    .map((e) => ({
      code: 'RECEIPT_WITHOUT_CHARGE',
      txHash: e.txHash.toLowerCase(),
      detail: `${e.account} paid for ${e.txHash.toLowerCase()}, a call of ${e.signer} in block ${e.blockNumber} that no sponsorship accounts for`,
    }));
}
