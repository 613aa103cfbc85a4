/**
 * TrustRoots v1: the anchors an auditor accepts, chosen by the auditor — never read from the proof
 * being checked. A proof names its own contract and marker token; anyone can deploy a copy of the
 * contract or mint a token, so `verifyProof` refuses every anchor outside these roots
 * (UNTRUSTED_ANCHOR). The platform publishes its own (`GET /v1/trust-roots`, `trust.json` of
 * `npm start`); an auditor decides whether to take them.
 *
 * `parseTrustRoots` is strict: exact key sets, lower-case normalised hex, no duplicates. Every
 * failure is INVALID_TRUST_ROOTS naming the field (`evm[0].submitters[1]`).
 */
import { ProofErrorCode } from './proof-error.ts';
import { failWith, readJson, readRecord } from './strict-json.ts';
import type { Fail } from './strict-json.ts';

export const TRUST_ROOTS_VERSION = 1;

/** An AnchorpostAnchor contract on one EVM chain, and the accounts whose anchors count. */
export interface EvmTrustRoot {
  /** Decimal EIP-155 chain id. */
  chainId: string;
  /** The contract address, lower-case 0x-hex. */
  contract: string;
  /** The accounts (lower-case 0x-hex) whose `Anchored` events count; at least one. */
  submitters: string[];
}

/** A marker token on one Ergo network, and the transaction that minted it. */
export interface ErgoTrustRoot {
  network: 'mainnet' | 'testnet' | 'devnet';
  /** 64 lower-case hex: the id of the first input box of `mintTxId`. */
  tokenId: string;
  /** The minting transaction, 64 lower-case hex. */
  mintTxId: string;
}

export interface TrustRoots {
  version: 1;
  /** Whose roots these are (the platform id); a label, not checked against proofs. */
  platform: string;
  evm: EvmTrustRoot[];
  ergo: ErgoTrustRoot[];
}

/** A bound on what a trust file can ask a verifier to compare against. */
export const MAX_TRUST_ROOTS = 64;

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const CHAIN_ID_RE = /^[1-9][0-9]{0,18}$/;
const ERGO_ID_RE = /^[0-9a-fA-F]{64}$/;
const PLATFORM_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const fail: Fail = failWith(ProofErrorCode.InvalidTrustRoots);

function record(value: unknown, field: string, required: readonly string[], optional?: readonly string[]) {
  return readRecord(fail, value, field, required, optional);
}

function list(value: unknown, field: string, min: number): unknown[] {
  if (!Array.isArray(value)) fail(field, 'expected an array');
  if (value.length < min) fail(field, `expected at least ${min} entr${min === 1 ? 'y' : 'ies'}`);
  if (value.length > MAX_TRUST_ROOTS) fail(field, `more than ${MAX_TRUST_ROOTS} entries`);
  return value;
}

function lowerHex(value: unknown, field: string, re: RegExp, what: string): string {
  if (typeof value !== 'string' || !re.test(value)) fail(field, `expected ${what}`);
  return value.toLowerCase();
}

function unique<T>(
  items: readonly T[],
  key: (item: T) => string,
  field: (i: number) => string,
  what: string,
) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(key(item))) fail(field(i), `${what} listed twice`);
    seen.add(key(item));
  });
}

function parseEvmRoot(value: unknown, field: string): EvmTrustRoot {
  const v = record(value, field, ['chainId', 'contract', 'submitters']);
  if (typeof v.chainId !== 'string' || !CHAIN_ID_RE.test(v.chainId)) {
    fail(`${field}.chainId`, 'expected a decimal chain id as a string, e.g. "31337"');
  }
  const submitters = list(v.submitters, `${field}.submitters`, 1).map((s, i) =>
    lowerHex(s, `${field}.submitters[${i}]`, ADDRESS_RE, 'a 0x-hex address (40 hex digits)'),
  );
  unique(
    submitters,
    (s) => s,
    (i) => `${field}.submitters[${i}]`,
    'a submitter',
  );
  return {
    chainId: v.chainId,
    contract: lowerHex(v.contract, `${field}.contract`, ADDRESS_RE, 'a 0x-hex address (40 hex digits)'),
    submitters,
  };
}

function parseErgoRoot(value: unknown, field: string): ErgoTrustRoot {
  const v = record(value, field, ['network', 'tokenId', 'mintTxId']);
  if (v.network !== 'mainnet' && v.network !== 'testnet' && v.network !== 'devnet')
    fail(`${field}.network`, 'expected mainnet, testnet or devnet');
  return {
    network: v.network,
    tokenId: lowerHex(v.tokenId, `${field}.tokenId`, ERGO_ID_RE, '64 hex characters'),
    mintTxId: lowerHex(v.mintTxId, `${field}.mintTxId`, ERGO_ID_RE, '64 hex characters'),
  };
}

/** Strictly reads TrustRoots from parsed JSON or JSON text; INVALID_TRUST_ROOTS names the field. */
export function parseTrustRoots(json: unknown): TrustRoots {
  const value = readJson(fail, json);
  const v = record(value, '-', ['version', 'platform'], ['evm', 'ergo']);
  if (v.version !== TRUST_ROOTS_VERSION)
    fail('version', `unsupported version, expected ${TRUST_ROOTS_VERSION}`);
  if (typeof v.platform !== 'string' || !PLATFORM_RE.test(v.platform)) {
    fail('platform', 'expected a platform id (letters, digits, . _ -; up to 128)');
  }
  const evm = list(v.evm ?? [], 'evm', 0).map((root, i) => parseEvmRoot(root, `evm[${i}]`));
  const ergo = list(v.ergo ?? [], 'ergo', 0).map((root, i) => parseErgoRoot(root, `ergo[${i}]`));
  if (evm.length + ergo.length === 0) fail('-', 'trusts no anchor at all: expected an evm or ergo entry');
  unique(
    evm,
    (r) => `${r.chainId}/${r.contract}`,
    (i) => `evm[${i}].contract`,
    'this chain id and contract',
  );
  unique(
    ergo,
    (r) => `${r.network}/${r.tokenId}`,
    (i) => `ergo[${i}].tokenId`,
    'this network and token',
  );
  return { version: TRUST_ROOTS_VERSION, platform: v.platform, evm, ergo };
}
