/**
 * The sponsor accounts' transactions checked against the sponsorships (`receiptsWithoutCharge` of
 * @anchorpost/sponsor-core): `advance` reads the blocks after the audit's persisted cursor
 * (account-transactions.ts, bounded per pass; only the audit's leader calls it), `find` lists from
 * PostgreSQL the transactions no sponsorship was sent under, each a `RECEIPT_WITHOUT_CHARGE`
 * attributed to the tenant whose own account sent it, or to none for the shared account (whose
 * transactions can be anyone's: the metric and the logs show them, no tenant's reconciliation does).
 * The blocks read, the cursor and the rewinds after a reorg are metrics.
 */
import type { Database } from '@anchorpost/db';
import type { ServiceMetrics } from '@anchorpost/service-kit';
import { receiptsWithoutCharge } from '@anchorpost/sponsor-core';
import type { LedgerMismatch } from '@anchorpost/sponsor-core';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';
import { AccountTransactions } from './account-transactions.ts';
import type { AccountTransactionsOptions } from './account-transactions.ts';

/** Blocks read per step, and steps per audit pass: what one pass may cost the node at most. */
const BLOCKS_PER_STEP = 200;
const STEPS_PER_PASS = 10;
/** How far back the audit reads again when the chain was reorganized below its cursor. */
const REWIND_BLOCKS = 128;

export interface UnchargedReceipt {
  /** The tenant whose own account paid; undefined: the shared account. */
  readonly tenant: string | undefined;
  readonly mismatch: LedgerMismatch;
}

export class ReceiptAudit {
  readonly #transactions: AccountTransactions;
  readonly #store: Database['sponsorAudit'];
  /** Lower-case address → the tenant it pays for (undefined: the shared account). */
  readonly #accounts: ReadonlyMap<string, string | undefined>;

  constructor(options: {
    readonly rpc: AccountTransactionsOptions['rpc'];
    readonly store: Database['sponsorAudit'];
    readonly accounts: ReadonlyMap<string, string | undefined>;
    readonly startBlock: number;
    readonly finalityDepth: number;
    readonly metrics: ServiceMetrics;
    /** Blocks per step; tests. */
    readonly blocksPerStep?: number;
  }) {
    this.#store = options.store;
    this.#accounts = new Map(
      [...options.accounts].map(([address, tenant]) => [address.toLowerCase(), tenant]),
    );
    const { metrics } = options;
    const blocksRead = metrics.counter(
      SPONSOR_METRICS.ledgerAuditBlocksReadTotal,
      "Blocks the ledger audit read for the sponsor accounts' transactions",
    );
    const cursor = metrics.gauge(SPONSOR_METRICS.ledgerAuditBlock, 'The last block the ledger audit read');
    const rewinds = metrics.counter(
      SPONSOR_METRICS.ledgerAuditRewindsTotal,
      'Reorgs below the ledger audit cursor, each read again',
    );
    this.#transactions = new AccountTransactions({
      rpc: options.rpc,
      store: options.store,
      accounts: new Set(this.#accounts.keys()),
      startBlock: options.startBlock,
      finalityDepth: options.finalityDepth,
      maxBlocks: options.blocksPerStep ?? BLOCKS_PER_STEP,
      rewindBlocks: REWIND_BLOCKS,
      observer: {
        read: (blocks, at) => {
          blocksRead.inc(blocks);
          cursor.set(at.block);
        },
        rewound: () => {
          rewinds.inc();
        },
      },
    });
  }

  /** Reads the blocks after the cursor, up to the last final one, at most a bounded number a pass. */
  advance(): Promise<void> {
    return this.#transactions.catchUp(STEPS_PER_PASS);
  }

  /** The receipts without a charge among the transactions read so far. */
  async find(): Promise<readonly UnchargedReceipt[]> {
    const sent = await this.#store.uncharged();
    const payer = new Map(sent.map((tx) => [tx.txHash, tx.account]));
    return receiptsWithoutCharge(sent, new Set()).map((mismatch) => ({
      tenant: this.#accounts.get(payer.get(mismatch.txHash!)!),
      mismatch,
    }));
  }

  async forTenant(tenant: string): Promise<readonly LedgerMismatch[]> {
    return (await this.find()).filter((found) => found.tenant === tenant).map((found) => found.mismatch);
  }
}
