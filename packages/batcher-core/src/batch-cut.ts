/**
 * Chooses what the next batch holds, from bus positions alone: the `tx-file.accepted` records after
 * the last sealed offsets, read partition by partition in offset order, up to the end offsets seen
 * when the seal began, and cut after `maxFiles` distinct CIDs. Each record is checked first
 * (accepted-record-check.ts: decodes, CID of its bytes, receipt signed by a trusted relay), and a
 * new tx-file is stored and pinned from its record's bytes (the relay leaves that to the batcher,
 * ADR 0035), and one a failed root pin made a suspect must be kept by storage on its own
 * (tx-file-custody.ts);
 * a record that fails is refused — covered by the offsets, left out of the batch, dead-lettered
 * when the batch is announced. Records are read a page at a time — the next page read and checked
 * while this one's files are stored, so the receipt signatures (checked on worker threads,
 * receipt-signatures.ts) overlap the storage writes — and only each entry's 36 CID bytes are kept
 * (36 MB for a million), plus the duplicate set and a small note per refusal.
 */
import type { Bus, BusRecord } from '@anchorpost/bus-port';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { CID_BYTE_LENGTH, CidSet } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage-port';
import { checkAcceptedRecords } from './accepted-record-check.ts';
import type { RecordCheck } from './accepted-record-check.ts';
import type { BatcherObserver } from './batcher-observer.ts';
import type { RecordRefusal } from './record-refusal.ts';
import type { ReceiptSignatureChecks } from './receipt-signatures.ts';
import type { RelayKeyRing } from './relay-key-ring.ts';
import { keepTxFile, probeStore, storeTxFiles } from './tx-file-custody.ts';
import type { TxFileCustody } from './tx-file-custody.ts';

/** Records per bus read: bounds memory by this many records (each at most 1 MiB on the bus). */
const READ_PAGE_RECORDS = 128;
/** Records checked side by side (and suspects' storage calls); their tx-file bytes are held meanwhile. */
const CHECK_GROUP_RECORDS = 16;

const UNSUSPECTED: TxFileCustody = { kept: true, restored: false };

export interface BatchCutInput {
  bus: Bus;
  store: ContentStore;
  /** Partition → last sealed offset (inclusive), from the previous `batch.sealed`. */
  sealedOffsets: Readonly<Record<string, number>>;
  /** End offsets (exclusive) per partition, read once when the seal began. */
  endOffsets: readonly number[];
  maxFiles: number;
  /** CIDs sealed in earlier batches that must not be named again (see README: duplicates). */
  sealedBefore: CidSet;
  relayKeys: RelayKeyRing;
  /** Where the receipts' signatures are checked (worker threads, or inline). */
  signatures: ReceiptSignatureChecks;
  /** Time limit of each storage call for one tx-file. */
  pinTimeoutMs: number;
  /** Tx-files named in a batch root whose pin failed: each must be pinned on its own to go in. */
  suspects: ReadonlySet<string>;
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
  /** The records covered but refused, in bus order. */
  refusals: RecordRefusal[];
}

/** The first offset of each partition not yet covered by a sealed batch. */
export function nextOffset(sealedOffsets: Readonly<Record<string, number>>, partition: number): number {
  const last = sealedOffsets[String(partition)];
  return last === undefined ? 0 : last + 1;
}

export async function chooseBatchCut(input: BatchCutInput): Promise<BatchCut> {
  const { endOffsets, maxFiles, sealedBefore, observer } = input;
  const seen = new CidSet(maxFiles);
  let entries = new Uint8Array(Math.min(maxFiles, 4096) * CID_BYTE_LENGTH);
  let count = 0;
  let sealedAt = '';
  const sealedOffsets: Record<string, number> = { ...input.sealedOffsets };
  const refusals: RecordRefusal[] = [];
  const isNew = (cidBytes: Uint8Array): boolean => !sealedBefore.has(cidBytes) && !seen.has(cidBytes);

  partitions: for (let partition = 0; partition < endOffsets.length; partition += 1) {
    const end = endOffsets[partition]!;
    // The next page is read and checked while this one's files are stored (checks on other threads).
    const start = nextOffset(input.sealedOffsets, partition);
    let next = start < end ? readCheckedPage(input, partition, start, end) : undefined;
    while (next !== undefined) {
      const { records, checks } = await next;
      next = undefined;
      if (records.length === 0) break;
      const after = records.at(-1)!.offset + 1;
      if (after < end) {
        next = readCheckedPage(input, partition, after, end);
        // Awaited on the next turn; if the cut ends first, its failure must not go unhandled.
        next.catch(() => undefined);
      }
      for (let from = 0; from < records.length; from += CHECK_GROUP_RECORDS) {
        const group = records.slice(from, from + CHECK_GROUP_RECORDS);
        const groupChecks = checks.slice(from, from + CHECK_GROUP_RECORDS);
        const custody = await keepNewTxFiles(input, groupChecks, isNew);

        for (const [i, record] of group.entries()) {
          const check = groupChecks[i]!;
          sealedOffsets[String(partition)] = record.offset;
          if (!check.ok) {
            refusals.push(check.refusal);
            continue;
          }
          if (check.origin !== undefined) {
            observer.onRecordSkipped?.('inbound', partition, record.offset);
            continue;
          }
          if (!isNew(check.cidBytes)) {
            observer.onRecordSkipped?.('duplicate', partition, record.offset);
            continue;
          }
          const kept = custody.get(check.cid)!;
          if (!kept.kept) {
            refusals.push(storageRefusal(record, check.cid, kept));
            continue;
          }
          if (kept.restored) observer.onTxFileRestored?.(check.cid);
          seen.add(check.cidBytes);
          if ((count + 1) * CID_BYTE_LENGTH > entries.length) {
            const grown = new Uint8Array(Math.min(maxFiles, count * 2) * CID_BYTE_LENGTH);
            grown.set(entries);
            entries = grown;
          }
          entries.set(check.cidBytes, count * CID_BYTE_LENGTH);
          count += 1;
          // Fixed-width ISO times order as text.
          if (check.acceptedAt > sealedAt) sealedAt = check.acceptedAt;
          if (count === maxFiles) break partitions;
        }
      }
    }
  }
  return {
    entries: entries.subarray(0, count * CID_BYTE_LENGTH),
    count,
    sealedOffsets,
    sealedAt,
    refusals,
  };
}

/**
 * The storage verdict on the group's new tx-files, once per CID. The relay does not store them
 * (ADR 0035): the batcher takes custody here, storing the new files from their records' bytes in
 * one call (storeTxFiles) before the root pin, which pins them (a per-file pin would double the
 * embedded store's work), and storing and pinning inbound ones (delivered, in no batch here). Suspects (named in a root pin that failed) are each kept on their own instead, side by
 * side. If one could not be kept, the store is probed first: a store that is down throws (the
 * seal is retried, nothing refused).
 */
async function keepNewTxFiles(
  input: BatchCutInput,
  checks: readonly RecordCheck[],
  isNew: (cidBytes: Uint8Array) => boolean,
): Promise<Map<string, TxFileCustody>> {
  const pending = new Map<string, Promise<TxFileCustody>>();
  // The batch's files are kept by the root pin; a peer's inbound file, in no batch here, by its own.
  const toStore = new Map<string, Uint8Array>();
  const inbound = new Map<string, Uint8Array>();
  for (const check of checks) {
    if (!check.ok || pending.has(check.cid) || toStore.has(check.cid)) continue;
    if (check.origin !== undefined) inbound.set(check.cid, check.txFile);
    else if (!isNew(check.cidBytes)) continue;
    else if (input.suspects.has(check.cid))
      pending.set(check.cid, keepTxFile(input.store, check.cid, check.txFile, input.pinTimeoutMs));
    else {
      toStore.set(check.cid, check.txFile);
      pending.set(check.cid, Promise.resolve(UNSUSPECTED));
    }
  }
  // All awaited together: one store-wide failure rejects at once, and no rejection goes unhandled.
  const [results] = await Promise.all([
    Promise.all([...pending].map(async ([cid, result]) => [cid, await result] as const)).then(
      (entries) => new Map(entries),
    ),
    storeTxFiles(input.store, toStore, { pin: false, timeoutMs: input.pinTimeoutMs }),
    storeTxFiles(input.store, inbound, { pin: true, timeoutMs: input.pinTimeoutMs }),
  ]);
  if ([...results.values()].some((result) => !result.kept)) await probeStore(input.store, input.pinTimeoutMs);
  return results;
}

interface CheckedPage {
  records: BusRecord[];
  checks: RecordCheck[];
}

/** Up to READ_PAGE_RECORDS records of `partition` from `offset` (before `end`), checked. */
async function readCheckedPage(
  input: BatchCutInput,
  partition: number,
  offset: number,
  end: number,
): Promise<CheckedPage> {
  const page = await input.bus.read(
    TX_FILE_ACCEPTED_TOPIC,
    partition,
    offset,
    Math.min(READ_PAGE_RECORDS, end - offset),
  );
  const records = page.filter((record) => record.offset < end);
  return { records, checks: await checkAcceptedRecords(records, input.relayKeys, input.signatures) };
}

function storageRefusal(
  record: BusRecord,
  cid: string,
  failed: Extract<TxFileCustody, { kept: false }>,
): RecordRefusal {
  return {
    reason: failed.reason,
    partition: record.partition,
    offset: record.offset,
    cid,
    detail: failed.detail,
  };
}
