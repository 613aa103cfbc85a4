/**
 * Where an accepted tx-file's bytes are read from (ADR 0035). The relay acknowledges once the bus
 * record (which carries the bytes) and the receipt are durable; the batcher stores and pins the
 * file from that record before it seals it. So a file is in storage once its batch is being
 * sealed, and before that only in its record: storage is asked first (`has` is local, never a
 * network hunt), and when it does not hold the file, or does not answer, the record at the
 * receipt's published position is read and its bytes checked against the CID.
 */
import { BusErrorCode, isBusError } from '@anchorpost/bus-port';
import type { Bus, BusRecord } from '@anchorpost/bus-port';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import { cidForBytes } from '@anchorpost/protocol';
import { isStorageError, StorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentStore } from '@anchorpost/storage-port';
import type { BusPosition, ReceiptStore } from './receipt-store.ts';
import type { RelaySettings } from './relay-options.ts';

export interface TxFileSources {
  storage: ContentStore;
  bus: Bus;
  receipts: ReceiptStore;
  settings: Pick<RelaySettings, 'maxTxFileBytes' | 'storageTimeoutMs'>;
}

/** Failures after which the record is read instead: storage is down, not the file bad. */
const STORAGE_AWAY: ReadonlySet<string> = new Set([
  StorageErrorCode.Unavailable,
  StorageErrorCode.Timeout,
  StorageErrorCode.Closed,
  StorageErrorCode.NotFound,
]);

/** The bytes of accepted tx-file `cid`: from storage, else from its bus record; NOT_FOUND if neither. */
export async function readTxFile(
  sources: TxFileSources,
  cid: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const { storage, settings } = sources;
  const options = { timeoutMs: settings.storageTimeoutMs, signal };
  try {
    if (await storage.has(cid, options))
      return await storage.getFile(cid, { ...options, maxBytes: settings.maxTxFileBytes });
  } catch (error) {
    if (!isStorageError(error) || !STORAGE_AWAY.has(error.code) || signal?.aborted === true) throw error;
  }
  const position = (await sources.receipts.get(cid))?.published ?? null;
  const bytes = position === null ? null : await fromRecord(sources.bus, cid, position);
  if (bytes === null) {
    throw new StorageError(
      StorageErrorCode.NotFound,
      `tx-file ${cid} is neither in storage nor in its bus record (dropped by retention before its seal?)`,
    );
  }
  return bytes;
}

/** The tx-file bytes of the record at `position`, if it is still there and is the record of `cid`. */
async function fromRecord(bus: Bus, cid: string, position: BusPosition): Promise<Uint8Array | null> {
  let record: BusRecord | undefined;
  try {
    [record] = await bus.read(TX_FILE_ACCEPTED_TOPIC, position.partition, position.offset, 1);
  } catch (error) {
    // Before the log's start (retention) or past its end (another bus): not there.
    if (isBusError(error, BusErrorCode.OffsetOutOfRange)) return null;
    throw error;
  }
  if (record === undefined || record.offset !== position.offset) return null;
  const accepted = txFileAccepted.decode(record.value);
  // The batcher checks the same before sealing (ADR 0016): bytes changed on the bus are not served.
  if (accepted.cid !== cid || (await cidForBytes(accepted.txFile)) !== cid) return null;
  return accepted.txFile;
}
