/**
 * What one group commit does for the tx-files in it (checked already, distinct CIDs, queue
 * order), in the order that keeps the crash guarantees of a single submit (see Relay):
 * (0) one look-up of their receipts and chain positions: published ones are answered as
 * duplicates, forks refused before anything is written; (1) quotas for the new ones, then the bus
 * end read and a block of sequence numbers drawn (neither writes anything); (2) every receipt
 * signed and inserted in one transaction in state `signed`; (3) one publish of all their records,
 * which carry the bytes, durable when it resolves; (4) all marked published in one statement;
 * (5) acknowledged. No storage call: the batcher stores and pins the files from their records
 * before it seals them (ADR 0035). A failure in (2)–(4) fails every submit still waiting in the
 * group with that error (the bus's and the database's are retryable when a retry can help): the
 * insert writes all receipts or none, and a retry of a receipt left `signed` looks for its record
 * from the bus end kept with it, exactly as after a crash of a single submit, so nothing is
 * published or delivered twice.
 */
import { partitionForKey } from '@anchorpost/bus-port';
import type { Bus, BusMessage } from '@anchorpost/bus-port';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import type { GroupEntry } from './group-commit.ts';
import type { NewsSignal } from './news-signal.ts';
import type { BusPosition, ChainPosition, ReceiptStore } from './receipt-store.ts';
import { signReceipt } from './receipt-signing.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';
import type { RelayKey } from './relay-key.ts';
import type { RelayOptions, RelaySettings } from './relay-options.ts';
import type { RelayReceipt } from '@anchorpost/events';

/** Bus header with the tx-file CID, so tools can see it without decoding the value. */
export const CID_HEADER = 'anchorpost-cid';

/** A checked tx-file waiting for its group. */
export interface PendingTxFile {
  cid: string;
  tenantId: string;
  recipientHash: string;
  chainPosition: ChainPosition;
  bytes: Uint8Array;
  /** The peer platform that anchored it (ADR 0031); absent for a tenant's own submit. */
  origin?: string;
}

export interface AcceptResult {
  receipt: RelayReceipt;
  /** True when an earlier call had already accepted (and published) the same bytes. */
  duplicate: boolean;
}

export type AcceptEntry = GroupEntry<PendingTxFile, AcceptResult>;

export interface AcceptGroupParts {
  bus: Bus;
  receipts: ReceiptStore;
  key: RelayKey;
  settings: RelaySettings;
  quotas: RelayOptions['quotas'];
  news: NewsSignal;
}

/** A file of the group still on its way to the bus, with the receipt it will carry once signed. */
export interface Accepting {
  entry: AcceptEntry;
  /** Null until signed (a new file); an earlier attempt's for a retry of a `signed` one. */
  receipt: RelayReceipt | null;
  /** Where to look for a record an earlier attempt may have published; null: none could have. */
  scanFrom: BusPosition | null;
}

const positionKey = (recipientHash: string, { clientId, stateBefore }: ChainPosition) =>
  `${recipientHash}/${clientId}/${stateBefore}`;

export function stateFork(cid: string, holder: string, { clientId, stateBefore }: ChainPosition): RelayError {
  return new RelayError(
    RelayErrorCode.StateFork,
    `${cid} forks the state chain of client ${clientId} in this group: ${holder} already follows ` +
      `state ${stateBefore.slice(0, 16)}…; build the next file on the latest state.after`,
  );
}

/**
 * A group's first stage, (0)–(2): it writes `signed` receipts, nothing to the bus, so it may run while the group before it publishes (GroupCommit's pipeline). Its
 * sequences are drawn after the previous group's and its bus end read at any time before its
 * own publish (the log only grows), so both stay correct. Returns the files that go on.
 */
export async function prepareGroup(
  parts: AcceptGroupParts,
  entries: readonly AcceptEntry[],
): Promise<Accepting[]> {
  const accepting = await lookUp(parts, entries);
  const fresh = accepting.filter((file) => file.receipt === null).length;
  const [ends, sequences] = await Promise.all([
    fresh === 0 ? [] : parts.bus.endOffsets(TX_FILE_ACCEPTED_TOPIC),
    fresh === 0 ? [] : parts.receipts.nextSequences(fresh),
  ]);
  await signAndInsert(parts, accepting, ends, sequences);
  return accepting;
}

/** A group's second stage, (3)–(5), once the group before it has finished: publish and mark. */
export async function finishGroup(parts: AcceptGroupParts, accepting: Accepting[]): Promise<void> {
  await recoverSigned(parts, accepting);
  await publish(parts, accepting);
}

/** (0) and the quotas of (1): the files that go on, in queue order. */
async function lookUp(parts: AcceptGroupParts, entries: readonly AcceptEntry[]): Promise<Accepting[]> {
  const found = await parts.receipts.find(
    entries.map((entry) => entry.input.cid),
    entries.map(({ input }) => ({ recipientHash: input.recipientHash, chainPosition: input.chainPosition })),
  );
  const byCid = new Map(found.map((stored) => [stored.receipt.cid, stored]));
  const byPosition = new Map(
    found.flatMap((stored) =>
      stored.chainPosition === null
        ? []
        : [[positionKey(stored.receipt.recipientHash, stored.chainPosition), stored] as const],
    ),
  );
  // A position claimed by an earlier new file of this group: a later one there is a fork too.
  const claimed = new Map<string, string>();
  const accepting: Accepting[] = [];
  for (const entry of entries) {
    const { cid, recipientHash, chainPosition } = entry.input;
    const stored = byCid.get(cid) ?? null;
    if (stored?.state === 'published') {
      entry.resolve({ receipt: stored.receipt, duplicate: true });
      continue;
    }
    if (stored === null) {
      const key = positionKey(recipientHash, chainPosition);
      const holder = byPosition.get(key)?.receipt.cid ?? claimed.get(key);
      if (holder !== undefined) {
        entry.reject(stateFork(cid, holder, chainPosition));
        continue;
      }
      claimed.set(key, cid);
    }
    accepting.push({ entry, receipt: stored?.receipt ?? null, scanFrom: stored?.busEndAtSign ?? null });
  }
  // Quotas only for a file not accepted before: a retry (even of a half-done attempt, which
  // already paid) costs nothing, and a refusal here leaves nothing stored or receipted.
  const quotas = parts.quotas;
  if (quotas === undefined) return accepting;
  // One after another: the first takes a lease of tokens from the shared store and the others
  // spend it locally; at once, each would ask the store for a lease and drain the bucket.
  const admitted: PromiseSettledResult<void>[] = [];
  for (const { entry, receipt } of accepting) {
    const { tenantId, bytes, origin } = entry.input;
    admitted.push(
      // A peer's file is no tenant's sending: no quota.
      receipt === null && origin === undefined
        ? await quotas.admit(tenantId, bytes.byteLength).then(
            (): PromiseSettledResult<void> => ({ status: 'fulfilled', value: undefined }),
            (reason: unknown): PromiseSettledResult<void> => ({ status: 'rejected', reason }),
          )
        : { status: 'fulfilled', value: undefined },
    );
  }
  return keep(accepting, admitted);
}

/** The files whose step succeeded; the others get their own error. */
function keep(accepting: Accepting[], outcomes: PromiseSettledResult<unknown>[]): Accepting[] {
  return accepting.filter((file, i) => {
    const outcome = outcomes[i]!;
    if (outcome.status === 'fulfilled') return true;
    file.entry.reject(outcome.reason);
    return false;
  });
}

/**
 * (2) The receipts of the new files, before the bus records that carry them. `ends` was read
 * before the insert: the log only grows, so each record, if ever published, lies at or after its
 * partition's end. `sequences` holds one per new file after the quotas (fewer may be used: gaps).
 */
async function signAndInsert(
  parts: AcceptGroupParts,
  accepting: Accepting[],
  ends: readonly number[],
  sequences: readonly number[],
): Promise<void> {
  const fresh = accepting.filter((file) => file.receipt === null);
  if (fresh.length === 0) return;
  const acceptedAt = parts.settings.clock().toISOString();
  const results = await parts.receipts.insertMany(
    fresh.map(({ entry }, i) => {
      const { cid, recipientHash, chainPosition, tenantId } = entry.input;
      const partition = partitionForKey(recipientHash, parts.settings.partitions);
      const receipt = signReceipt(
        { version: 1, cid, recipientHash, acceptedAt, sequence: sequences[i]! },
        parts.key,
      );
      return { receipt, busEndAtSign: { partition, offset: ends[partition] ?? 0 }, chainPosition, tenantId };
    }),
  );
  fresh.forEach((file, i) => {
    const { stored, inserted } = results[i]!;
    const { cid, chainPosition } = file.entry.input;
    // Another relay process may have stored one for this CID meanwhile: the first one wins. Or
    // one for another CID at this chain position (a fork sent to two relays at once): the
    // database's unique index lets only one through; this one's stored bytes stay unreferenced.
    if (stored.receipt.cid !== cid) file.entry.reject(stateFork(cid, stored.receipt.cid, chainPosition));
    else if (stored.state === 'published') file.entry.resolve({ receipt: stored.receipt, duplicate: true });
    file.receipt = stored.receipt;
    // Inserted by another process and still `signed`: looked for on the bus like an earlier attempt's.
    file.scanFrom = inserted ? null : stored.busEndAtSign;
  });
  accepting.splice(0, accepting.length, ...accepting.filter((file) => !file.entry.settled));
}

/**
 * A `signed` receipt from an earlier attempt: that attempt may have died after publishing. Found
 * within the bound, only marked published; rare, so one at a time.
 */
async function recoverSigned(parts: AcceptGroupParts, accepting: Accepting[]): Promise<void> {
  for (const file of accepting) {
    if (file.scanFrom === null) continue;
    const found = await findPublished(parts, file.entry.input.cid, file.scanFrom);
    if (found === null) continue;
    await parts.receipts.markPublished(file.entry.input.cid, found);
    file.entry.resolve({ receipt: file.receipt!, duplicate: true });
  }
  accepting.splice(0, accepting.length, ...accepting.filter((file) => !file.entry.settled));
}

/** (3) One publish, durable when it resolves; (4) all remembered, so no retry publishes again. */
async function publish(parts: AcceptGroupParts, accepting: Accepting[]): Promise<void> {
  if (accepting.length === 0) return;
  const messages: BusMessage[] = accepting.map(({ entry, receipt }) => {
    const { cid, recipientHash, bytes, origin } = entry.input;
    return {
      key: recipientHash,
      value: txFileAccepted.encode({
        cid,
        recipientHash,
        receipt: receipt!,
        txFile: bytes,
        ...(origin === undefined ? {} : { origin }),
      }),
      headers: { [CID_HEADER]: cid },
    };
  });
  const positions = await parts.bus.publish(TX_FILE_ACCEPTED_TOPIC, messages);
  if (positions.length !== messages.length) {
    throw new Error(`the bus returned ${positions.length} positions for ${messages.length} records`);
  }
  parts.news.notify();
  await parts.receipts.markPublishedMany(
    accepting.map(({ entry }, i) => ({ cid: entry.input.cid, position: positions[i]! })),
  );
  for (const { entry, receipt } of accepting) entry.resolve({ receipt: receipt!, duplicate: false });
}

/**
 * Where an earlier attempt published the record of `cid`, or null: reads from `from` to the end
 * of the partition, `maxRecoveryScanRecords` records at most (see RelayOptions for why that
 * bound is safe), in batches of `readBatchRecords` (records hold whole tx-files).
 */
async function findPublished(
  { bus, settings }: AcceptGroupParts,
  cid: string,
  from: BusPosition,
): Promise<BusPosition | null> {
  const { partition } = from;
  const end = (await bus.endOffsets(TX_FILE_ACCEPTED_TOPIC))[partition] ?? 0;
  // A log that is shorter than it was (a new bus) cannot hold the record.
  if (from.offset > end) return null;
  const limit = settings.maxRecoveryScanRecords;
  let offset = from.offset;
  let scanned = 0;
  while (scanned < limit && offset < end) {
    const want = Math.min(settings.readBatchRecords, limit - scanned, end - offset);
    const records = await bus.read(TX_FILE_ACCEPTED_TOPIC, partition, offset, want);
    if (records.length === 0) break;
    for (const record of records) {
      if (record.headers[CID_HEADER] === cid) return { partition, offset: record.offset };
      offset = record.offset + 1;
      scanned += 1;
    }
  }
  return null;
}
