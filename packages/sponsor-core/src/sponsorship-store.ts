/**
 * The SponsorshipStore port, under the sponsor's names: its shape lives in @anchorpost/db-port,
 * which the PostgreSQL adapter (@anchorpost/db) implements too.
 */
export type {
  BudgetDecision,
  NewSponsorship,
  PeriodSpending,
  ReserveOutcome,
  SponsorshipReceipt as Receipt,
  SponsorshipRecord,
  SponsorshipReservedQuery as ReservedQuery,
  SponsorshipState,
  SponsorshipStore,
} from '@anchorpost/db-port';
