/**
 * The embedded store's `exportDag`: a depth-first walk of the blockstore from the root, in
 * link order (what Kubo's `dag/export` sends), reading up to READ_AHEAD blocks ahead of the
 * reader so that file opens overlap — but at most one block with links among them. A batch page
 * names 16,384 CIDs (about 600 KiB); reading 16 pages ahead held 16 of them at once, the same
 * shape as the pin walk's (pin-index.ts). Memory: the walk's stack of CIDs (one page's links and
 * the path to it), one block with links and READ_AHEAD raw leaves (a chunk each at most); blocks
 * with links are visited once (a set of those CIDs only: pages and multi-block files, not every
 * leaf), raw leaves as often as they are linked.
 */
import type { Blockstore } from 'interface-blockstore';
import type { CID } from 'multiformats/cid';
import { CidCodec } from '@anchorpost/protocol';
import type { DagBlock } from '@anchorpost/storage-port';
import { checkBlockBytes } from '../block-check.ts';
import { linksOf } from './dag-links.ts';
import { readBlock } from './unixfs-file-reader.ts';

/** Blocks read ahead of the consumer: enough to overlap file opens, small enough to stay bounded. */
export const READ_AHEAD = 16;

export async function* walkDag(
  blocks: Blockstore,
  root: CID,
  options: { signal?: AbortSignal | undefined },
): AsyncGenerator<DagBlock, void, undefined> {
  // Next to visit at the end; a read started for each of the next READ_AHEAD.
  const stack: CID[] = [root];
  const reading = new Map<CID, Promise<Uint8Array>>();
  const visited = new Set<string>();
  while (stack.length > 0) {
    readAhead(stack, reading, (cid) => readBlock(blocks, cid, options));
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

/**
 * Starts reads for the top READ_AHEAD blocks of the stack, in visiting order, stopping at the
 * second block with links: a block with links is only read ahead while no other one is held.
 */
function readAhead(
  stack: CID[],
  reading: Map<CID, Promise<Uint8Array>>,
  read: (cid: CID) => Promise<Uint8Array>,
): void {
  let inner = 0;
  for (let i = stack.length - 1; i >= Math.max(0, stack.length - READ_AHEAD); i -= 1) {
    const next = stack[i]!;
    if (next.code !== CidCodec.Raw && (inner += 1) > 1) return;
    if (reading.has(next)) continue;
    const started = read(next);
    // Awaited when its turn comes; until then a failure must not go unhandled.
    started.catch(() => undefined);
    reading.set(next, started);
  }
}
