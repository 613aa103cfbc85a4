/**
 * What a tenant's user is told about a sponsorship, from the ledger line and, once it has one,
 * its transaction's state in the engine (ADR 0019):
 * - pending: accepted, its budget held, nothing signed yet;
 * - sent: a transaction is out (or a reorg took its block away: it will be mined again);
 * - mined: settled from a receipt in a canonical block, still watched for reorgs;
 * - final: deep enough that no reorg is watched for any more;
 * - failed: the transaction cannot be sent (an operator must look); nothing is charged;
 * - expired: its deadline passed before it was sent; nothing is charged.
 */
import type { SponsorshipRecord } from './sponsorship-store.ts';

export type SponsorshipStatus = 'pending' | 'sent' | 'mined' | 'final' | 'failed' | 'expired';

export const SPONSORSHIP_STATUSES: readonly SponsorshipStatus[] = [
  'pending',
  'sent',
  'mined',
  'final',
  'failed',
  'expired',
];

/** The engine's state of the sponsorship's transaction, lower case; undefined before it has one. */
export type TransactionState = 'pending' | 'submitted' | 'mined' | 'confirmed' | 'finalized' | 'failed';

export function sponsorshipStatus(
  sponsorship: Pick<SponsorshipRecord, 'state'>,
  transaction: TransactionState | undefined,
): SponsorshipStatus {
  switch (sponsorship.state) {
    case 'released':
      return 'expired';
    case 'settled':
      return transaction === 'finalized' ? 'final' : 'mined';
    case 'sent':
      return transaction === 'failed' ? 'failed' : 'sent';
    case 'reserved':
      return transaction === 'failed' ? 'failed' : 'pending';
  }
}
