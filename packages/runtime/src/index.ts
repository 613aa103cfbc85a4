/**
 * @anchorpost/runtime — what a stand-alone service process shares: its adapters opened from the
 * environment alone, and the main that runs one service on them.
 */
export {
  busConfigFromEnv,
  dataConfigSchema,
  dataRoot,
  evmRpcConfigFromEnv,
  readAdapterConfig,
  type AdapterConfig,
  type AdapterName,
  type BusConfig,
  type ErgoNodeConfig,
  type EvmRpcConfig,
} from './adapter-config.ts';
export {
  ERGO_MNEMONIC_FILE_ENV,
  ergoKeyConfigSchema,
  ergoKeyFromFile,
  readErgoMnemonicFile,
  type ErgoKey,
} from './ergo-mnemonic-file.ts';
export { CloseStack } from './close-stack.ts';
export { startOwning, startWithSideDatabase } from './side-database.ts';
export { stopOnSignals } from './stop-on-signals.ts';
export { lockEmbeddedDatabase, type EmbeddedDatabaseLock } from './embedded-database-lock.ts';
export { openAdapters, type Adapters, type OpenAdapters } from './open-adapters.ts';
export {
  readSignerKeyFile,
  SIGNER_KEY_FILE_ENV,
  signerKeyConfigSchema,
  type SignerKey,
} from './signer-key-file.ts';
export {
  reportFailure,
  runServiceMain,
  runServiceTask,
  type ServiceContext,
  type ServiceMainOptions,
  type ServiceTaskOptions,
} from './run-service-main.ts';
export {
  requiredVariables,
  serviceSettings,
  settingsFields,
  type ServiceSettings,
} from './service-settings.ts';
