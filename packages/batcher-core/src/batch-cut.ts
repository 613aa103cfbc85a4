/**
 * Chooses what the next batch holds, from bus positions alone: the `tx-file.accepted` records after
 * the last sealed offsets, read partition by partition in offset order, up to the end offsets seen
 * when the seal began, and cut after `maxFiles` distinct CIDs. Records are read a page at a time and
 * only each entry's 36 CID bytes are kept (36 MB for a million), plus the duplicate set.
 */
import type { Bus } from '@anchorpost/bus';
import { txFileAccepted, TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { CID_BYTE_LENGTH, CidCodec, cidToBytes } from '@anchorpost/protocol';
import type { BatcherObserver } from './batcher-observer.ts';
import { CidSet } from './cid-set.ts';

/** Records per bus read: bounds memory by this many records (each at most 1 MiB on the bus). */
const READ_PAGE_RECORDS = 128;
const TX_FILE_CODECS = [CidCodec.Raw, CidCodec.DagPb];

export interface BatchCutInput {
  bus: Bus;
  /** Partition → last sealed offset (inclusive), from the previous `batch.sealed`. */
  sealedOffsets: Readonly<Record<string, number>>;
  /** End offsets (exclusive) per partition, read once when the seal began. */
  endOffsets: readonly number[];
  maxFiles: number;
  /** CIDs sealed in earlier batches that must not be named again (see README: duplicates). */
  sealedBefore: CidSet;
  observer: BatcherObserver;
}

export interface BatchCut {
  /** `count` CIDs of 36 bytes each, in batch order. */
  entries: Uint8Array;
  count: number;
  /** Partition → last offset covered (inclusive), carried forward for untouched partitions. */
  sealedOffsets: Record<string, number>;
  /** The latest receipt `acceptedAt` among the entries ('' when there are none). */
  sealedAt: string;
}

/** The first offset of each partition not yet covered by a sealed batch. */
export function nextOffset(sealedOffsets: Readonly<Record<string, number>>, partition: number): number {
  const last = sealedOffsets[String(partition)];
  return last === undefined ? 0 : last + 1;
}

export async function chooseBatchCut(input: BatchCutInput): Promise<BatchCut> {
  const { bus, endOffsets, maxFiles, sealedBefore, observer } = input;
  const seen = new CidSet(maxFiles);
  let entries = new Uint8Array(Math.min(maxFiles, 4096) * CID_BYTE_LENGTH);
  let count = 0;
  let sealedAt = '';
  const sealedOffsets: Record<string, number> = { ...input.sealedOffsets };

  partitions: for (let partition = 0; partition < endOffsets.length; partition += 1) {
    const end = endOffsets[partition]!;
    let offset = nextOffset(input.sealedOffsets, partition);
    while (offset < end) {
      const records = await bus.read(
        TX_FILE_ACCEPTED_TOPIC,
        partition,
        offset,
        Math.min(READ_PAGE_RECORDS, end - offset),
      );
      if (records.length === 0) break;
      for (const record of records) {
        if (record.offset >= end) break;
        offset = record.offset + 1;
        sealedOffsets[String(partition)] = record.offset;
        let cid: Uint8Array;
        let acceptedAt: string;
        try {
          const event = txFileAccepted.decode(record.value);
          cid = cidToBytes(event.cid, 'cid', TX_FILE_CODECS);
          acceptedAt = event.receipt.acceptedAt;
        } catch {
          // Deterministic: the same bytes are skipped on every run.
          observer.onRecordSkipped?.('undecodable', partition, record.offset);
          continue;
        }
        if (sealedBefore.has(cid) || !seen.add(cid)) {
          observer.onRecordSkipped?.('duplicate', partition, record.offset);
          continue;
        }
        if ((count + 1) * CID_BYTE_LENGTH > entries.length) {
          const grown = new Uint8Array(Math.min(maxFiles, count * 2) * CID_BYTE_LENGTH);
          grown.set(entries);
          entries = grown;
        }
        entries.set(cid, count * CID_BYTE_LENGTH);
        count += 1;
        // Fixed-width ISO times order as text.
        if (acceptedAt > sealedAt) sealedAt = acceptedAt;
        if (count === maxFiles) break partitions;
      }
    }
  }
  return { entries: entries.subarray(0, count * CID_BYTE_LENGTH), count, sealedOffsets, sealedAt };
}
