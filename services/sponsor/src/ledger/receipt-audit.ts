/**
 * The sponsor accounts' forwarded calls checked against the store (`receiptsWithoutCharge` of
 * @anchorpost/sponsor-core): each `RECEIPT_WITHOUT_CHARGE` is attributed to the tenant whose own
 * account paid, or to none for the shared account (whose calls can be anyone's: the metric and the
 * logs show them, no tenant's reconciliation does).
 */
import { receiptsWithoutCharge } from '@anchorpost/sponsor-core';
import type { LedgerMismatch } from '@anchorpost/sponsor-core';
import type { ForwarderExecutions } from './forwarder-executions.ts';
import type { PostgresSponsorLedger } from './postgres-sponsor-ledger.ts';

export interface UnchargedReceipt {
  /** The tenant whose own account paid; undefined: the shared account. */
  readonly tenant: string | undefined;
  readonly mismatch: LedgerMismatch;
}

export class ReceiptAudit {
  readonly #executions: ForwarderExecutions;
  readonly #ledger: Pick<PostgresSponsorLedger, 'chargedTransactions'>;
  /** Lower-case address → the tenant it pays for (undefined: the shared account). */
  readonly #accounts: ReadonlyMap<string, string | undefined>;
  #last: Promise<readonly UnchargedReceipt[]> | undefined;

  constructor(options: {
    readonly executions: ForwarderExecutions;
    readonly ledger: Pick<PostgresSponsorLedger, 'chargedTransactions'>;
    readonly accounts: ReadonlyMap<string, string | undefined>;
  }) {
    this.#executions = options.executions;
    this.#ledger = options.ledger;
    this.#accounts = new Map(
      [...options.accounts].map(([address, tenant]) => [address.toLowerCase(), tenant]),
    );
  }

  /** The receipts without a charge now; one read of the chain at a time (callers share it). */
  find(): Promise<readonly UnchargedReceipt[]> {
    const previous = this.#last ?? Promise.resolve([]);
    const next = previous.catch(() => []).then(() => this.#find());
    this.#last = next;
    return next;
  }

  async forTenant(tenant: string): Promise<readonly LedgerMismatch[]> {
    return (await this.find()).filter((found) => found.tenant === tenant).map((found) => found.mismatch);
  }

  async #find(): Promise<readonly UnchargedReceipt[]> {
    const executions = (await this.#executions.read()).filter((e) =>
      this.#accounts.has(e.account.toLowerCase()),
    );
    const charged = await this.#ledger.chargedTransactions(executions.map((e) => e.txHash));
    const payer = new Map(executions.map((e) => [e.txHash, e.account.toLowerCase()]));
    return receiptsWithoutCharge(executions, new Set(this.#accounts.keys()), charged).map((mismatch) => ({
      tenant: this.#accounts.get(payer.get(mismatch.txHash!)!),
      mismatch,
    }));
  }
}
