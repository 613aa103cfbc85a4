/**
 * Strict reading of TxFileProof v1 to v4 from untrusted JSON: exact key sets at every level, canonical
 * CIDs, lower-case hex, safe integers, RFC 3339 times. Every failure is INVALID_PROOF naming the
 * field. Shape only: `verifyProof` checks the content against SHA-256 and the chain.
 */
import {
  CidCodec,
  fromBase64,
  isProtocolError,
  MAX_BATCH_BLOCK_SIZE,
  parseCid,
  parseInclusionProof,
} from '@anchorpost/protocol/portable';
import type { InclusionProof } from '@anchorpost/protocol/portable';
import { ProofError, ProofErrorCode } from './proof-error.ts';
import { failWith, isRecord, readJson, readRecord } from './strict-json.ts';
import type { Fail } from './strict-json.ts';
import {
  READABLE_PROOF_VERSIONS,
  ROOT_BLOCK_PROOF_VERSION,
  TRUSTED_BLOCK_ID_PROOF_VERSION,
} from './tx-file-proof.ts';
import type {
  AnchorProof,
  ErgoAnchorProof,
  EvmAnchorProof,
  ProofAnchorStatus,
  ProofBatch,
  ProofTimeBound,
  TrustedBlockBound,
  TxFileProof,
} from './tx-file-proof.ts';

/** More anchors than chains anyone would configure: a bound on the work a proof can ask for. */
export const MAX_PROOF_ANCHORS = 16;

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ROOT_RE = /^[0-9a-f]{64}$/;
const HASH_RE = /^0x[0-9a-f]{64}$/;
const ADDRESS_RE = /^0x[0-9a-f]{40}$/;
const CHAIN_ID_RE = /^[1-9][0-9]{0,18}$/;
const ERGO_ID_RE = /^[0-9a-f]{64}$/;
const ERGO_NETWORKS: readonly string[] = ['mainnet', 'testnet', 'devnet'];
const STATUSES: readonly ProofAnchorStatus[] = ['pending', 'anchored', 'final'];
/** Base64 characters of the largest root block the protocol allows. */
const MAX_ROOT_BLOCK_BASE64 = Math.ceil(MAX_BATCH_BLOCK_SIZE / 3) * 4;

const fail: Fail = failWith(ProofErrorCode.InvalidProof);

function record(value: unknown, field: string, required: readonly string[], optional?: readonly string[]) {
  return readRecord(fail, value, field, required, optional);
}

function integer(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(field, 'expected an integer');
  if (value < min) fail(field, `expected an integer >= ${min}`);
  return value;
}

function matching(value: unknown, field: string, re: RegExp, what: string): string {
  if (typeof value !== 'string' || !re.test(value)) fail(field, `expected ${what}`);
  return value;
}

function time(value: unknown, field: string): string {
  const text = matching(value, field, TIME_RE, 'RFC 3339 UTC time with milliseconds');
  // The pattern admits 2026-13-45; a round trip does not.
  if (Number.isNaN(Date.parse(text)) || new Date(text).toISOString() !== text) fail(field, 'not a real time');
  return text;
}

function cid(value: unknown, field: string, codecs: readonly CidCodec[]): string {
  try {
    const parsed = parseCid(value, field, codecs).toString();
    if (parsed !== value) fail(field, 'expected the canonical CIDv1 base32 form');
    return parsed;
  } catch (cause) {
    if (cause instanceof ProofError) throw cause;
    fail(field, cause instanceof Error ? cause.message : 'bad CID', cause);
  }
}

const BATCH_KEYS = ['cid', 'platform', 'sequence', 'count', 'merkleRoot', 'sealedAt', 'previous'];

/** Shape only (canonical base64, size); `verifyProof` hashes and decodes it. */
function rootBlock(value: unknown): string {
  const field = 'batch.rootBlock';
  if (typeof value !== 'string' || value.length === 0) fail(field, 'expected base64 text');
  if (value.length > MAX_ROOT_BLOCK_BASE64) fail(field, `longer than a ${MAX_BATCH_BLOCK_SIZE}-byte block`);
  try {
    fromBase64(value, field);
  } catch (cause) {
    fail(field, 'expected canonical padded base64', cause);
  }
  return value;
}

function parseBatch(value: unknown, version: number): ProofBatch {
  const withRootBlock = version >= ROOT_BLOCK_PROOF_VERSION;
  const v = record(value, 'batch', withRootBlock ? [...BATCH_KEYS, 'rootBlock'] : BATCH_KEYS);
  if (typeof v.platform !== 'string' || v.platform.length === 0)
    fail('batch.platform', 'expected a non-empty string');
  const sequence = integer(v.sequence, 'batch.sequence', 0);
  const previous = v.previous === null ? null : cid(v.previous, 'batch.previous', [CidCodec.DagCbor]);
  if ((previous === null) !== (sequence === 0)) {
    fail('batch.previous', 'is null exactly for the batch of sequence 0');
  }
  return {
    cid: cid(v.cid, 'batch.cid', [CidCodec.DagCbor]),
    platform: v.platform,
    sequence,
    count: integer(v.count, 'batch.count', 1),
    merkleRoot: matching(v.merkleRoot, 'batch.merkleRoot', ROOT_RE, '64 lower-case hex characters'),
    sealedAt: time(v.sealedAt, 'batch.sealedAt'),
    previous,
    ...(withRootBlock ? { rootBlock: rootBlock(v.rootBlock) } : {}),
  };
}

function parseInclusion(value: unknown): InclusionProof {
  try {
    return parseInclusionProof(value);
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    fail(cause.field === '-' ? 'inclusion' : `inclusion.${cause.field}`, cause.message, cause);
  }
}

function parseStatus(value: unknown, field: string): ProofAnchorStatus {
  if (typeof value !== 'string' || !(STATUSES as readonly string[]).includes(value)) {
    fail(field, `expected one of ${STATUSES.join(', ')}`);
  }
  return value as ProofAnchorStatus;
}

function parseEvmAnchor(value: unknown, field: string): EvmAnchorProof {
  const v = record(value, field, [
    'chain',
    'chainId',
    'contract',
    'txHash',
    'blockNumber',
    'blockHash',
    'blockTime',
    'confirmations',
    'status',
  ]);
  return {
    chain: 'evm',
    chainId: matching(v.chainId, `${field}.chainId`, CHAIN_ID_RE, 'a decimal chain id'),
    contract: matching(v.contract, `${field}.contract`, ADDRESS_RE, 'a lower-case 0x-hex address'),
    txHash: matching(v.txHash, `${field}.txHash`, HASH_RE, 'a lower-case 0x-hex 32-byte hash'),
    blockNumber: integer(v.blockNumber, `${field}.blockNumber`, 0),
    blockHash: matching(v.blockHash, `${field}.blockHash`, HASH_RE, 'a lower-case 0x-hex 32-byte hash'),
    blockTime: time(v.blockTime, `${field}.blockTime`),
    confirmations: integer(v.confirmations, `${field}.confirmations`, 0),
    status: parseStatus(v.status, `${field}.status`),
  };
}

function parseErgoAnchor(value: unknown, field: string): ErgoAnchorProof {
  const v = record(value, field, [
    'chain',
    'chainId',
    'tokenId',
    'txId',
    'height',
    'headerId',
    'blockTime',
    'confirmations',
    'status',
  ]);
  if (typeof v.chainId !== 'string' || !ERGO_NETWORKS.includes(v.chainId)) {
    fail(`${field}.chainId`, `expected one of ${ERGO_NETWORKS.join(', ')}`);
  }
  return {
    chain: 'ergo',
    chainId: v.chainId,
    tokenId: matching(v.tokenId, `${field}.tokenId`, ERGO_ID_RE, '64 lower-case hex characters'),
    txId: matching(v.txId, `${field}.txId`, ERGO_ID_RE, '64 lower-case hex characters'),
    height: integer(v.height, `${field}.height`, 0),
    headerId: matching(v.headerId, `${field}.headerId`, ERGO_ID_RE, '64 lower-case hex characters'),
    blockTime: time(v.blockTime, `${field}.blockTime`),
    confirmations: integer(v.confirmations, `${field}.confirmations`, 0),
    status: parseStatus(v.status, `${field}.status`),
  };
}

function parseAnchor(value: unknown, field: string, version: number): AnchorProof {
  const chain = isRecord(value) ? value.chain : undefined;
  if (chain === 'evm') return parseEvmAnchor(value, field);
  if (chain === 'ergo' && version >= 2) return parseErgoAnchor(value, field);
  if (!isRecord(value)) fail(field, 'expected a JSON object');
  fail(
    `${field}.chain`,
    version >= 2 ? 'expected "evm" or "ergo"' : 'expected "evm" (the only chain of proof v1)',
  );
}

function parseAnchors(value: unknown, version: number): AnchorProof[] {
  if (!Array.isArray(value)) fail('anchors', 'expected an array');
  if (value.length === 0) fail('anchors', 'a proof has at least one anchor');
  if (value.length > MAX_PROOF_ANCHORS) fail('anchors', `more than ${MAX_PROOF_ANCHORS} anchors`);
  const anchors = value.map((anchor: unknown, i) => parseAnchor(anchor, `anchors[${i}]`, version));
  const seen = new Set<string>();
  for (const [i, anchor] of anchors.entries()) {
    const key = `${anchor.chain}:${anchor.chainId}`;
    if (seen.has(key)) fail(`anchors[${i}].chainId`, 'a second anchor on the same chain');
    seen.add(key);
  }
  return anchors;
}

function parseTimeBound(value: unknown, anchors: readonly AnchorProof[], version: number): ProofTimeBound {
  const v = record(value, 'timeBound', ['notAfter'], ['notBefore']);
  const notAfter = time(v.notAfter, 'timeBound.notAfter');
  const earliest = anchors.map((anchor) => anchor.blockTime).sort()[0]!;
  if (notAfter !== earliest) fail('timeBound.notAfter', `expected the earliest anchor time ${earliest}`);
  if (v.notBefore === undefined) return { notAfter };
  const withId = version >= TRUSTED_BLOCK_ID_PROOF_VERSION;
  const b = record(
    v.notBefore,
    'timeBound.notBefore',
    withId ? ['chain', 'height', 'blockId'] : ['chain', 'height'],
    version >= 2 ? ['time'] : [],
  );
  if (b.chain !== 'ergo') fail('timeBound.notBefore.chain', 'expected "ergo"');
  const notBefore: TrustedBlockBound = {
    chain: 'ergo',
    height: integer(b.height, 'timeBound.notBefore.height', 0),
  };
  if (withId) {
    notBefore.blockId = matching(
      b.blockId,
      'timeBound.notBefore.blockId',
      ERGO_ID_RE,
      '64 lower-case hex characters',
    );
  }
  if (b.time !== undefined) {
    notBefore.time = time(b.time, 'timeBound.notBefore.time');
    if (notBefore.time > notAfter) fail('timeBound.notBefore.time', `is after notAfter ${notAfter}`);
  }
  return { notBefore, notAfter };
}

/** Strictly reads a TxFileProof from parsed JSON or JSON text; INVALID_PROOF names the field. */
export function parseTxFileProof(json: unknown): TxFileProof {
  const value = readJson(fail, json);
  const v = record(value, '-', ['version', 'txFile', 'batch', 'inclusion', 'anchors', 'timeBound']);
  if (typeof v.version !== 'number' || !READABLE_PROOF_VERSIONS.includes(v.version))
    fail('version', `unsupported version, expected one of ${READABLE_PROOF_VERSIONS.join(', ')}`);
  const version = v.version as TxFileProof['version'];
  const txFile = cid(v.txFile, 'txFile', [CidCodec.Raw, CidCodec.DagPb]);
  const batch = parseBatch(v.batch, version);
  const inclusion = parseInclusion(v.inclusion);
  const anchors = parseAnchors(v.anchors, version);
  const timeBound = parseTimeBound(v.timeBound, anchors, version);
  return { version, txFile, batch, inclusion, anchors, timeBound };
}
