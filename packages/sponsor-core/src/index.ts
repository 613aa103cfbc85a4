/**
 * @anchorpost/sponsor-core — the sponsor's decisions without a framework: reading and verifying a
 * user's EIP-712 signed request (a forward request or a Governor ballot), the tenant's policy, the
 * budget reservation through the SponsorshipStore port, and the chain checks through the
 * SponsorChain port, put together by SponsorDesk; the ledger line of a settled sponsorship and
 * the reconciliation of the anchored ledger with the chain's receipts and the store.
 */
export * from './sponsor-error.ts';
export * from './eip712.ts';
export {
  MAX_CALLDATA_BYTES,
  parseSponsorshipRequest,
  verifySponsorshipRequest,
} from './sponsorship-request.ts';
export type {
  BallotData,
  ForwardRequestData,
  SponsorNetwork,
  SponsorTransaction,
  SponsorshipRequest,
  VerifiedSponsorship,
} from './sponsorship-request.ts';
export { checkAllowed, checkDeadline, checkGas, fitsBudget, periodStart } from './sponsor-policy.ts';
export type { Budget, Spent, TenantPolicy } from './sponsor-policy.ts';
export type {
  BudgetDecision,
  NewSponsorship,
  PeriodSpending,
  Receipt,
  ReserveOutcome,
  ReservedQuery,
  SponsorshipRecord,
  SponsorshipState,
  SponsorshipStore,
} from './sponsorship-store.ts';
export type { ChainVerdict, SponsorChain } from './sponsor-chain.ts';
export { SponsorDesk } from './sponsor-desk.ts';
export type { SponsorDeskOptions, SponsorshipAnswer } from './sponsor-desk.ts';
export { SPONSORSHIP_STATUSES, sponsorshipStatus } from './sponsorship-status.ts';
export type { SponsorshipStatus, TransactionState } from './sponsorship-status.ts';
export { fitsDailyCap, refillAmount, treasuryDay } from './treasury-policy.ts';
export { decodeLedgerLine, encodeLedgerLine, LEDGER_LINE_SCHEMA } from './ledger-line.ts';
export type { LedgerLine } from './ledger-line.ts';
export { decodeLedgerVoid, encodeLedgerVoid, isLedgerVoid, LEDGER_VOID_SCHEMA } from './ledger-void.ts';
export type { LedgerVoid } from './ledger-void.ts';
export { ledgerLineOf } from './ledger-line-of.ts';
export { LedgerMismatchCode, reconcileLedger } from './ledger-reconciliation.ts';
export type {
  AnchoredLedgerLine,
  ChainReceipt,
  LedgerMismatch,
  LedgerReconciliation,
  LedgerSources,
} from './ledger-reconciliation.ts';
export { auditStep, receiptsWithoutCharge, rewindFrom, sponsorTransactionsIn } from './receipt-audit.ts';
export type { AuditCursor, AuditStep, ScannedBlock, SponsorAccountTransaction } from './receipt-audit.ts';
