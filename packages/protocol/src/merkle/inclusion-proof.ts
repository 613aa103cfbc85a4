/**
 * InclusionProof v1: the stable JSON a verifier needs to show that one tx-file CID is leaf `index`
 * of the RFC 6962 tree of `treeSize` leaves whose root is `root`. Every failure to read one is
 * BAD_PROOF, with the offending field, so callers can treat "bad proof" as one outcome.
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { parseCid } from '../cid/parse-cid.ts';

export const INCLUSION_PROOF_VERSION = 1;
export const INCLUSION_PROOF_ALGORITHM = 'rfc6962-sha256';

/** A path longer than this could only belong to a tree of more than 2^64 leaves. */
export const MAX_INCLUSION_PATH_LENGTH = 64;

export interface InclusionProof {
  version: typeof INCLUSION_PROOF_VERSION;
  algorithm: typeof INCLUSION_PROOF_ALGORITHM;
  /** The tx-file CID (CIDv1 base32); the leaf data is its binary form. */
  leaf: string;
  /** 0-based leaf position. */
  index: number;
  treeSize: number;
  /** RFC 9162 inclusion path, leaf side first, 32-byte hashes in lower-case hex. */
  path: string[];
  /** The tree head, lower-case hex. */
  root: string;
}

const KEYS = ['version', 'algorithm', 'leaf', 'index', 'treeSize', 'path', 'root'] as const;
const HASH_HEX_RE = /^[0-9a-f]{64}$/;

function fail(field: string, message: string, cause?: unknown): never {
  throw new ProtocolError(ErrorCode.BadProof, field, message, cause === undefined ? undefined : { cause });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkHashHex(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(field, 'expected a hex string');
  if (!HASH_HEX_RE.test(value)) fail(field, 'expected 64 lower-case hex characters (a SHA-256 hash)');
  return value;
}

function checkCount(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(field, 'expected an integer');
  if (value < min) fail(field, `expected an integer >= ${min}`);
  return value;
}

/**
 * Strictly reads an InclusionProof from parsed JSON (or from JSON text): exact key set, known
 * version and algorithm, canonical CID, safe integers, `index < treeSize`, 64-hex hashes.
 * It checks shape only; `verifyInclusionProof` checks that the path really leads to the root.
 */
export function parseInclusionProof(json: unknown): InclusionProof {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (cause) {
      fail('-', 'not valid JSON', cause);
    }
  }
  if (!isRecord(value)) fail('-', 'expected a JSON object');
  for (const key of Object.keys(value)) {
    if (!(KEYS as readonly string[]).includes(key)) fail(key, 'unknown field');
  }
  for (const key of KEYS) {
    if (!(key in value)) fail(key, 'missing field');
  }
  if (value.version !== INCLUSION_PROOF_VERSION)
    fail('version', `unsupported version, expected ${INCLUSION_PROOF_VERSION}`);
  if (value.algorithm !== INCLUSION_PROOF_ALGORITHM)
    fail('algorithm', `expected "${INCLUSION_PROOF_ALGORITHM}"`);
  let leaf: string;
  try {
    leaf = parseCid(value.leaf, 'leaf').toString();
  } catch (cause) {
    fail('leaf', cause instanceof Error ? cause.message : 'bad CID', cause);
  }
  const treeSize = checkCount(value.treeSize, 'treeSize', 1);
  const index = checkCount(value.index, 'index', 0);
  if (index >= treeSize) fail('index', `index ${index} is out of range for a tree of ${treeSize} leaves`);
  const rawPath = value.path;
  if (!Array.isArray(rawPath)) fail('path', 'expected an array of hashes');
  if (rawPath.length > MAX_INCLUSION_PATH_LENGTH)
    fail('path', `more than ${MAX_INCLUSION_PATH_LENGTH} hashes`);
  const path = rawPath.map((element: unknown, i) => checkHashHex(element, `path[${i}]`));
  const root = checkHashHex(value.root, 'root');
  return {
    version: INCLUSION_PROOF_VERSION,
    algorithm: INCLUSION_PROOF_ALGORITHM,
    leaf,
    index,
    treeSize,
    path,
    root,
  };
}
