/**
 * The ledger's audit, every interval under its own leader election: the sponsor accounts'
 * transactions read on from the audit's persisted cursor (ReceiptAudit.advance), then every
 * tenant's reconciliation
 * (TenantLedger: anchored lines, receipts, charges, and the receipts without a charge of the
 * tenant's own account) and the shared account's receipts without a charge, counted by code into
 * `anchorpost_sponsor_ledger_mismatches{code}` (every code present, 0 when clean), which the
 * chart's AnchorpostSponsorLedgerMismatch alert watches. A pass that fails keeps the last counts.
 */
import type { LeaderTerms, ElectionFactory } from '@anchorpost/leader-election';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { LedgerMismatchCode } from '@anchorpost/sponsor-core';
import type { LedgerMismatch } from '@anchorpost/sponsor-core';
import { periodicTerms } from '../periodic-terms.ts';
import { SPONSOR_METRICS } from '../sponsor-metrics.ts';
import type { ReceiptAudit } from './receipt-audit.ts';
import type { TenantLedger } from './tenant-ledger.ts';

/** Every mismatch the ledger has now: each tenant's, then the shared account's receipts without a charge. */
export async function ledgerMismatches(options: {
  readonly tenantLedger: Pick<TenantLedger, 'reconcile'>;
  readonly receipts: Pick<ReceiptAudit, 'find'>;
  readonly tenants: readonly string[];
}): Promise<readonly LedgerMismatch[]> {
  const found: LedgerMismatch[] = [];
  for (const tenant of options.tenants)
    found.push(...(await options.tenantLedger.reconcile(tenant)).mismatches);
  for (const receipt of await options.receipts.find()) {
    if (receipt.tenant === undefined) found.push(receipt.mismatch);
  }
  return found;
}

export function ledgerAuditTerms(options: {
  readonly tenantLedger: Pick<TenantLedger, 'reconcile'>;
  readonly receipts: Pick<ReceiptAudit, 'find' | 'advance'>;
  readonly tenants: readonly string[];
  readonly intervalMs: number;
  readonly election: ElectionFactory | undefined;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}): LeaderTerms {
  const logger = options.logger.child({ work: 'ledger-audit' });
  const gauge = options.metrics.gauge(
    SPONSOR_METRICS.ledgerMismatches,
    "Mismatches between the sponsor's ledger, the chain and the charges at the last audit, by code",
    ['code'],
  );
  const pass = async () => {
    try {
      await options.receipts.advance();
      const mismatches = await ledgerMismatches(options);
      for (const code of Object.values(LedgerMismatchCode)) {
        gauge.set({ code }, mismatches.filter((m) => m.code === code).length);
      }
      if (mismatches.length > 0) logger.warn({ mismatches }, 'the ledger does not reconcile');
    } catch (error) {
      logger.warn({ err: error }, 'auditing the ledger failed; retrying');
    }
  };
  return periodicTerms({
    work: 'audits the ledger',
    pass,
    intervalMs: options.intervalMs,
    election: options.election,
    logger,
    metrics: options.metrics,
  });
}
