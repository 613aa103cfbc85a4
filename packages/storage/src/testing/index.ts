/** Test support for @anchorpost/storage: the ContentStore contract suite and a throw-away Kubo daemon. */
export { storageContract } from './contract.ts';
export type { ContentStoreFactory, ContentStoreHarness } from './contract.ts';
export {
  findKuboBinary,
  KUBO_VERSION,
  kuboBinaryForTests,
  kuboRequired,
  newSwarmKey,
  startKuboDaemon,
} from './kubo-daemon.ts';
export type { KuboDaemon, KuboDaemonOptions } from './kubo-daemon.ts';
export { damageEmbeddedBlock } from './damage-block.ts';
export { storageOutageKinds } from './storage-outage.ts';
export type { StorageOutage, StorageOutageKind } from './storage-outage.ts';
