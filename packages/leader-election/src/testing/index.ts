/** @anchorpost/leader-election/testing — the Lease API test double (in process and over HTTP). */
export { MemoryLeaseServer } from './memory-lease-server.ts';
export type { LeaseWrite, MemoryLeaseApi } from './memory-lease-server.ts';
