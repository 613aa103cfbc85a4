/** Turning batch-file nodes into content-addressed DAG-CBOR blocks, with the size limit enforced. */
import { hash } from 'node:crypto';
import * as dagCbor from '@ipld/dag-cbor';
import type { CID } from 'multiformats/cid';
import { dagCborCidOfDigest } from './block-cid.ts';
import { badBatch } from './header.ts';
import { MAX_BATCH_BLOCK_SIZE } from './schema.ts';

export interface EncodedBlock {
  cid: CID;
  bytes: Uint8Array;
}

/** CIDv1 dag-cbor sha2-256 of a block's bytes. */
export function dagCborCid(bytes: Uint8Array): CID {
  return dagCborCidOfDigest(plainBytes(hash('sha256', bytes, 'buffer')));
}

/** Node Buffers are Uint8Array subclasses; callers get plain Uint8Arrays so values compare as data. */
function plainBytes(bytes: Uint8Array): Uint8Array {
  return Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

export function encodeBlock(value: unknown, field: string): EncodedBlock {
  const bytes = plainBytes(dagCbor.encode(value));
  if (bytes.byteLength > MAX_BATCH_BLOCK_SIZE) {
    throw badBatch(field, `block of ${bytes.byteLength} bytes exceeds ${MAX_BATCH_BLOCK_SIZE}`);
  }
  return { cid: dagCborCid(bytes), bytes };
}
