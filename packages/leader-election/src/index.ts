/**
 * @anchorpost/leader-election — one writer per chain for the anchorer and the parser (ADR 0013):
 * client-go's Lease algorithm over a LeaseStore (a Kubernetes Lease, or a lease file on one
 * machine), or no election for a single replica.
 */
export { LeaseConflict } from './lease.ts';
export type { LeaseRecord, LeaseSpec, LeaseStore } from './lease.ts';
export { alwaysLeader, LeaderElector } from './lease-elector.ts';
export type { LeaderElection, LeaderElectorOptions } from './lease-elector.ts';
export { KubernetesLeaseStore } from './kubernetes-lease-store.ts';
export { FileLeaseStore } from './file-lease-store.ts';
export { electionConfigFromEnv, ElectionConfigError, electionFactory } from './election-config.ts';
export type { ElectionConfig, ElectionFactory, ElectionMode } from './election-config.ts';
