/**
 * Temp-dir FileLogBus + HeliaContentStore, and `tx-file.accepted` records as the relay publishes
 * them: receipts signed with a fixed test relay key (fixed, so a child process — bench/seal.ts —
 * trusts the same key).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileLogBus } from '@anchorpost/bus';
import type { Bus, BusRecord } from '@anchorpost/bus';
import { BATCH_SEALED_TOPIC, batchSealed, txFileAccepted, TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import type { BatchSealed, TxFileAccepted } from '@anchorpost/events';
import { cidForSmallBytes, fromHex } from '@anchorpost/protocol';
import { loadRelayKey, signReceipt } from '@anchorpost/relay-core/receipts';
import type { RelayKey } from '@anchorpost/relay-core/receipts';
import { openHeliaContentStore } from '@anchorpost/storage';
import { TX_FILE_ACCEPTED_DLQ_TOPIC } from '../src/index.ts';
import type { ContentStore } from '@anchorpost/storage';

export const PLATFORM = 'test-platform';
export const TX_PARTITIONS = 3;

/** An Ed25519 key from a fixed 32-byte seed (PKCS#8 DER: a fixed prefix, then the seed). */
export function relayKeyFromSeed(seedByte: number): RelayKey {
  const prefix = fromHex('302e020100300506032b657004220420');
  const der = new Uint8Array(prefix.length + 32);
  der.set(prefix);
  der.fill(seedByte, prefix.length);
  return loadRelayKey(der);
}

/** The relay whose receipts the batcher under test trusts. */
export const RELAY_KEY = relayKeyFromSeed(7);
/** What the batcher is configured with: that relay's raw public key. */
export const RELAY_KEYS = [RELAY_KEY.publicKeyRaw];

export interface World {
  dir: string;
  bus: Bus;
  store: ContentStore;
  close(): Promise<void>;
}

export async function openWorld(prefix = 'anchorpost-batcher-'): Promise<World> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const bus = await openFileLogBus({ dir: join(dir, 'bus') });
  const store = await openHeliaContentStore({ dir: join(dir, 'store') });
  await bus.ensureTopic(TX_FILE_ACCEPTED_TOPIC, { partitions: TX_PARTITIONS });
  await bus.ensureTopic(BATCH_SEALED_TOPIC, { partitions: 1 });
  return {
    dir,
    bus,
    store,
    async close() {
      await bus.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Reopens the bus and store of a world (a process restart). */
export async function reopenWorld(world: Pick<World, 'dir'> & Partial<World>): Promise<World> {
  await world.bus?.close();
  await world.store?.close();
  const bus = await openFileLogBus({ dir: join(world.dir, 'bus') });
  const store = await openHeliaContentStore({ dir: join(world.dir, 'store') });
  return {
    ...world,
    bus,
    store,
    close: async () => {
      await bus.close();
      await store.close();
      await rm(world.dir, { recursive: true, force: true });
    },
  };
}

export function txFileBytes(n: number): Uint8Array {
  return new TextEncoder().encode(`fake tx-file #${n}\n`);
}

const hex = (n: number, length: number): string => n.toString(16).padStart(length, '0').slice(-length);

/** The acceptance of tx-file `n` for recipient `n % recipients`, its receipt signed by `key`. */
export function acceptedEvent(
  n: number,
  cid: string,
  recipients = 7,
  key: RelayKey = RELAY_KEY,
): TxFileAccepted {
  const recipientHash = hex(n % recipients, 128);
  const receipt = signReceipt(
    {
      version: 1,
      cid,
      recipientHash,
      // One second apart, so the latest acceptedAt is predictable.
      acceptedAt: new Date(Date.UTC(2026, 10, 22, 3, 0, 0) + n * 1000).toISOString(),
      sequence: n,
    },
    key,
  );
  return { cid, recipientHash, receipt, txFile: txFileBytes(n) };
}

/**
 * Publishes the acceptances of tx-files `from..to-1` as the relay does (ADR 0035: their bytes only
 * in the records, nothing stored); returns the CIDs in publish order.
 */
export async function acceptTxFiles(world: World, from: number, to: number): Promise<string[]> {
  const events: TxFileAccepted[] = [];
  for (let n = from; n < to; n += 1) events.push(acceptedEvent(n, cidForSmallBytes(txFileBytes(n))));
  await publishAccepted(world.bus, events);
  return events.map((event) => event.cid);
}

export async function publishAccepted(bus: Bus, events: readonly TxFileAccepted[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    await bus.publish(
      TX_FILE_ACCEPTED_TOPIC,
      events
        .slice(i, i + 1000)
        .map((event) => ({ key: txFileAccepted.key(event), value: txFileAccepted.encode(event) })),
    );
  }
}

/** The CIDs in the order the batcher seals them: by partition, then offset. */
export async function expectedOrder(bus: Bus, fromOffsets: readonly number[] = []): Promise<string[]> {
  const ends = await bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
  const cids: string[] = [];
  for (const [partition, end] of ends.entries()) {
    for (let offset = fromOffsets[partition] ?? 0; offset < end;) {
      const records = await bus.read(TX_FILE_ACCEPTED_TOPIC, partition, offset, 10_000);
      for (const record of records) cids.push(txFileAccepted.decode(record.value).cid);
      offset += records.length;
    }
  }
  return cids;
}

export async function sealedEvents(bus: Bus): Promise<BatchSealed[]> {
  const [end = 0] = await bus.endOffsets(BATCH_SEALED_TOPIC);
  const records = end === 0 ? [] : await bus.read(BATCH_SEALED_TOPIC, 0, 0, end);
  return records.map((record) => batchSealed.decode(record.value));
}

/** Every letter in `anchorpost.tx-file.accepted.v1.dlq`, partition by partition. */
export async function deadLetters(bus: Bus): Promise<BusRecord[]> {
  const ends = await bus.endOffsets(TX_FILE_ACCEPTED_DLQ_TOPIC).catch(() => []);
  const letters: BusRecord[] = [];
  for (const [partition, end] of ends.entries())
    if (end > 0) letters.push(...(await bus.read(TX_FILE_ACCEPTED_DLQ_TOPIC, partition, 0, end)));
  return letters;
}

export { cidForSmallBytes };
