/**
 * The inclusion proof of one leaf in O(log n) reads, from what the index keeps per batch: its
 * entries and its tree nodes from `treeLevel` up (ADR 0029). Path subtrees inside the leaf's own
 * run of 2^treeLevel entries are hashed from its entries; every other one is a stored node
 * (merkleNodeOfRange). One round trip reads the run and the nodes the cache
 * lacks. The result is checked against the recorded root exactly as the full read's is.
 */
import type { IndexRepository } from '@anchorpost/db-port';
import {
  MerkleRootAccumulator,
  fromHex,
  merkleLeafHashForCid,
  merkleNodeOfRange,
} from '@anchorpost/protocol';
import type { InclusionProof } from '@anchorpost/protocol';
import { checkedInclusionProof, inclusionSubtrees, inconsistent } from './inclusion-from-entries.ts';
import type { InclusionTarget } from './inclusion-from-entries.ts';
import type { TreeNodeCache } from './tree-node-cache.ts';

export interface TreeInclusionTarget extends InclusionTarget {
  batchCid: string;
  /** The batch's tree level (InclusionRecord.treeLevel). */
  treeLevel: number;
}

type PathElement =
  { kind: 'run'; start: number; end: number } | { kind: 'node'; level: number; index: number };

export async function inclusionFromTree(
  index: Pick<IndexRepository, 'proofSlice'>,
  target: TreeInclusionTarget,
  cache?: TreeNodeCache,
): Promise<InclusionProof> {
  const { batchCid, treeLevel, treeSize } = target;
  if (!Number.isSafeInteger(target.index) || target.index < 0 || target.index >= treeSize) {
    inconsistent(`leaf index ${target.index} is outside a batch of ${treeSize}`);
  }
  const width = 2 ** treeLevel;
  const runStart = target.index - (target.index % width);
  const runEnd = Math.min(runStart + width, treeSize);
  const elements: PathElement[] = inclusionSubtrees(target.index, treeSize).map(({ start, end }) => {
    if (start >= runStart && end <= runEnd) return { kind: 'run', start, end };
    // Outside the leaf's run: 2^treeLevel leaves or more, or a right edge [start, treeSize) that
    // starts on a run boundary and is then the (short) node of that run.
    const node = merkleNodeOfRange(start, end, treeSize);
    if (node.level >= treeLevel) return { kind: 'node', ...node };
    if (start % width !== 0 || end !== treeSize) inconsistent(`leaves [${start}, ${end}) are no stored node`);
    return { kind: 'node', level: treeLevel, index: start / width };
  });
  const known = new Map<string, string>();
  const missing: { level: number; index: number }[] = [];
  for (const element of elements) {
    if (element.kind !== 'node') continue;
    const hash = cache?.get(batchCid, element.level, element.index);
    if (hash === undefined) missing.push({ level: element.level, index: element.index });
    else known.set(`${element.level}/${element.index}`, hash);
  }
  const slice = await index.proofSlice(batchCid, {
    entriesFrom: runStart,
    entriesTo: runEnd,
    nodes: missing,
  });
  for (const node of slice.nodes) {
    known.set(`${node.level}/${node.index}`, node.hash);
    cache?.set(batchCid, node.level, node.index, node.hash);
  }
  if (slice.entries.length !== runEnd - runStart) {
    inconsistent(`entries [${runStart}, ${runEnd}) of batch ${batchCid}: ${slice.entries.length} found`);
  }
  const entry = slice.entries[target.index - runStart]!;
  if (entry !== target.leaf) inconsistent(`entry ${target.index} is ${entry}, not ${target.leaf}`);
  const path = elements.map((element) => {
    if (element.kind === 'run') {
      const accumulator = new MerkleRootAccumulator();
      for (let position = element.start; position < element.end; position += 1) {
        accumulator.add(merkleLeafHashForCid(slice.entries[position - runStart]!, `entries[${position}]`));
      }
      return accumulator.root();
    }
    const hash = known.get(`${element.level}/${element.index}`);
    if (hash === undefined) {
      inconsistent(`tree node ${element.level}/${element.index} of batch ${batchCid} is not stored`);
    }
    try {
      return fromHex(hash, 'hash');
    } catch (cause) {
      return inconsistent(
        `tree node ${element.level}/${element.index} of batch ${batchCid} is no hash`,
        cause,
      );
    }
  });
  return checkedInclusionProof(target, path);
}
