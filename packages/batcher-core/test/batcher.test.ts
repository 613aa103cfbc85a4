import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import type { BatchSealed } from '@anchorpost/events';
import { toHex, verifyBatchFile } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage';
import { DeadLetterHeader } from '@anchorpost/bus';
import { Batcher, BatcherError, readLastBatchSealed, RelayKeyRing } from '../src/index.ts';
import {
  acceptedEvent,
  acceptTxFiles,
  deadLetters,
  expectedOrder,
  openWorld,
  PLATFORM,
  RELAY_KEY,
  RELAY_KEYS,
  publishAccepted,
  sealedEvents,
  txFileBytes,
} from './fixtures.ts';
import type { World } from './fixtures.ts';
import { ManualClock } from '../src/testing/index.ts';

/** Reads the batch back from storage, fully verified, and checks it against its announcement. */
async function verifiedEntries(store: ContentStore, event: BatchSealed): Promise<string[]> {
  const entries: string[] = [];
  const verified = await verifyBatchFile(await store.getBlock(event.batchCid), (cid) => store.getBlock(cid), {
    onEntry: (cid) => void entries.push(cid.toString()),
  });
  assert.equal(verified.cid.toString(), event.batchCid);
  assert.equal(toHex(verified.root.merkleRoot), event.merkleRoot);
  assert.equal(verified.root.count, event.count);
  assert.equal(verified.root.sequence, event.sequence);
  assert.equal(verified.root.previous?.toString() ?? null, event.previousCid);
  assert.equal(verified.root.sealedAt, event.sealedAt);
  assert.equal(verified.root.platform, PLATFORM);
  return entries;
}

describe('Batcher', () => {
  let world: World;
  before(async () => {
    world = await openWorld();
  });
  after(async () => {
    await world.close();
  });

  it('seals by count, then by interval, as a hash chain with exactly the expected CIDs in order', async () => {
    const clock = new ManualClock();
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      maxFiles: 5,
      intervalMs: 60_000,
      clock,
    });
    const cids = await acceptTxFiles(world, 0, 12);
    const order = await expectedOrder(world.bus);

    const first = await batcher.runOnce();
    const second = await batcher.runOnce();
    assert.ok(first !== null && second !== null);
    assert.equal(await batcher.runOnce(), null, '2 waiting < maxFiles and the interval has not passed');
    clock.advance(60_000);
    const third = await batcher.runOnce();
    assert.ok(third !== null);

    assert.deepEqual(
      [first, second, third].map((e) => [e.sequence, e.count]),
      [
        [0, 5],
        [1, 5],
        [2, 2],
      ],
    );
    assert.equal(first.previousCid, null);
    assert.equal(second.previousCid, first.batchCid);
    assert.equal(third.previousCid, second.batchCid);
    assert.deepEqual(await verifiedEntries(world.store, first), order.slice(0, 5));
    assert.deepEqual(await verifiedEntries(world.store, second), order.slice(5, 10));
    assert.deepEqual(await verifiedEntries(world.store, third), order.slice(10));
    assert.deepEqual(await sealedEvents(world.bus), [first, second, third]);
    // Every accepted record is covered, partition by partition.
    const ends = await world.bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
    for (const [partition, end] of ends.entries())
      if (end > 0) assert.equal(third.sealedOffsets[String(partition)], end - 1);
    // sealedAt comes from the records (the latest receipt acceptedAt of the batch), not the clock.
    const acceptedAt = new Map(cids.map((cid, n) => [cid, acceptedEvent(n, cid).receipt.acceptedAt]));
    for (const [event, slice] of [
      [first, order.slice(0, 5)],
      [second, order.slice(5, 10)],
      [third, order.slice(10)],
    ] as const)
      assert.equal(
        event.sealedAt,
        slice
          .map((cid) => acceptedAt.get(cid)!)
          .sort()
          .at(-1),
      );
  });

  it('seals nothing for an empty interval and waits a full interval for a few files', async () => {
    const clock = new ManualClock();
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      maxFiles: 100,
      intervalMs: 1000,
      clock,
    });
    const before = (await sealedEvents(world.bus)).length;
    clock.advance(5000);
    assert.equal(await batcher.runOnce(), null);
    assert.equal((await sealedEvents(world.bus)).length, before);

    await acceptTxFiles(world, 100, 103);
    assert.equal(await batcher.runOnce(), null, 'the interval restarted at the empty check');
    clock.advance(1000);
    const sealed = await batcher.runOnce();
    assert.equal(sealed?.count, 3);
    assert.equal(sealed.sequence, before);
  });

  it('names a CID published twice only once, and not again after it was sealed', async () => {
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      maxFiles: 100,
    });
    const [a, b] = await acceptTxFiles(world, 200, 202);
    // A relay retry: the same acceptance again (it may land on the same partition, after b).
    await publishAccepted(world.bus, [acceptedEvent(200, a!)]);
    const sealed = await batcher.sealNow();
    assert.equal(sealed?.count, 2);
    assert.deepEqual((await verifiedEntries(world.store, sealed)).sort(), [a, b].sort());

    // Re-published after its batch was sealed: caught by the previous batch's last page.
    await publishAccepted(world.bus, [acceptedEvent(201, b!)]);
    assert.equal(await batcher.sealNow(), null, 'a batch of only repeats is not sealed');
    const [c] = await acceptTxFiles(world, 203, 204);
    const next = await batcher.sealNow();
    assert.deepEqual(await verifiedEntries(world.store, next!), [c]);
  });

  it('refuses a record that does not decode and dead-letters it as UNDECODABLE', async () => {
    const refused: string[] = [];
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      observer: { onRecordRefused: (refusal) => void refused.push(refusal.reason) },
    });
    const value = new TextEncoder().encode('{"not":"an event"}');
    await world.bus.publish(TX_FILE_ACCEPTED_TOPIC, [{ key: 'x', value }]);
    const [d] = await acceptTxFiles(world, 300, 301);
    const sealed = await batcher.sealNow();
    assert.deepEqual(await verifiedEntries(world.store, sealed!), [d]);
    assert.deepEqual(refused, ['UNDECODABLE']);
    const letters = await deadLetters(world.bus);
    assert.equal(letters.length, 1);
    assert.equal(letters[0]!.headers[DeadLetterHeader.ErrorCode], 'UNDECODABLE');
    assert.deepEqual(letters[0]!.value, value);
  });

  it('announces a sequence once when two batchers race on the same input', async () => {
    await acceptTxFiles(world, 400, 410);
    const options = { bus: world.bus, store: world.store, platform: PLATFORM, relayKeys: RELAY_KEYS };
    const before = (await sealedEvents(world.bus)).length;
    const results = await Promise.allSettled([
      new Batcher(options).sealNow(),
      new Batcher(options).sealNow(),
    ]);
    const events = await sealedEvents(world.bus);
    assert.equal(events.length, before + 1);
    for (const result of results) {
      // The loser either saw the same batch already announced, or the chain moved (retryable).
      if (result.status === 'fulfilled') assert.equal(result.value?.batchCid, events.at(-1)!.batchCid);
      else assert.ok(result.reason instanceof BatcherError && result.reason.retryable);
    }
  });

  it('keeps every sealed tx-file through garbage collection (recursive pin)', async () => {
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
    });
    const kept = await acceptTxFiles(world, 500, 505);
    await batcher.sealNow();
    const [unsealed] = await acceptTxFiles(world, 600, 601);
    await world.store.gc();
    for (const cid of kept) assert.equal(await world.store.has(cid), true, cid);
    const last = await readLastBatchSealed(world.bus, PLATFORM);
    assert.equal(await world.store.isPinned(last!.batchCid), true);
    // gc really collects: the accepted but not yet sealed file is gone.
    assert.equal(await world.store.has(unsealed!), false);
    // Put it back, as the relay had stored it, for the tests that follow.
    assert.equal(await world.store.addFile(txFileBytes(600)), unsealed);
  });

  it('runs on its clock: start() seals when due, reports metrics, stop() ends the loop', async () => {
    const clock = new ManualClock();
    const sealed: BatchSealed[] = [];
    const backlog: number[] = [];
    const errors: unknown[] = [];
    const batcher = new Batcher({
      bus: world.bus,
      store: world.store,
      platform: PLATFORM,
      relayKeys: RELAY_KEYS,
      intervalMs: 10_000,
      tickMs: 1000,
      clock,
      observer: {
        onBatchSealed: (event) => void sealed.push(event),
        onBacklog: (records) => void backlog.push(records),
        onError: (error) => void errors.push(error),
      },
    });
    const before = (await sealedEvents(world.bus)).length;
    batcher.start();
    await acceptTxFiles(world, 700, 704);
    // Each tick runs asynchronously: keep moving the clock until the loop has sealed (bounded).
    for (let i = 0; i < 500 && sealed.length === 0; i += 1) {
      clock.advance(1000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await batcher.stop();
    assert.deepEqual(errors, []);
    assert.equal(clock.pendingTimers, 0);
    // The unsealed file of the pin test is waiting too.
    assert.equal(sealed.length, 1);
    assert.equal(sealed[0]!.count, 5);
    assert.equal((await sealedEvents(world.bus)).length, before + 1);
    assert.ok(backlog.includes(5));
  });

  it('refuses bad options, naming the key', () => {
    const base = { bus: world.bus, store: world.store, platform: PLATFORM, relayKeys: RELAY_KEYS };
    assert.throws(() => new Batcher({ ...base, maxFiles: 1_000_001 }), /maxFiles/);
    assert.throws(() => new Batcher({ ...base, intervalMs: 0 }), /intervalMs/);
    assert.throws(() => new Batcher({ ...base, platform: '' }), /platform/);
    assert.throws(() => new Batcher({ ...base, pinTimeoutMs: 0 }), /pinTimeoutMs/);
    assert.throws(() => new Batcher({ ...base, receiptCheckThreads: -1 }), /receiptCheckThreads/);
    assert.throws(() => new Batcher({ ...base, receiptCheckThreads: 65 }), /receiptCheckThreads/);
    assert.doesNotThrow(() => new Batcher({ ...base, receiptCheckThreads: 0 }));
    assert.throws(() => new Batcher({ ...base, relayKeys: [] }), /relayKeys must name at least one/);
    assert.throws(
      () => new Batcher({ ...base, relayKeys: [new Uint8Array(31)] }),
      /relayKeys\[0\] must be 32 bytes/,
    );
    assert.throws(
      () => new Batcher({ ...base, relayKeys: [RELAY_KEY.publicKeyRaw, 'not a key'] }),
      (error: unknown) =>
        error instanceof BatcherError && error.code === 'BAD_OPTIONS' && /relayKeys\[1\]/.test(error.message),
    );
    // A private key is not a public key, even of the right kind.
    assert.throws(() => new Batcher({ ...base, relayKeys: [RELAY_KEY.privateKey] }), /relayKeys\[0\]/);
    assert.doesNotThrow(() => new Batcher({ ...base, maxFiles: 1_000_000 }));
  });

  it('trusts a relay key given as raw bytes, 64 hex characters, SPKI PEM or a KeyObject', () => {
    const pem = RELAY_KEY.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    for (const key of [RELAY_KEY.publicKeyRaw, toHex(RELAY_KEY.publicKeyRaw), pem, RELAY_KEY.publicKey])
      assert.deepEqual(RelayKeyRing.of([key]).ids, [RELAY_KEY.keyId]);
  });
});
