/**
 * The embedded store's `exportDag`: a depth-first walk of the file blockstore from the root, in
 * link order (what Kubo's `dag/export` sends), reading up to READ_AHEAD blocks ahead of the
 * reader so that file opens overlap. Memory: the walk's stack of CIDs (a batch page's links at
 * most per level) and READ_AHEAD blocks; blocks with links are visited once (a set of those CIDs
 * only: pages and multi-block files, not every leaf), raw leaves as often as they are linked.
 */
import type { FsBlockstore } from 'blockstore-fs';
import type { CID } from 'multiformats/cid';
import type { DagBlock } from '@anchorpost/storage-port';
import { checkBlockBytes } from '../block-check.ts';
import { linksOf } from './dag-links.ts';
import { readBlock } from './unixfs-file-reader.ts';

/** Blocks read ahead of the consumer: enough to overlap file opens, small enough to stay bounded. */
export const READ_AHEAD = 16;

export async function* walkDag(
  blocks: FsBlockstore,
  root: CID,
  options: { signal?: AbortSignal | undefined },
): AsyncGenerator<DagBlock, void, undefined> {
  // Next to visit at the end; a read started for each of the next READ_AHEAD.
  const stack: CID[] = [root];
  const reading = new Map<CID, Promise<Uint8Array>>();
  const visited = new Set<string>();
  while (stack.length > 0) {
    for (let i = stack.length - 1; i >= Math.max(0, stack.length - READ_AHEAD); i -= 1) {
      const next = stack[i]!;
      if (reading.has(next)) continue;
      const read = readBlock(blocks, next, options);
      // Awaited when its turn comes; until then a failure must not go unhandled.
      read.catch(() => undefined);
      reading.set(next, read);
    }
    const cid = stack.pop()!;
    const bytes = await reading.get(cid)!;
    reading.delete(cid);
    // A block on disk may have been damaged since it was written.
    checkBlockBytes(cid, bytes);
    const links = linksOf(cid, bytes);
    if (links.length > 0) {
      const key = cid.toString();
      if (visited.has(key)) continue;
      visited.add(key);
    }
    yield { cid: cid.toString(), bytes };
    for (let i = links.length - 1; i >= 0; i -= 1) stack.push(links[i]!);
  }
}
