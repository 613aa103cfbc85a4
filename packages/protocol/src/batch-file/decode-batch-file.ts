/**
 * Strict readers for batch-file blocks. A block is accepted only in the exact bytes our encoder
 * would write (canonical DAG-CBOR, exact key set, v1 values), so one batch has one CID and a
 * verifier never has to reason about alternative spellings. Every failure is BAD_BATCH + field.
 */
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { bytesEqual } from '../bytes.ts';
import { CidCodec, checkCid } from '../cid/parse-cid.ts';
import type { CidCodec as CidCodecType } from '../cid/parse-cid.ts';
import { MERKLE_HASH_SIZE } from '../merkle/hash-size.ts';
import { badBatch, checkPlatform, checkPrevious, checkSealedAt, checkSequence } from './header.ts';
import {
  BATCH_FILE_VERSION,
  BATCH_PAGE_SIZE,
  MAX_BATCH_BLOCK_SIZE,
  MAX_BATCH_ENTRIES,
  MAX_BATCH_PAGES,
} from './schema.ts';
import type { BatchPage, BatchRoot } from './schema.ts';

const ROOT_KEYS = [
  'version',
  'platform',
  'sequence',
  'previous',
  'sealedAt',
  'merkleRoot',
  'count',
  'pageSize',
  'pages',
];
const PAGE_KEYS = ['version', 'index', 'entries'];

function decodeNode(bytes: Uint8Array, keys: readonly string[], what: string): Record<string, unknown> {
  if (bytes.byteLength > MAX_BATCH_BLOCK_SIZE) {
    throw badBatch('-', `${what} block of ${bytes.byteLength} bytes exceeds ${MAX_BATCH_BLOCK_SIZE}`);
  }
  let value: unknown;
  try {
    value = dagCbor.decode(bytes);
  } catch (cause) {
    throw badBatch('-', `${what} block is not DAG-CBOR`, cause);
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Uint8Array ||
    CID.asCID(value)
  ) {
    throw badBatch('-', `${what} block is not a map`);
  }
  const node = value as Record<string, unknown>;
  for (const key of Object.keys(node)) {
    if (!keys.includes(key)) throw badBatch(key, 'unknown field');
  }
  for (const key of keys) {
    if (!(key in node)) throw badBatch(key, 'missing field');
  }
  if (node.version !== BATCH_FILE_VERSION)
    throw badBatch('version', `unsupported version, expected ${BATCH_FILE_VERSION}`);
  // Decoding accepts some non-canonical forms (e.g. unsorted keys); re-encoding exposes them.
  if (!bytesEqual(dagCbor.encode(node), bytes))
    throw badBatch('-', `${what} block is not canonical DAG-CBOR`);
  return node;
}

function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw badBatch(field, `expected an integer from ${min} to ${max}`);
  }
  return value;
}

function checkLinks(
  value: unknown,
  field: string,
  codecs: readonly CidCodecType[],
  maxLength: number,
): CID[] {
  if (!Array.isArray(value)) throw badBatch(field, 'expected a list of links');
  if (value.length === 0 || value.length > maxLength)
    throw badBatch(field, `expected 1 to ${maxLength} links`);
  return value.map((item: unknown, i) => {
    const itemField = `${field}[${i}]`;
    const cid = CID.asCID(item);
    if (cid === null) throw badBatch(itemField, 'expected a CID link');
    try {
      return checkCid(cid, itemField, codecs);
    } catch (cause) {
      throw badBatch(itemField, cause instanceof Error ? cause.message : 'bad CID', cause);
    }
  });
}

/** Reads a batch root block; checks it is self-consistent (page count matches entry count). */
export function decodeBatchRoot(bytes: Uint8Array): BatchRoot {
  const node = decodeNode(bytes, ROOT_KEYS, 'root');
  const platform = checkPlatform(node.platform);
  const sequence = checkSequence(node.sequence);
  if (node.previous !== null && CID.asCID(node.previous) === null)
    throw badBatch('previous', 'expected a CID link or null');
  const previous = checkPrevious(node.previous, sequence);
  const sealedAt = checkSealedAt(node.sealedAt);
  const merkleRoot = node.merkleRoot;
  if (!(merkleRoot instanceof Uint8Array) || merkleRoot.byteLength !== MERKLE_HASH_SIZE) {
    throw badBatch('merkleRoot', `expected ${MERKLE_HASH_SIZE} bytes`);
  }
  const count = checkInteger(node.count, 'count', 1, MAX_BATCH_ENTRIES);
  if (node.pageSize !== BATCH_PAGE_SIZE)
    throw badBatch('pageSize', `expected ${BATCH_PAGE_SIZE} in version 1`);
  const pages = checkLinks(node.pages, 'pages', [CidCodec.DagCbor], MAX_BATCH_PAGES);
  if (pages.length !== Math.ceil(count / BATCH_PAGE_SIZE)) {
    throw badBatch(
      'pages',
      `${count} entries need ${Math.ceil(count / BATCH_PAGE_SIZE)} pages, found ${pages.length}`,
    );
  }
  return {
    version: BATCH_FILE_VERSION,
    platform,
    sequence,
    previous,
    sealedAt,
    merkleRoot: merkleRoot.slice(),
    count,
    pageSize: BATCH_PAGE_SIZE,
    pages,
  };
}

/** Reads a page block: its position and 1 to 16,384 tx-file links (raw or dag-pb). */
export function decodeBatchPage(bytes: Uint8Array): BatchPage {
  const node = decodeNode(bytes, PAGE_KEYS, 'page');
  const index = checkInteger(node.index, 'index', 0, MAX_BATCH_PAGES - 1);
  const entries = checkLinks(node.entries, 'entries', [CidCodec.Raw, CidCodec.DagPb], BATCH_PAGE_SIZE);
  return { version: BATCH_FILE_VERSION, index, entries };
}
