/** @anchorpost/leader-election/testing — the in-memory Lease API test double. */
export { MemoryLeaseServer } from './memory-lease-store.ts';
