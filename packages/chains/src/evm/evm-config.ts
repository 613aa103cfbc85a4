/**
 * Configuration of the EVM adapters from the environment (`ANCHORPOST_EVM_*`, `ANCHORPOST_ANVIL_*`),
 * checked once at start-up: a bad value throws ChainError BAD_CONFIG naming the variable.
 * Keys are not configured here: the signer comes from whoever holds keys (the sponsor).
 */
import { getAddress, parseUnits } from 'ethers';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { AnvilOptions } from './anvil.ts';
import type { EvmChainOptions } from './evm-chain.ts';

export type EvmChainConfig = Omit<EvmChainOptions, 'signer' | 'store' | 'now'>;

type Env = Readonly<Record<string, string | undefined>>;

export function evmChainConfigFromEnv(env: Env = process.env): EvmChainConfig {
  const rpcUrls = required(env, 'ANCHORPOST_EVM_RPC_URLS')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  for (const url of rpcUrls) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch (cause) {
      throw bad('ANCHORPOST_EVM_RPC_URLS', `not a URL: ${url}`, cause);
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw bad('ANCHORPOST_EVM_RPC_URLS', `not http(s): ${url}`);
  }
  if (rpcUrls.length === 0) throw bad('ANCHORPOST_EVM_RPC_URLS', 'no URL given');
  const contract = required(env, 'ANCHORPOST_EVM_ANCHOR_CONTRACT');
  let contractAddress: string;
  try {
    contractAddress = getAddress(contract.toLowerCase());
  } catch (cause) {
    throw bad('ANCHORPOST_EVM_ANCHOR_CONTRACT', `not an address: ${contract}`, cause);
  }
  const confirmations = integer(env, 'ANCHORPOST_EVM_CONFIRMATIONS', 12, 1);
  const finalityDepth = integer(
    env,
    'ANCHORPOST_EVM_FINALITY_DEPTH',
    Math.max(64, confirmations),
    confirmations,
  );
  const name = env.ANCHORPOST_EVM_CHAIN_NAME;
  return {
    rpcUrls,
    chainId: integer(env, 'ANCHORPOST_EVM_CHAIN_ID', undefined, 1),
    contractAddress,
    deployBlock: integer(env, 'ANCHORPOST_EVM_DEPLOY_BLOCK', 0, 0),
    confirmations,
    finalityDepth,
    replaceAfterMs: integer(env, 'ANCHORPOST_EVM_REPLACE_AFTER_SECONDS', 180, 1) * 1000,
    maxFeePerGasCap: gwei(env, 'ANCHORPOST_EVM_MAX_FEE_PER_GAS_GWEI', '500'),
    minPriorityFeePerGas: gwei(env, 'ANCHORPOST_EVM_MIN_PRIORITY_FEE_GWEI', '0'),
    maxInFlight: integer(env, 'ANCHORPOST_EVM_MAX_IN_FLIGHT', 16, 1),
    logPageBlocks: integer(env, 'ANCHORPOST_EVM_LOG_PAGE_BLOCKS', 2_000, 1),
    rpcTimeoutMs: integer(env, 'ANCHORPOST_EVM_RPC_TIMEOUT_MS', 10_000, 1),
    ...(name === undefined || name === '' ? {} : { id: name }),
  };
}

/** The embedded chain of `npm start`. */
export function anvilOptionsFromEnv(env: Env = process.env): AnvilOptions {
  const stateFile = env.ANCHORPOST_ANVIL_STATE_FILE;
  const blockTime = env.ANCHORPOST_ANVIL_BLOCK_TIME;
  return {
    port: integer(env, 'ANCHORPOST_ANVIL_PORT', 0, 0),
    chainId: integer(env, 'ANCHORPOST_ANVIL_CHAIN_ID', 31337, 1),
    ...(blockTime === undefined || blockTime === ''
      ? {}
      : { blockTime: integer(env, 'ANCHORPOST_ANVIL_BLOCK_TIME', 1, 1) }),
    ...(stateFile === undefined || stateFile === '' ? {} : { stateFile }),
  };
}

function required(env: Env, key: string): string {
  const value = env[key];
  if (value === undefined || value.trim() === '') throw bad(key, 'is required');
  return value.trim();
}

function integer(env: Env, key: string, fallback: number | undefined, minimum: number): number {
  const text = env[key]?.trim();
  if (text === undefined || text === '') {
    if (fallback === undefined) throw bad(key, 'is required');
    return fallback;
  }
  if (!/^\d+$/.test(text)) throw bad(key, `expected an integer, got '${text}'`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum)
    throw bad(key, `expected an integer >= ${minimum}, got ${text}`);
  return value;
}

function gwei(env: Env, key: string, fallback: string): bigint {
  const text = env[key]?.trim() || fallback;
  if (!/^\d+(\.\d{1,9})?$/.test(text)) throw bad(key, `expected gwei as a decimal number, got '${text}'`);
  return parseUnits(text, 'gwei');
}

function bad(key: string, message: string, cause?: unknown): ChainError {
  return new ChainError(ChainErrorCode.BadConfig, `${key} ${message}`, { cause });
}
