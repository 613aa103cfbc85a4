/**
 * The chain's side of the reconciliation: every transaction a sponsor account sent (found in the
 * blocks it was mined in: a forwarded request, a Governor ballot, a transfer someone made by hand
 * with the account's key) must be a sponsorship the store holds under that transaction. One that
 * is not is `RECEIPT_WITHOUT_CHARGE`: the account's coin spent outside every budget and every
 * ledger (a leaked key, a second sender, a bug). The other direction, a charge whose transaction
 * has no receipt, is `RECEIPT_MISSING` of `reconcileLedger`.
 *
 * `auditStep` plans the audit's next read from its persisted cursor: the blocks after the cursor,
 * up to the last final one and at most `maxBlocks` of them. `rewindFrom` checks the first block
 * read continues the cursor; when its parent is no longer the cursor's block (a reorg below the
 * cursor), the audit reads again from `rewindBlocks` back.
 */
import type { LedgerMismatch } from './ledger-reconciliation.ts';

/** A transaction sent (and paid for) by a sponsor account, as mined. */
export interface SponsorAccountTransaction {
  readonly txHash: string;
  readonly blockNumber: number;
  readonly blockHash: string;
  /** The transaction's sender: the sponsor account that paid its gas. */
  readonly account: string;
  /** Null: a contract creation. */
  readonly to: string | null;
  /** The call's first four bytes, `0x` for a plain transfer. */
  readonly selector: string;
}

/** A block with its transactions, as `eth_getBlockByNumber(n, true)` returns the fields used. */
export interface ScannedBlock {
  readonly number: number;
  readonly hash: string;
  readonly parentHash: string;
  readonly transactions: readonly {
    readonly hash: string;
    readonly from: string;
    readonly to: string | null;
    readonly input: string;
  }[];
}

/** The block's transactions sent by one of `accounts` (compared case-insensitively). */
export function sponsorTransactionsIn(
  block: ScannedBlock,
  accounts: ReadonlySet<string>,
): SponsorAccountTransaction[] {
  const lower = new Set([...accounts].map((account) => account.toLowerCase()));
  return block.transactions
    .filter((tx) => lower.has(tx.from.toLowerCase()))
    .map((tx) => ({
      txHash: tx.hash.toLowerCase(),
      blockNumber: block.number,
      blockHash: block.hash.toLowerCase(),
      account: tx.from.toLowerCase(),
      to: tx.to === null ? null : tx.to.toLowerCase(),
      selector: tx.input.length >= 10 ? tx.input.slice(0, 10).toLowerCase() : '0x',
    }));
}

/**
 * The transactions in `sent` whose hash is not in `charged` (the store's sponsorships'
 * transactions, lower-case), each a `RECEIPT_WITHOUT_CHARGE`.
 */
export function receiptsWithoutCharge(
  sent: readonly SponsorAccountTransaction[],
  charged: ReadonlySet<string>,
): LedgerMismatch[] {
  return sent
    .filter((tx) => !charged.has(tx.txHash.toLowerCase()))
    .map((tx) => ({
      code: 'RECEIPT_WITHOUT_CHARGE',
      txHash: tx.txHash.toLowerCase(),
      detail: `${tx.account} sent ${tx.txHash.toLowerCase()} (to ${tx.to ?? 'a new contract'}, call ${tx.selector}) in block ${tx.blockNumber}, which no sponsorship accounts for`,
    }));
}

/** Where the audit has read to: the last block read, and its hash. */
export interface AuditCursor {
  readonly block: number;
  readonly blockHash: string;
}

export type AuditStep =
  { readonly kind: 'idle' } | { readonly kind: 'read'; readonly from: number; readonly to: number };

/** The blocks to read next: from the cursor (or `startBlock`) to `lastFinal`, at most `maxBlocks`. */
export function auditStep(o: {
  readonly cursor: AuditCursor | undefined;
  readonly startBlock: number;
  readonly lastFinal: number;
  readonly maxBlocks: number;
}): AuditStep {
  const from = o.cursor === undefined ? o.startBlock : o.cursor.block + 1;
  if (from > o.lastFinal) return { kind: 'idle' };
  return { kind: 'read', from, to: Math.min(o.lastFinal, from + o.maxBlocks - 1) };
}

/**
 * Whether the first block read after `cursor` continues it; if not, where to read again from (a
 * reorg below the cursor: `rewindBlocks` back, never before `startBlock`). A cursor before
 * `startBlock` (rewound to it) is not checked.
 */
export function rewindFrom(
  cursor: AuditCursor | undefined,
  first: Pick<ScannedBlock, 'number' | 'parentHash'>,
  startBlock: number,
  rewindBlocks: number,
): number | undefined {
  if (cursor === undefined || cursor.block < startBlock || first.number !== cursor.block + 1)
    return undefined;
  if (first.parentHash.toLowerCase() === cursor.blockHash.toLowerCase()) return undefined;
  return Math.max(startBlock, cursor.block - rewindBlocks + 1);
}
