/**
 * Every adapter setting a stand-alone service needs, read from the environment with each
 * adapter's schema (loadConfig) and checked before anything is opened: a bad value throws
 * ConfigError naming the variable.
 *
 * Paths default into the one data folder of `npm start` (ANCHORPOST_DATA_DIR, default ./data:
 * `bus/`, `storage/`, `postgres/`), so a service started alone finds the platform's state.
 */
import { join, resolve } from 'node:path';
import { fileLogBusOptionsFromEnv, kafkaBusConfigSchema, kafkaBusOptionsFromEnv } from '@anchorpost/bus';
import {
  ergoChainConfigFromEnv,
  ergoConfigured,
  ergoNodeConfigFromEnv,
  evmChainConfigFromEnv,
  evmRpcConfigSchema,
  type ErgoChainConfig,
  type ErgoNodeConfig,
  type EvmChainConfig,
} from '@anchorpost/chains';
import { isSet, loadConfig, type ConfigSchema } from '@anchorpost/config';
import { readDatabaseConfig, type DatabaseConfig } from '@anchorpost/db';
import { storageConfigFromEnv, type StorageConfig } from '@anchorpost/storage/settings';
import { readErgoMnemonicFile, type ErgoKey } from './ergo-mnemonic-file.ts';
import { readSignerKeyFile, type SignerKey } from './signer-key-file.ts';

/**
 * The adapters a service can ask for. The Ergo ones are optional: undefined unless
 * ANCHORPOST_ERGO_NODE_URLS is set (then all their settings are checked).
 */
export type AdapterName =
  'bus' | 'storage' | 'database' | 'evm' | 'evmRpc' | 'signer' | 'ergo' | 'ergoNode' | 'ergoKey';

/** An Ergo node and its network alone, for readers of heads and headers (the proof API). */
export type { ErgoNodeConfig };

/** The one folder of a stand-alone service's embedded state. */
export const dataConfigSchema = {
  dataDir: { kind: 'string', env: 'ANCHORPOST_DATA_DIR', default: 'data' },
} as const satisfies ConfigSchema;

/** The chain's RPC alone, for readers of the head (the proof API): no contract needed. */
export interface EvmRpcConfig {
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  readonly rpcTimeoutMs?: number;
}

/**
 * Which bus, checked: Kafka when ANCHORPOST_KAFKA_BROKERS is set (services in separate processes),
 * else the file-log bus (one owner process per directory). Opened by `openBusFromEnv(env)`.
 */
export interface BusConfig {
  readonly kind: 'kafka' | 'file-log';
  /** Brokers or directory, for logs. */
  readonly where: string;
  /** The environment `openBusFromEnv` opens it from, with this module's defaults filled in. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface AdapterConfig {
  readonly bus?: BusConfig;
  readonly storage?: StorageConfig;
  readonly database?: DatabaseConfig;
  readonly evm?: EvmChainConfig;
  readonly evmRpc?: EvmRpcConfig;
  readonly signer?: SignerKey;
  readonly ergo?: ErgoChainConfig;
  readonly ergoNode?: ErgoNodeConfig;
  readonly ergoKey?: ErgoKey;
}

/** A tx-file (≤ 1 MiB by default) plus its receipt and framing, as in `npm start`. */
const DEFAULT_BUS_MAX_RECORD_BYTES = String(2 * 1_048_576);

export function dataRoot(env: NodeJS.ProcessEnv): string {
  return resolve(loadConfig(dataConfigSchema, env).dataDir);
}

/** Checks the bus settings the way `openBusFromEnv` will read them. */
export function busConfigFromEnv(env: NodeJS.ProcessEnv): BusConfig {
  const busEnv: Record<string, string | undefined> = {
    ANCHORPOST_BUS_DIR: join(dataRoot(env), 'bus'),
    ANCHORPOST_BUS_MAX_RECORD_BYTES: DEFAULT_BUS_MAX_RECORD_BYTES,
    ...withoutEmpty(env),
  };
  if (isSet(kafkaBusConfigSchema.brokers, busEnv)) {
    const { brokers } = kafkaBusOptionsFromEnv(busEnv);
    return { kind: 'kafka', where: brokers.join(','), env: busEnv };
  }
  const { dir } = fileLogBusOptionsFromEnv(busEnv);
  return { kind: 'file-log', where: dir, env: busEnv };
}

export function readAdapterConfig(env: NodeJS.ProcessEnv, needs: readonly AdapterName[]): AdapterConfig {
  const wants = new Set(needs);
  return {
    ...(wants.has('bus') ? { bus: busConfigFromEnv(env) } : {}),
    ...(wants.has('storage')
      ? {
          storage: storageConfigFromEnv({
            ANCHORPOST_STORAGE_DIR: join(dataRoot(env), 'storage'),
            ...withoutEmpty(env),
          }),
        }
      : {}),
    ...(wants.has('database') ? { database: readDatabaseConfig(env) } : {}),
    ...(wants.has('evm') ? { evm: evmChainConfigFromEnv(env) } : {}),
    ...(wants.has('evmRpc') ? { evmRpc: evmRpcConfigFromEnv(env) } : {}),
    ...(wants.has('signer') ? { signer: readSignerKeyFile(env) } : {}),
    ...ergoAdapterConfig(env, wants),
  };
}

function ergoAdapterConfig(
  env: NodeJS.ProcessEnv,
  wants: ReadonlySet<AdapterName>,
): Pick<AdapterConfig, 'ergo' | 'ergoNode' | 'ergoKey'> {
  if (!ergoConfigured(env)) return {};
  const ergo = ergoNodeConfigFromEnv(env);
  return {
    ...(wants.has('ergo') ? { ergo: ergoChainConfigFromEnv(env) } : {}),
    ...(wants.has('ergoNode') ? { ergoNode: ergo } : {}),
    ...(wants.has('ergoKey') ? { ergoKey: readErgoMnemonicFile(env, ergo.network) } : {}),
  };
}

/** The RPC settings alone, without asking for a contract. */
export function evmRpcConfigFromEnv(env: NodeJS.ProcessEnv): EvmRpcConfig {
  const { rpcUrls, chainId, rpcTimeoutMs } = loadConfig(evmRpcConfigSchema, env);
  return { rpcUrls: [...rpcUrls], chainId, rpcTimeoutMs };
}

/** Empty values count as unset, so that a default still applies under them. */
function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
}
