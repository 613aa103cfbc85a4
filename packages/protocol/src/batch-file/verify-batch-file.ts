/**
 * Verifying a batch-file fetched from IPFS (parser, auditor): every page must hash to its link,
 * sit at its position, hold the right number of entries, and the entries must reproduce the
 * anchored Merkle root and count. Pages are fetched one at a time, so memory stays at one page
 * (plus the optional global duplicate set).
 */
import type { CID } from 'multiformats/cid';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { bytesEqual, toHex } from '../bytes.ts';
import { MerkleRootAccumulator } from '../merkle/index.ts';
import { dagCborCid } from './block.ts';
import { CidSet } from './cid-set.ts';
import { decodeBatchPage, decodeBatchRoot } from './decode-batch-file.ts';
import type { DuplicateCheck } from './encode-batch-file.ts';
import { badBatch } from './header.ts';
import type { BatchPage, BatchRoot } from './schema.ts';

/** Fetches a page block's bytes by its link (e.g. from a blockstore or an IPFS gateway). */
export type GetBatchPage = (cid: CID, index: number) => Uint8Array | Promise<Uint8Array>;

export interface VerifiedBatchPage {
  index: number;
  cid: CID;
  page: BatchPage;
}

/**
 * Yields the root's pages in order, each checked against its link (hash), its position and its
 * expected entry count. Entry-level checks (duplicates, Merkle root) are `verifyBatchFile`'s.
 */
export async function* readBatchPages(
  root: BatchRoot,
  getPage: GetBatchPage,
): AsyncGenerator<VerifiedBatchPage> {
  for (const [index, link] of root.pages.entries()) {
    const field = `pages[${index}]`;
    const bytes = await getPage(link, index);
    if (!dagCborCid(bytes).equals(link)) throw badBatch(field, 'page bytes do not hash to the link');
    let page: BatchPage;
    try {
      page = decodeBatchPage(bytes);
    } catch (cause) {
      if (cause instanceof ProtocolError) throw badBatch(`${field}.${cause.field}`, cause.message, cause);
      throw cause;
    }
    if (page.index !== index)
      throw badBatch(`${field}.index`, `page says index ${page.index}, linked at ${index}`);
    const isLast = index === root.pages.length - 1;
    const expected = isLast ? root.count - index * root.pageSize : root.pageSize;
    if (page.entries.length !== expected) {
      throw badBatch(`${field}.entries`, `expected ${expected} entries, found ${page.entries.length}`);
    }
    yield { index, cid: link, page };
  }
}

export interface VerifyBatchFileOptions {
  /** Default `global`: a verifier reads untrusted batches, so it checks the seed's "unique list". */
  duplicateCheck?: DuplicateCheck;
  /** Called for every entry in order while verifying, e.g. to index it (position 0-based). */
  onEntry?: (cid: CID, position: number) => void | Promise<void>;
}

export interface VerifiedBatchFile {
  cid: CID;
  root: BatchRoot;
}

/**
 * Fully verifies a batch-file: strict root, every page (see readBatchPages), no duplicate entry,
 * and the entries' RFC 6962 root equal to `merkleRoot`. Returns the root's CID (compare it with
 * the anchored one) and its decoded fields. Throws BAD_BATCH or DUPLICATE_ENTRY.
 */
export async function verifyBatchFile(
  rootBytes: Uint8Array,
  getPage: GetBatchPage,
  options: VerifyBatchFileOptions = {},
): Promise<VerifiedBatchFile> {
  const root = decodeBatchRoot(rootBytes);
  const global = (options.duplicateCheck ?? 'global') === 'global';
  // Sized for one page and left to grow: `count` is untrusted until the pages prove it.
  const seen = new CidSet(root.pageSize);
  const merkle = new MerkleRootAccumulator();
  let position = 0;
  let previousEntry: CID | undefined;
  for await (const { index, page } of readBatchPages(root, getPage)) {
    if (!global) {
      seen.clear();
      if (previousEntry !== undefined) seen.add(previousEntry.bytes);
    }
    for (const [i, entry] of page.entries.entries()) {
      if (!seen.add(entry.bytes)) {
        throw new ProtocolError(
          ErrorCode.DuplicateEntry,
          `pages[${index}].entries[${i}]`,
          `tx-file ${entry.toString()} appears twice in the batch`,
        );
      }
      merkle.addLeafData(entry.bytes);
      if (options.onEntry !== undefined) await options.onEntry(entry, position);
      position += 1;
      previousEntry = entry;
    }
  }
  if (position !== root.count) {
    throw badBatch('count', `root says ${root.count} entries, pages hold ${position}`);
  }
  const computed = merkle.root();
  if (!bytesEqual(computed, root.merkleRoot)) {
    throw badBatch('merkleRoot', `entries give ${toHex(computed)}, root says ${toHex(root.merkleRoot)}`);
  }
  return { cid: dagCborCid(rootBytes), root };
}
