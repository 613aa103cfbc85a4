/** Test support for the updater: test doubles of its store, of Argo CD and of the relay, a deploy-log writer, and the store's contract suite. */
export { ArgoCdApiTestDouble } from './argo-cd-api-test-double.ts';
export type { ArgoCdApiTestDoubleOptions } from './argo-cd-api-test-double.ts';
export { MemoryUpdaterStoreTestDouble } from './memory-updater-store.ts';
export { updaterStoreContract } from './updater-store-contract.ts';
export type { UpdaterStoreUnderTest } from './updater-store-contract.ts';
export { createGitOpsRemote } from './gitops-remote.ts';
export type { GitOpsRemote } from './gitops-remote.ts';
export { k8sTools } from './k8s-tools.ts';
export { deployLogWriterForTests, TxFileRelayTestDouble } from './deploy-log-writer.ts';
export type { DeployLogWriterForTests } from './deploy-log-writer.ts';
