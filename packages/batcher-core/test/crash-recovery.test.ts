/**
 * Crash safety: the seal is killed after each of its side effects (a page written, the root written,
 * the pin, the announcement), the bus and store are reopened (a restart), and a new batcher runs
 * again. The batch CID must equal that of an undisturbed run over the same input, and
 * `batch.sealed` must hold that sequence exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '@anchorpost/bus';
import type { ContentStore } from '@anchorpost/storage';
import { Batcher } from '../src/index.ts';
import { acceptTxFiles, openWorld, PLATFORM, RELAY_KEYS, reopenWorld, sealedEvents } from './fixtures.ts';
import type { World } from './fixtures.ts';

class Crash extends Error {}

/** The store, failing right after the `nth` call of `method` succeeded. */
function crashingStore(
  store: ContentStore,
  method: 'putBlock' | 'pin' | 'addFiles',
  nth: number,
): ContentStore {
  let calls = 0;
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== method) return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        calls += 1;
        if (calls === nth) throw new Crash(`crash after ${method} #${nth}`);
      };
    },
  });
}

/** The bus, failing right after a publish to batch.sealed succeeded. */
function crashingBus(bus: Bus): Bus {
  return new Proxy(bus, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      if (property !== 'publish') return (value as (...a: unknown[]) => unknown).bind(target);
      return async (...args: unknown[]) => {
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        throw new Crash(`crash after publish (${String(result)})`);
      };
    },
  });
}

// One page and the root: the first put is the page, the second the root.
const FILES = 40;

describe('Batcher after a crash', () => {
  let control: World;
  let expected: { batchCid: string; merkleRoot: string };
  before(async () => {
    control = await openWorld();
    await acceptTxFiles(control, 0, FILES);
    const sealed = await new Batcher({
      bus: control.bus,
      store: control.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      maxFiles: FILES,
    }).sealNow();
    expected = { batchCid: sealed!.batchCid, merkleRoot: sealed!.merkleRoot };
  });
  after(async () => {
    await control.close();
  });

  const points: { name: string; wrap: (world: World) => { bus: Bus; store: ContentStore } }[] = [
    {
      name: 'after the first page is stored',
      wrap: (w) => ({ bus: w.bus, store: crashingStore(w.store, 'putBlock', 1) }),
    },
    {
      name: 'after the root block is stored',
      wrap: (w) => ({ bus: w.bus, store: crashingStore(w.store, 'putBlock', 2) }),
    },
    {
      name: 'after the tx-files are stored',
      wrap: (w) => ({ bus: w.bus, store: crashingStore(w.store, 'addFiles', 1) }),
    },
    { name: 'after the pin', wrap: (w) => ({ bus: w.bus, store: crashingStore(w.store, 'pin', 1) }) },
    { name: 'after the announcement', wrap: (w) => ({ bus: crashingBus(w.bus), store: w.store }) },
  ];

  for (const point of points) {
    it(`re-seals the same batch CID, announced once, when killed ${point.name}`, async () => {
      let world = await openWorld();
      try {
        await acceptTxFiles(world, 0, FILES);
        const crashing = new Batcher({
          ...point.wrap(world),
          platform: PLATFORM,
          relayKeys: RELAY_KEYS,
          maxFiles: FILES,
        });
        await assert.rejects(crashing.runOnce(), Crash);

        world = await reopenWorld(world);
        const rerun = new Batcher({
          bus: world.bus,
          store: world.store,
          platform: PLATFORM,
          relayKeys: RELAY_KEYS,
          maxFiles: FILES,
        });
        const sealed = await rerun.runOnce();
        const events = await sealedEvents(world.bus);
        assert.equal(events.length, 1, 'batch 0 announced exactly once');
        assert.equal(events[0]!.batchCid, expected.batchCid);
        assert.equal(events[0]!.merkleRoot, expected.merkleRoot);
        // Announced before the crash: nothing is left to seal; otherwise the re-run announced it.
        if (point.name === 'after the announcement') assert.equal(sealed, null);
        else assert.equal(sealed?.batchCid, expected.batchCid);
        assert.equal(await world.store.isPinned(expected.batchCid), true);
        assert.equal(await rerun.runOnce(), null);
      } finally {
        await world.close();
      }
    });
  }
});
