/**
 * Configuration of the Ergo adapters from the environment (`ANCHORPOST_ERGO_*`), declared as
 * schemas and read once at start-up with loadConfig: a bad value throws ConfigError naming the
 * variable. The wallet's mnemonic is not read here: it comes from a file, through whoever holds
 * keys (@anchorpost/runtime).
 */
import { isSet, loadConfig, type ConfigSchema } from '@anchorpost/config';
import { finalityDepthOf } from '../finality-depth.ts';
import type { ErgoChainOptions } from './ergo-chain.ts';
import { ERGO_NETWORK_SETTING, ERGO_NETWORKS, type ErgoNetwork } from './ergo-network.ts';

export type ErgoChainConfig = Omit<ErgoChainOptions, 'wallet' | 'store' | 'now'>;

/** The node and network settings; without the marker token (what minting it needs). */
export interface ErgoNodeConfig {
  nodeUrls: string[];
  network: ErgoNetwork;
  apiKey?: string;
  timeoutMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

export const ergoNodeConfigSchema = {
  nodeUrls: { kind: 'list', of: 'url', env: 'ANCHORPOST_ERGO_NODE_URLS' },
  /**
   * `mainnet`, `testnet`, or `devnet` (a private network); the node must report the same in
   * `/info`, checked once when a service starts. devnet addresses carry the testnet prefix.
   */
  network: { kind: 'enum', env: ERGO_NETWORK_SETTING, values: ERGO_NETWORKS },
  apiKey: { kind: 'string', env: 'ANCHORPOST_ERGO_API_KEY', optional: true, secret: true },
  timeoutMs: { kind: 'int', env: 'ANCHORPOST_ERGO_TIMEOUT_MS', default: 10_000, min: 1 },
} as const satisfies ConfigSchema;

export const ergoChainConfigSchema = {
  ...ergoNodeConfigSchema,
  /** The marker token's id. */
  tokenId: { kind: 'hex', env: 'ANCHORPOST_ERGO_TOKEN_ID', bytes: 32 },
  startHeight: { kind: 'int', env: 'ANCHORPOST_ERGO_START_HEIGHT', default: 0, min: 0 },
  confirmations: { kind: 'int', env: 'ANCHORPOST_ERGO_CONFIRMATIONS', default: 10, min: 1 },
  /** Default max(30, confirmations); never below confirmations. */
  finalityDepth: { kind: 'int', env: 'ANCHORPOST_ERGO_FINALITY_DEPTH', optional: true, min: 1 },
  fee: { kind: 'amount', env: 'ANCHORPOST_ERGO_FEE_NANOERG', decimals: 0, default: 1_100_000n },
  topUpBelow: {
    kind: 'amount',
    env: 'ANCHORPOST_ERGO_TOP_UP_BELOW_NANOERG',
    decimals: 0,
    default: 50_000_000n,
  },
  maxInFlight: { kind: 'int', env: 'ANCHORPOST_ERGO_MAX_IN_FLIGHT', default: 16, min: 1 },
} as const satisfies ConfigSchema;

/** Whether Ergo anchoring is configured at all (ANCHORPOST_ERGO_NODE_URLS set). */
export function ergoConfigured(env: Env = process.env): boolean {
  return isSet(ergoNodeConfigSchema.nodeUrls, env);
}

export function ergoNodeConfigFromEnv(env: Env = process.env): ErgoNodeConfig {
  const c = loadConfig(ergoNodeConfigSchema, env);
  return {
    nodeUrls: [...c.nodeUrls],
    network: c.network,
    ...(c.apiKey === undefined ? {} : { apiKey: c.apiKey }),
    timeoutMs: c.timeoutMs,
  };
}

export function ergoChainConfigFromEnv(env: Env = process.env): ErgoChainConfig {
  const c = loadConfig(ergoChainConfigSchema, env);
  return {
    ...ergoNodeConfigFromEnv(env),
    tokenId: c.tokenId,
    startHeight: c.startHeight,
    confirmations: c.confirmations,
    finalityDepth: finalityDepthOf(
      c.finalityDepth,
      c.confirmations,
      30,
      ergoChainConfigSchema.finalityDepth.env,
    ),
    fee: c.fee,
    topUpBelow: c.topUpBelow,
    maxInFlight: c.maxInFlight,
  };
}
