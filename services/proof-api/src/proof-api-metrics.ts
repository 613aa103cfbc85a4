/**
 * The proof API's metric names (`anchorpost_proof_api_<name>`), by purpose: the one place they are
 * written. ServiceMetrics refuses to register a name that is not here.
 */
import type { MetricNames } from '@anchorpost/service-kit';

export const PROOF_API_METRICS = {
  proofsServedTotal: 'proofs_served_total',
  proofAssemblySeconds: 'proof_assembly_seconds',
} as const satisfies MetricNames;
