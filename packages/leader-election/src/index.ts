/**
 * @anchorpost/leader-election — one writer per chain for the anchorer and the parser (ADR 0013):
 * client-go's Lease algorithm (LeaseElector) over a LeaseApi — a Kubernetes Lease
 * (lazyKubernetesLeaseApi: @kubernetes/client-node is loaded only by a service that elects through
 * one) or a lease file on one machine (FileLeaseApi) — or no election for a single replica
 * (alwaysLeader); leaderTerms ties a service's work to the terms.
 */
export { LeaseConflict, LeaseNotFound } from './lease.ts';
export type { LeaseApi, LeaseRecord, LeaseSpec } from './lease.ts';
export { alwaysLeader } from './leader-elector.ts';
export type { ElectionFactory, LeaderElector, TermCallbacks } from './leader-elector.ts';
export { LeaseElector } from './lease-elector.ts';
export type { LeaseElectorOptions, LeaseTiming } from './lease-elector.ts';
export { lazyKubernetesLeaseApi } from './lazy-kubernetes-lease-api.ts';
export type { KubernetesLeaseApiOptions } from './kubernetes-lease-api.ts';
export { FileLeaseApi } from './file-lease-api.ts';
export {
  electionConfigFromEnv,
  electionConfigSchema,
  electionDefaultsSchema,
  electionFactory,
} from './election-config.ts';
export type { ElectionConfig, ElectionMode } from './election-config.ts';
export { LEADER_METRICS, leaderTerms } from './leader-terms.ts';
export type { LeaderTerms, LeaderTermsOptions } from './leader-terms.ts';
