/**
 * Configuration of the Ergo adapters from the environment (`ANCHORPOST_ERGO_*`), checked once at
 * start-up: a bad value throws ChainError BAD_CONFIG naming the variable. The wallet's mnemonic is
 * not read here: it comes from a file, through whoever holds keys (@anchorpost/runtime).
 */
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { ErgoChainOptions } from './ergo-chain.ts';
import type { ErgoNetwork } from './ergo-wallet.ts';

export type ErgoChainConfig = Omit<ErgoChainOptions, 'wallet' | 'store' | 'now'>;

type Env = Readonly<Record<string, string | undefined>>;

/** Whether Ergo anchoring is configured at all (ANCHORPOST_ERGO_NODE_URLS set). */
export function ergoConfigured(env: Env = process.env): boolean {
  return (env.ANCHORPOST_ERGO_NODE_URLS?.trim() ?? '') !== '';
}

/** The node and network settings; without the marker token (what minting it needs). */
export function ergoNodeConfigFromEnv(env: Env = process.env): {
  nodeUrls: string[];
  network: ErgoNetwork;
  apiKey?: string;
  timeoutMs: number;
} {
  const nodeUrls = required(env, 'ANCHORPOST_ERGO_NODE_URLS')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  for (const url of nodeUrls) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch (cause) {
      throw bad('ANCHORPOST_ERGO_NODE_URLS', `not a URL: ${url}`, cause);
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw bad('ANCHORPOST_ERGO_NODE_URLS', `not http(s): ${url}`);
  }
  const network = required(env, 'ANCHORPOST_ERGO_NETWORK');
  if (network !== 'mainnet' && network !== 'testnet')
    throw bad('ANCHORPOST_ERGO_NETWORK', `expected mainnet or testnet, got '${network}'`);
  const apiKey = env.ANCHORPOST_ERGO_API_KEY?.trim();
  return {
    nodeUrls,
    network,
    ...(apiKey === undefined || apiKey === '' ? {} : { apiKey }),
    timeoutMs: integer(env, 'ANCHORPOST_ERGO_TIMEOUT_MS', 10_000, 1),
  };
}

export function ergoChainConfigFromEnv(env: Env = process.env): ErgoChainConfig {
  const tokenId = required(env, 'ANCHORPOST_ERGO_TOKEN_ID').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(tokenId)) throw bad('ANCHORPOST_ERGO_TOKEN_ID', 'expected 64 hex characters');
  const confirmations = integer(env, 'ANCHORPOST_ERGO_CONFIRMATIONS', 10, 1);
  return {
    ...ergoNodeConfigFromEnv(env),
    tokenId,
    startHeight: integer(env, 'ANCHORPOST_ERGO_START_HEIGHT', 0, 0),
    confirmations,
    finalityDepth: integer(env, 'ANCHORPOST_ERGO_FINALITY_DEPTH', Math.max(30, confirmations), confirmations),
    fee: nanoErg(env, 'ANCHORPOST_ERGO_FEE_NANOERG', 1_100_000n),
    topUpBelow: nanoErg(env, 'ANCHORPOST_ERGO_TOP_UP_BELOW_NANOERG', 50_000_000n),
    maxInFlight: integer(env, 'ANCHORPOST_ERGO_MAX_IN_FLIGHT', 16, 1),
  };
}

function required(env: Env, key: string): string {
  const value = env[key];
  if (value === undefined || value.trim() === '') throw bad(key, 'is required');
  return value.trim();
}

function integer(env: Env, key: string, fallback: number, minimum: number): number {
  const text = env[key]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw bad(key, `expected an integer, got '${text}'`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum)
    throw bad(key, `expected an integer >= ${minimum}, got ${text}`);
  return value;
}

function nanoErg(env: Env, key: string, fallback: bigint): bigint {
  const text = env[key]?.trim();
  if (text === undefined || text === '') return fallback;
  if (!/^\d{1,19}$/.test(text)) throw bad(key, `expected nanoERG as an integer, got '${text}'`);
  return BigInt(text);
}

function bad(key: string, message: string, cause?: unknown): ChainError {
  return new ChainError(ChainErrorCode.BadConfig, `${key} ${message}`, { cause });
}
