/**
 * The inclusion proof of one leaf in O(log n) reads, from what the index keeps per batch: its
 * entries and its tree nodes from `treeLevel` up (ADR 0029). Path subtrees inside the leaf's own
 * run of 2^treeLevel entries are hashed from its entries; every other one is a stored node,
 * found by the leaves it covers. The index reads the run and the nodes with the rest of the proof
 * (`proofRead`, one statement); here they become the path, checked against the recorded root
 * exactly as the full read's is.
 */
import type { ProofReadRecord } from '@anchorpost/db-port';
import { MerkleRootAccumulator, fromHex, merkleLeafHashForCid } from '@anchorpost/protocol';
import type { InclusionProof } from '@anchorpost/protocol';
import { checkedInclusionProof, inclusionSubtrees, inconsistent } from './inclusion-from-entries.ts';
import type { InclusionTarget } from './inclusion-from-entries.ts';

export interface TreeInclusionTarget extends InclusionTarget {
  batchCid: string;
  /** The batch's tree level (InclusionRecord.treeLevel). */
  treeLevel: number;
}

/** What the index read for the path (`ProofReadRecord`): the leaf's run and the stored nodes. */
export type TreeInclusionRead = Pick<ProofReadRecord, 'run' | 'nodes'>;

/** A path subtree: leaves [start, end), inside the leaf's run or not. */
interface PathElement {
  inRun: boolean;
  start: number;
  end: number;
}

/**
 * The stored nodes by the leaves they cover, `start/end`: a node is named by its level and index,
 * but a lone last node moves up unchanged, so one range can have several names.
 */
function nodesByRange(read: TreeInclusionRead, treeSize: number): Map<string, string> {
  const byRange = new Map<string, string>();
  for (const { level, index, hash } of read.nodes) {
    const start = index * 2 ** level;
    byRange.set(`${start}/${Math.min(start + 2 ** level, treeSize)}`, hash);
  }
  return byRange;
}

function nodeHash(byRange: ReadonlyMap<string, string>, batchCid: string, { start, end }: PathElement) {
  const hash = byRange.get(`${start}/${end}`);
  if (hash === undefined)
    inconsistent(`the tree node of leaves [${start}, ${end}) of batch ${batchCid} is not stored`);
  try {
    return fromHex(hash, 'hash');
  } catch (cause) {
    return inconsistent(`the tree node of leaves [${start}, ${end}) of batch ${batchCid} is no hash`, cause);
  }
}

export function inclusionFromTree(target: TreeInclusionTarget, read: TreeInclusionRead): InclusionProof {
  const { batchCid, treeLevel, treeSize } = target;
  if (!Number.isSafeInteger(target.index) || target.index < 0 || target.index >= treeSize) {
    inconsistent(`leaf index ${target.index} is outside a batch of ${treeSize}`);
  }
  const width = 2 ** treeLevel;
  const runStart = target.index - (target.index % width);
  const runEnd = Math.min(runStart + width, treeSize);
  // Outside the leaf's run every path subtree is a stored node (2^treeLevel leaves or more, or
  // the short right edge of the batch, which starts on a run boundary).
  const elements = inclusionSubtrees(target.index, treeSize).map(({ start, end }) => ({
    inRun: start >= runStart && end <= runEnd,
    start,
    end,
  }));
  if (read.run.length !== runEnd - runStart) {
    inconsistent(`entries [${runStart}, ${runEnd}) of batch ${batchCid}: ${read.run.length} found`);
  }
  const entry = read.run[target.index - runStart]!;
  if (entry !== target.leaf) inconsistent(`entry ${target.index} is ${entry}, not ${target.leaf}`);
  const byRange = nodesByRange(read, treeSize);
  const path = elements.map((element) => {
    if (!element.inRun) return nodeHash(byRange, batchCid, element);
    const accumulator = new MerkleRootAccumulator();
    for (let position = element.start; position < element.end; position += 1) {
      accumulator.add(merkleLeafHashForCid(read.run[position - runStart]!, `entries[${position}]`));
    }
    return accumulator.root();
  });
  return checkedInclusionProof(target, path);
}
