/**
 * ADR 0035, against real stores taken down (Helia closed; a Kubo daemon stopped): the relay
 * acknowledges files storage never saw (records only), a batcher that tries to seal them while
 * storage is down fails without sealing, and is killed; once storage is back a new batcher stores
 * and pins every file from its record and seals them once, its batch-file listing them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openFileLogBus } from '@anchorpost/bus';
import { BATCH_SEALED_TOPIC, TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { decodeBatchPage, decodeBatchRoot } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage';
import { storageOutageKinds } from '@anchorpost/storage/testing';
import { Batcher } from '../src/index.ts';
import {
  acceptTxFiles,
  expectedOrder,
  PLATFORM,
  RELAY_KEYS,
  sealedEvents,
  TX_PARTITIONS,
  txFileBytes,
} from './fixtures.ts';
import type { World } from './fixtures.ts';

const FILES = 40;

/** The CIDs the batch-file names, read from the store. */
async function batchEntries(store: ContentStore, batchCid: string): Promise<string[]> {
  const root = decodeBatchRoot(await store.getBlock(batchCid));
  const entries: string[] = [];
  for (const page of root.pages)
    for (const entry of decodeBatchPage(await store.getBlock(page)).entries) entries.push(entry.toString());
  return entries;
}

for (const kind of storageOutageKinds()) {
  describe(
    `Batcher custody of acknowledged files: ${kind.name}`,
    { skip: kind.skip, timeout: 180_000 },
    () => {
      it('fails its seal while storage is down, and once it is back a new batcher stores, pins and seals them once', async () => {
        const outage = await kind.start();
        const dir = await mkdtemp(join(tmpdir(), 'anchorpost-custody-'));
        const bus = await openFileLogBus({ dir: join(dir, 'bus') });
        // Files repaired after a failed root pin (ADR 0016's path, one by one): none should need it.
        const restored: string[] = [];
        const batcher = (store: ContentStore) =>
          new Batcher({
            bus,
            store,
            platform: PLATFORM,
            relayKeys: RELAY_KEYS,
            maxFiles: 1_000,
            pinTimeoutMs: 3_000,
            observer: { onTxFileRestored: (cid) => void restored.push(cid) },
          });
        try {
          await bus.ensureTopic(TX_FILE_ACCEPTED_TOPIC, { partitions: TX_PARTITIONS });
          await bus.ensureTopic(BATCH_SEALED_TOPIC, { partitions: 1 });
          const world: World = { dir, bus, store: outage.store, close: () => Promise.resolve() };
          const cids = await acceptTxFiles(world, 0, FILES);
          for (const cid of cids)
            assert.equal(await outage.store.has(cid), false, 'acknowledged, not stored');

          await outage.takeDown();
          const failing = batcher(outage.store);
          await assert.rejects(failing.sealNow(), (error: unknown) =>
            ['UNAVAILABLE', 'CLOSED', 'STORAGE_UNAVAILABLE', 'TIMEOUT'].includes(
              String((error as { code?: unknown }).code),
            ),
          );
          assert.deepEqual(await sealedEvents(bus), [], 'nothing sealed with storage down');
          // The failing batcher is dropped here (a kill): all it knew is on the bus.

          const store = await outage.bringUp();
          const sealed = await batcher(store).sealNow();
          assert.equal(sealed?.count, FILES);
          assert.deepEqual(restored, [], 'stored in bulk before the root pin, not repaired after it failed');
          assert.deepEqual(await batchEntries(store, sealed.batchCid), await expectedOrder(bus));
          for (const [i, cid] of cids.entries()) {
            assert.equal(await store.isPinned(cid), true, `${cid} pinned`);
            assert.deepEqual(await store.getFile(cid, { maxBytes: 1_000 }), txFileBytes(i));
          }
          // Restarted again: nothing is sealed twice.
          assert.equal(await batcher(store).sealNow(), null);
          assert.equal((await sealedEvents(bus)).length, 1);
        } finally {
          await bus.close();
          await outage.dispose();
          await rm(dir, { recursive: true, force: true });
        }
      });
    },
  );
}
