/**
 * The sponsor's metric names (`anchorpost_sponsor_<name>`), by purpose: the one place they are
 * written. ServiceMetrics refuses to register a name that is not here.
 */
import { LEADER_METRICS } from '@anchorpost/leader-election';
import type { MetricNames } from '@anchorpost/service-kit';

export const SPONSOR_METRICS = {
  sponsorshipsTotal: 'sponsorships_total',
  acceptDurationSeconds: 'accept_duration_seconds',
  sponsorshipsOpen: 'sponsorships_open',
  tenantBudgetUsedRatio: 'tenant_budget_used_ratio',
  transactionTransitionsTotal: 'transaction_transitions_total',
  ledgerChangesTotal: 'ledger_changes_total',
  sendPassFailuresTotal: 'send_pass_failures_total',
  treasuryAccountBalance: 'treasury_account_balance',
  treasuryAccountMinimum: 'treasury_account_minimum',
  treasuryRefillsTotal: 'treasury_refills_total',
  treasuryRefillFailuresTotal: 'treasury_refill_failures_total',
  treasuryCapReachedTotal: 'treasury_cap_reached_total',
  ledgerRecordsSubmittedTotal: 'ledger_records_submitted_total',
  ledgerSendFailuresTotal: 'ledger_send_failures_total',
  ledgerMismatches: 'ledger_mismatches',
  ledgerAuditBlocksReadTotal: 'ledger_audit_blocks_read_total',
  ledgerAuditBlock: 'ledger_audit_block',
  ledgerAuditRewindsTotal: 'ledger_audit_rewinds_total',
  ...LEADER_METRICS,
} as const satisfies MetricNames;
