/**
 * Configuration of the EVM adapters from the environment (`ANCHORPOST_EVM_*`, `ANCHORPOST_ANVIL_*`),
 * declared as schemas and read once at start-up with loadConfig: a bad value throws ConfigError
 * naming the variable. Keys are not configured here: the signer comes from whoever holds keys.
 */
import { loadConfig, type ConfigSchema } from '@anchorpost/config';
import { getAddress } from 'ethers';
import { finalityDepthOf } from '../finality-depth.ts';
import type { AnvilOptions } from './anvil.ts';
import type { EvmChainOptions } from './evm-chain.ts';

export type EvmChainConfig = Omit<EvmChainOptions, 'signer' | 'store' | 'now'>;

type Env = Readonly<Record<string, string | undefined>>;

/** The chain's RPC alone: what readers of the head need (no contract). */
export const evmRpcConfigSchema = {
  rpcUrls: { kind: 'list', of: 'url', env: 'ANCHORPOST_EVM_RPC_URLS' },
  chainId: { kind: 'int', env: 'ANCHORPOST_EVM_CHAIN_ID', min: 1 },
  rpcTimeoutMs: { kind: 'int', env: 'ANCHORPOST_EVM_RPC_TIMEOUT_MS', default: 10_000, min: 1 },
} as const satisfies ConfigSchema;

export const evmChainConfigSchema = {
  ...evmRpcConfigSchema,
  /** Checksummed on reading; with or without 0x. */
  contract: { kind: 'string', env: 'ANCHORPOST_EVM_ANCHOR_CONTRACT', pattern: /^(0x)?[0-9a-fA-F]{40}$/ },
  deployBlock: { kind: 'int', env: 'ANCHORPOST_EVM_DEPLOY_BLOCK', default: 0, min: 0 },
  confirmations: { kind: 'int', env: 'ANCHORPOST_EVM_CONFIRMATIONS', default: 12, min: 1 },
  /** Default max(64, confirmations); never below confirmations. */
  finalityDepth: { kind: 'int', env: 'ANCHORPOST_EVM_FINALITY_DEPTH', optional: true, min: 1 },
  replaceAfterSeconds: { kind: 'int', env: 'ANCHORPOST_EVM_REPLACE_AFTER_SECONDS', default: 180, min: 1 },
  maxFeePerGasCap: {
    kind: 'amount',
    env: 'ANCHORPOST_EVM_MAX_FEE_PER_GAS_GWEI',
    decimals: 9,
    default: 500_000_000_000n,
  },
  minPriorityFeePerGas: {
    kind: 'amount',
    env: 'ANCHORPOST_EVM_MIN_PRIORITY_FEE_GWEI',
    decimals: 9,
    default: 0n,
  },
  maxInFlight: { kind: 'int', env: 'ANCHORPOST_EVM_MAX_IN_FLIGHT', default: 16, min: 1 },
  logPageBlocks: { kind: 'int', env: 'ANCHORPOST_EVM_LOG_PAGE_BLOCKS', default: 2_000, min: 1 },
  /** The chain's name in anchors and logs; unset: derived from the chain id. */
  name: { kind: 'string', env: 'ANCHORPOST_EVM_CHAIN_NAME', optional: true },
} as const satisfies ConfigSchema;

/** The embedded chain of `npm start`. */
export const anvilConfigSchema = {
  port: { kind: 'int', env: 'ANCHORPOST_ANVIL_PORT', default: 0, min: 0 },
  chainId: { kind: 'int', env: 'ANCHORPOST_ANVIL_CHAIN_ID', default: 31337, min: 1 },
  blockTime: { kind: 'int', env: 'ANCHORPOST_ANVIL_BLOCK_TIME', optional: true, min: 1 },
  stateFile: { kind: 'string', env: 'ANCHORPOST_ANVIL_STATE_FILE', optional: true },
} as const satisfies ConfigSchema;

export function evmChainConfigFromEnv(env: Env = process.env): EvmChainConfig {
  const c = loadConfig(evmChainConfigSchema, env);
  return {
    rpcUrls: [...c.rpcUrls],
    chainId: c.chainId,
    contractAddress: getAddress(c.contract.toLowerCase()),
    deployBlock: c.deployBlock,
    confirmations: c.confirmations,
    finalityDepth: finalityDepthOf(
      c.finalityDepth,
      c.confirmations,
      64,
      evmChainConfigSchema.finalityDepth.env,
    ),
    replaceAfterMs: c.replaceAfterSeconds * 1000,
    maxFeePerGasCap: c.maxFeePerGasCap,
    minPriorityFeePerGas: c.minPriorityFeePerGas,
    maxInFlight: c.maxInFlight,
    logPageBlocks: c.logPageBlocks,
    rpcTimeoutMs: c.rpcTimeoutMs,
    ...(c.name === undefined ? {} : { id: c.name }),
  };
}

export function anvilOptionsFromEnv(env: Env = process.env): AnvilOptions {
  const c = loadConfig(anvilConfigSchema, env);
  return {
    port: c.port,
    chainId: c.chainId,
    ...(c.blockTime === undefined ? {} : { blockTime: c.blockTime }),
    ...(c.stateFile === undefined ? {} : { stateFile: c.stateFile }),
  };
}
