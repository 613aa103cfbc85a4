/**
 * Storage and the tx-files of a batch. `storeTxFiles` stores the new files from their records
 * before the root pin, which pins them (ADR 0035). The batch root's recursive pin keeps every file it names;
 * when that pin fails, `findUnpinnable` pins each file alone to find the ones at fault, and the
 * next round lets such a suspect in only if `keepTxFile` keeps it: present, or stored again from
 * the bytes its bus record carries (CID already checked), and pinned — each call within the pin
 * time limit. A file storage cannot keep is refused (ADR 0016) — but only when storage answers
 * otherwise (`probeStore`): a store that is down fails the whole seal instead (retryable), so an
 * outage never dead-letters good files.
 */
import { cidForSmallBytes } from '@anchorpost/protocol';
import { isStorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentStore } from '@anchorpost/storage-port';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import { RecordRefusalReason } from './record-refusal.ts';
import { withDeadline } from './storage-deadline.ts';

export type TxFileCustody =
  | {
      readonly kept: true;
      /** Its block was missing and was stored again from the record. */
      readonly restored: boolean;
    }
  | {
      readonly kept: false;
      readonly reason: typeof RecordRefusalReason.StorageTimeout | typeof RecordRefusalReason.StorageFailed;
      readonly detail: string;
    };

/** Failures that say the store itself is unusable, not this file: the seal fails and is retried. */
const STORE_WIDE: ReadonlySet<string> = new Set([
  StorageErrorCode.Unavailable,
  StorageErrorCode.Closed,
  StorageErrorCode.BadConfig,
  StorageErrorCode.Aborted,
]);

function fileFault(error: unknown): boolean {
  return isStorageError(error) && !STORE_WIDE.has(error.code);
}

function refused(error: unknown): TxFileCustody {
  const timeout = isStorageError(error, StorageErrorCode.Timeout);
  return {
    kept: false,
    reason: timeout ? RecordRefusalReason.StorageTimeout : RecordRefusalReason.StorageFailed,
    detail: (error as Error).message.slice(0, 300),
  };
}

/**
 * Keeps tx-file `cid` (whose bytes are `bytes`, already checked against it) in the store: `has`,
 * re-adds it when missing, pins it recursively; a pin that fails or hangs is tried once more after
 * re-adding the bytes (a block lost below a multi-block file's root). Store-wide failures throw.
 */
export async function keepTxFile(
  store: ContentStore,
  cid: string,
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<TxFileCustody> {
  // An object, not a `let`: set inside `restore`, read after a failure.
  const state = { restored: false };
  const restore = async (): Promise<void> => {
    const added = await withDeadline(`re-add tx-file ${cid}`, timeoutMs, (options) =>
      store.addFile(bytes, { ...options, pin: false }),
    );
    if (added !== cid)
      throw new BatcherError(BatcherErrorCode.BadState, `re-adding ${cid} gave ${added}`, false);
    state.restored = true;
  };
  const pin = (): Promise<void> =>
    withDeadline(`pin tx-file ${cid}`, timeoutMs, (options) =>
      store.pin(cid, { ...options, recursive: true }),
    );
  try {
    if (!(await withDeadline(`has tx-file ${cid}`, timeoutMs, (options) => store.has(cid, options))))
      await restore();
    await pin();
    return { kept: true, restored: state.restored };
  } catch (error) {
    if (!fileFault(error)) throw error;
    if (state.restored) return refused(error);
    try {
      await restore();
      await pin();
      return { kept: true, restored: true };
    } catch (again) {
      if (!fileFault(again)) throw again;
      return refused(again);
    }
  }
}

/**
 * Stores tx-files from the bytes their records carry (already checked against their CIDs), pinned
 * if asked, all in one storage call within the limit: the batcher's custody of what the relay
 * acknowledged without storing (ADR 0035). A store that is down throws (UNAVAILABLE, CLOSED…; or
 * STORAGE_UNAVAILABLE when the call failed otherwise and the probe fails too), so the seal fails
 * and is retried. When the store answers, a failure of the call is left to the root pin, which
 * then finds the file at fault and keeps or refuses it alone (keepTxFile).
 */
export async function storeTxFiles(
  store: ContentStore,
  files: ReadonlyMap<string, Uint8Array>,
  { pin, timeoutMs }: { pin: boolean; timeoutMs: number },
): Promise<void> {
  if (files.size === 0) return;
  let added: string[];
  try {
    added = await withDeadline(`add ${files.size} tx-files`, timeoutMs, (options) =>
      store.addFiles([...files.values()], { ...options, pin }),
    );
  } catch (error) {
    if (!fileFault(error)) throw error;
    await probeStore(store, timeoutMs);
    return;
  }
  const expected = [...files.keys()];
  const wrong = added.findIndex((cid, i) => cid !== expected[i]);
  if (wrong !== -1 || added.length !== expected.length)
    throw new BatcherError(
      BatcherErrorCode.BadState,
      `adding ${expected[wrong]} gave ${added[wrong]}`,
      false,
    );
}

/**
 * The tx-files among `cids` that cannot be pinned on their own within the limit — asked when the
 * batch root's pin failed, to find the files at fault. Store-wide failures throw.
 */
export async function findUnpinnable(
  store: ContentStore,
  cids: Iterable<string>,
  timeoutMs: number,
  concurrency = 16,
): Promise<Set<string>> {
  const unpinnable = new Set<string>();
  const queue = [...cids];
  const worker = async (): Promise<void> => {
    for (let cid = queue.pop(); cid !== undefined; cid = queue.pop()) {
      try {
        await withDeadline(`pin tx-file ${cid}`, timeoutMs, (options) =>
          store.pin(cid, { ...options, recursive: true }),
        );
      } catch (error) {
        if (!fileFault(error)) throw error;
        unpinnable.add(cid);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return unpinnable;
}

/** A tiny block of the batcher's own, stored and pinned directly: if that works, the store answers. */
const PROBE_BYTES = new TextEncoder().encode('anchorpost/v1/batcher-storage-probe\n');
const PROBE_CID = cidForSmallBytes(PROBE_BYTES);

/**
 * Throws STORAGE_UNAVAILABLE (retryable) unless the store stores and pins a block within the limit.
 * Asked after a file's storage failed, to tell a bad file from a store that is down.
 */
export async function probeStore(store: ContentStore, timeoutMs: number): Promise<void> {
  try {
    await withDeadline('storage probe: put', timeoutMs, (options) =>
      store.putBlock(PROBE_CID, PROBE_BYTES, options),
    );
    await withDeadline('storage probe: pin', timeoutMs, (options) =>
      store.pin(PROBE_CID, { ...options, recursive: false }),
    );
  } catch (cause) {
    throw new BatcherError(
      BatcherErrorCode.StorageUnavailable,
      `storage does not answer (${(cause as Error).message}): nothing refused, the seal is retried`,
      true,
      { cause },
    );
  }
}
