/**
 * Streaming batch-file encoder. Entries are consumed once, in order: each full page is encoded
 * and yielded as soon as it fills, the Merkle root grows in a stack of O(log n) hashes, and only
 * the page links are kept for the root. Memory therefore stays at about one page (16,384 CIDs)
 * whatever the batch size — unless the global duplicate check is asked for (see below).
 */
import type { CID } from 'multiformats/cid';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { cidBytesToText } from '../cid/index.ts';
import { MerkleRootAccumulator } from '../merkle/index.ts';
import { encodeBlock } from './block.ts';
import { BatchPageWriter } from './page-writer.ts';
import { CidSet } from './cid-set.ts';
import { badBatch, checkPlatform, checkPrevious, checkSealedAt, checkSequence } from './header.ts';
import { BATCH_FILE_VERSION, BATCH_PAGE_SIZE, MAX_BATCH_ENTRIES } from './schema.ts';
import type { BatchHeader, BatchRoot } from './schema.ts';

export interface BatchPageBlock {
  kind: 'page';
  index: number;
  cid: CID;
  bytes: Uint8Array;
}

export interface BatchRootBlock {
  kind: 'root';
  /** The batch-file's CID: what is pinned, chained as `previous` and anchored with `merkleRoot`. */
  cid: CID;
  bytes: Uint8Array;
  root: BatchRoot;
}

export type BatchFileBlock = BatchPageBlock | BatchRootBlock;

/**
 * How far duplicate tx-file CIDs are looked for.
 * - `page` (encoder default): within each page and across each page boundary — every repeat that
 *   is adjacent or 16,384 apart at most, in constant memory. The batcher guarantees global
 *   uniqueness itself (the relay rejects a tx-file whose CID it already accepted), so this is a
 *   backstop, not the guarantee.
 * - `global`: every entry against every other, exactly, at about 72 bytes of memory per entry
 *   (72 MB for a million).
 */
export type DuplicateCheck = 'page' | 'global';

export interface EncodeBatchFileOptions {
  duplicateCheck?: DuplicateCheck;
}

/**
 * Encodes a batch-file: yields every page block in order, then the root block last, and also
 * returns the root block. Store every yielded block; the last one's CID is the batch's CID.
 * Throws EMPTY_BATCH for no entries, DUPLICATE_ENTRY for a repeated CID (see DuplicateCheck),
 * BAD_CID for an entry that is not a CIDv1 raw/dag-pb sha2-256, BAD_BATCH for a bad header.
 * Same header and entries always give the same blocks.
 */
export async function* encodeBatchFile(
  header: BatchHeader,
  txFileCids: AsyncIterable<string | CID> | Iterable<string | CID>,
  options: EncodeBatchFileOptions = {},
): AsyncGenerator<BatchFileBlock, BatchRootBlock, undefined> {
  // Header first: a bad header must fail before any block is produced.
  const platform = checkPlatform(header.platform);
  const sequence = checkSequence(header.sequence);
  const previous = checkPrevious(header.previous, sequence);
  const sealedAt = checkSealedAt(header.sealedAt);
  const global = (options.duplicateCheck ?? 'page') === 'global';

  const merkle = new MerkleRootAccumulator();
  const seen = new CidSet(BATCH_PAGE_SIZE);
  const page = new BatchPageWriter();
  const pages: CID[] = [];
  let count = 0;

  const sealPage = (): BatchPageBlock => {
    const index = pages.length;
    const block = page.seal(index);
    pages.push(block.cid);
    return { kind: 'page', index, cid: block.cid, bytes: block.bytes };
  };

  for await (const entry of txFileCids) {
    const field = `entries[${count}]`;
    if (count === MAX_BATCH_ENTRIES) {
      throw badBatch('entries', `more than ${MAX_BATCH_ENTRIES} entries would not fit in one root block`);
    }
    // Bytes only: no CID objects are built per entry (see page-writer.ts).
    const cidBytes = page.add(entry, field);
    if (!seen.add(cidBytes)) {
      page.dropLast();
      throw new ProtocolError(
        ErrorCode.DuplicateEntry,
        field,
        `tx-file ${cidBytesToText(cidBytes)} appears twice in the batch`,
      );
    }
    merkle.addLeafData(cidBytes);
    count += 1;
    if (page.count === BATCH_PAGE_SIZE) {
      yield sealPage();
      if (!global) {
        // Keep the page boundary covered: the next page's first entry is checked against this one's last.
        seen.clear();
        seen.add(cidBytes);
      }
    }
  }
  if (count === 0) {
    throw new ProtocolError(ErrorCode.EmptyBatch, 'entries', 'a batch names at least one tx-file');
  }
  if (page.count > 0) yield sealPage();

  const root: BatchRoot = {
    version: BATCH_FILE_VERSION,
    platform,
    sequence,
    previous,
    sealedAt,
    merkleRoot: merkle.root(),
    count,
    pageSize: BATCH_PAGE_SIZE,
    pages,
  };
  const block = encodeBlock(root, 'pages');
  const rootBlock: BatchRootBlock = { kind: 'root', cid: block.cid, bytes: block.bytes, root };
  yield rootBlock;
  return rootBlock;
}

/** Drains `encodeBatchFile`, handing each block to `put` (e.g. a blockstore), and returns the root block. */
export async function writeBatchFile(
  header: BatchHeader,
  txFileCids: AsyncIterable<string | CID> | Iterable<string | CID>,
  put: (block: BatchFileBlock) => void | Promise<void>,
  options: EncodeBatchFileOptions = {},
): Promise<BatchRootBlock> {
  const blocks = encodeBatchFile(header, txFileCids, options);
  for (;;) {
    const step = await blocks.next();
    if (step.done === true) return step.value;
    await put(step.value);
  }
}
