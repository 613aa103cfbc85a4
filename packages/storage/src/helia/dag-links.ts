/**
 * The links of a block, for walking a DAG to pin it: none in a raw leaf, the `Links` of a dag-pb
 * (UnixFS) node, and every CID inside a dag-cbor value (a batch-file's pages and entries).
 */
import * as dagCbor from '@ipld/dag-cbor';
import * as dagPb from '@ipld/dag-pb';
import { CidCodec } from '@anchorpost/protocol';
import { CID } from 'multiformats/cid';
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

export function linksOf(cid: CID, bytes: Uint8Array): CID[] {
  switch (cid.code) {
    case CidCodec.Raw:
      return [];
    case CidCodec.DagPb:
      return dagPb.decode(bytes).Links.map((link) => link.Hash);
    case CidCodec.DagCbor:
      return cidsIn(dagCbor.decode(bytes));
    default:
      throw new StorageError(
        StorageErrorCode.Internal,
        `block ${cid.toString()}: cannot follow links of codec 0x${cid.code.toString(16)}`,
      );
  }
}

/** Every CID in a decoded IPLD value, in document order; iterative, so deep values cannot overflow the stack. */
function cidsIn(value: unknown): CID[] {
  const found: CID[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    const cid = CID.asCID(next);
    if (cid !== null) {
      found.push(cid);
    } else if (Array.isArray(next)) {
      for (let i = next.length - 1; i >= 0; i -= 1) stack.push(next[i]);
    } else if (typeof next === 'object' && next !== null && !(next instanceof Uint8Array)) {
      const values = Object.values(next);
      for (let i = values.length - 1; i >= 0; i -= 1) stack.push(values[i]);
    }
  }
  return found;
}
