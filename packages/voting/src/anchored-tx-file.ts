/** A tx-file of the group as the recount takes it: its bytes and where the chain put it. */
import { parseTxFile, type TxFile } from '@anchorpost/protocol/web';

export interface AnchoredTxFile {
  /** The CID of `bytes` (the caller checked it, with the file's proof). */
  cid: string;
  bytes: Uint8Array;
  /** Height of the block that anchored the file's batch, on the chain the deadline is counted on. */
  anchoredHeight: number;
  /** The batch's sequence and the file's leaf index in it: the order within one block. */
  batchSequence: number;
  batchIndex: number;
}

export interface ParsedAnchoredTxFile extends AnchoredTxFile {
  tx: TxFile;
}

/** Anchoring order: block height, then batch sequence, then leaf index (CID only to be total). */
export function compareAnchoring(a: AnchoredTxFile, b: AnchoredTxFile): number {
  return (
    a.anchoredHeight - b.anchoredHeight ||
    a.batchSequence - b.batchSequence ||
    a.batchIndex - b.batchIndex ||
    (a.cid < b.cid ? -1 : a.cid > b.cid ? 1 : 0)
  );
}

/**
 * The files that parse, in anchoring order. A file that does not parse is no vote, no voting and no
 * Votes file: anyone may send bytes to a group's recipient hash, and they change no tally.
 */
export function parseAnchored(files: readonly AnchoredTxFile[]): ParsedAnchoredTxFile[] {
  const parsed: ParsedAnchoredTxFile[] = [];
  for (const file of [...files].sort(compareAnchoring)) {
    try {
      parsed.push({ ...file, tx: parseTxFile(file.bytes) });
    } catch {
      continue;
    }
  }
  return parsed;
}
