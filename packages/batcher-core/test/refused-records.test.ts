/**
 * The batcher does not trust the bus: each attack below is performed against the real embedded
 * adapters (FileLogBus, Helia) — a record whose bytes were altered after the receipt, a receipt
 * signed by a stranger's key, a receipt whose signature is garbage, a storage whose pin never
 * answers — and in each the bad record is dead-lettered with its reason while the good records of
 * the same window are sealed, once.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { DeadLetterHeader } from '@anchorpost/bus';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import type { TxFileAccepted } from '@anchorpost/events';
import { cidForSmallBytes, verifyBatchFile } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage';
import { Batcher, BatcherError, TX_FILE_ACCEPTED_DLQ_TOPIC } from '../src/index.ts';
import type { BatcherObserver, RecordRefusal } from '../src/index.ts';
import {
  acceptedEvent,
  deadLetters,
  expectedOrder,
  openWorld,
  PLATFORM,
  publishAccepted,
  RELAY_KEY,
  RELAY_KEYS,
  relayKeyFromSeed,
  sealedEvents,
  txFileBytes,
} from './fixtures.ts';
import type { World } from './fixtures.ts';
import { HangingPinStore } from './hanging-pin-store.ts';

const PIN_TIMEOUT_MS = 300;

/** Every CID named by every announced batch, in chain order. */
async function sealedCids(world: World): Promise<string[]> {
  const cids: string[] = [];
  for (const event of await sealedEvents(world.bus)) {
    await verifyBatchFile(await world.store.getBlock(event.batchCid), (cid) => world.store.getBlock(cid), {
      onEntry: (cid) => void cids.push(cid.toString()),
    });
  }
  return cids;
}

/** Stores and pins tx-files `from..to-1` as the relay does and returns their good acceptances (not yet published). */
async function goodEvents(world: World, from: number, to: number): Promise<TxFileAccepted[]> {
  const events: TxFileAccepted[] = [];
  for (let n = from; n < to; n += 1)
    events.push(acceptedEvent(n, await world.store.addFile(txFileBytes(n), { pin: true })));
  return events;
}

/**
 * Test double around a real store: after the first `addFiles` that stores `lost`, it is unpinned and garbage
 * collected (a GC racing the seal), so the batch root's pin cannot find it.
 */
function losingAfterAdd(store: ContentStore, lost: string): ContentStore {
  let added = false;
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      const real = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
      if (property !== 'addFiles') return real;
      return async (...args: unknown[]) => {
        const result = (await real(...args)) as string[];
        if (!added && result.includes(lost)) {
          added = true;
          await target.unpin(lost);
          await target.gc();
        }
        return result;
      };
    },
  });
}

function batcher(store: ContentStore, world: World, observer: BatcherObserver = {}): Batcher {
  return new Batcher({
    bus: world.bus,
    store,
    platform: PLATFORM,
    relayKeys: RELAY_KEYS,
    maxFiles: 100,
    pinTimeoutMs: PIN_TIMEOUT_MS,
    observer,
  });
}

/**
 * Publishes good records around `bad`, seals, and checks: the good ones sealed in one batch in bus
 * order, the bad one in the dead-letter topic with `reason` (its record unchanged), told to the
 * observer, and nothing left to seal or dead-letter on the next run.
 */
async function attack(
  world: World,
  bad: TxFileAccepted,
  reason: RecordRefusal['reason'],
  store: ContentStore = world.store,
): Promise<RecordRefusal> {
  const good = await goodEvents(world, 100, 106);
  await publishAccepted(world.bus, [...good.slice(0, 3), bad, ...good.slice(3)]);
  const goodCids = new Set(good.map((event) => event.cid));
  const order = (await expectedOrder(world.bus)).filter((cid) => goodCids.has(cid));
  const refused: RecordRefusal[] = [];
  const sealed = await batcher(store, world, { onRecordRefused: (r) => void refused.push(r) }).sealNow();

  assert.ok(sealed !== null);
  assert.equal(sealed.count, good.length);
  assert.deepEqual(await sealedCids(world), order, 'the good files, once, in bus order');
  const ends = await world.bus.endOffsets(TX_FILE_ACCEPTED_TOPIC);
  for (const [partition, end] of ends.entries())
    if (end > 0)
      assert.equal(sealed.sealedOffsets[String(partition)], end - 1, 'the bad record is covered too');

  assert.deepEqual(
    refused.map((r) => r.reason),
    [reason],
  );
  const letters = await deadLetters(world.bus);
  assert.equal(letters.length, 1, 'dead-lettered once');
  const [letter] = letters;
  assert.equal(letter!.headers[DeadLetterHeader.ErrorCode], reason);
  assert.equal(letter!.headers[DeadLetterHeader.OriginalTopic], TX_FILE_ACCEPTED_TOPIC);
  assert.equal(letter!.headers[DeadLetterHeader.OriginalPartition], String(refused[0]!.partition));
  assert.equal(letter!.headers[DeadLetterHeader.OriginalOffset], String(refused[0]!.offset));
  assert.deepEqual(letter!.value, txFileAccepted.encode(bad), 'the record as it was on the bus');
  assert.equal(letter!.key, txFileAccepted.key(bad));

  // Nothing is left: the next run seals nothing and dead-letters nothing again.
  assert.equal(await batcher(store, world).sealNow(), null);
  assert.equal((await deadLetters(world.bus)).length, 1);
  assert.equal((await sealedEvents(world.bus)).length, 1);
  return refused[0]!;
}

describe('the batcher refuses what the bus cannot prove', () => {
  let world: World;
  beforeEach(async () => {
    world = await openWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it('dead-letters a record whose bytes were altered after the receipt (CID_MISMATCH)', async () => {
    const [original] = await goodEvents(world, 1, 2);
    const altered = new TextEncoder().encode('fake tx-file #1, but altered\n');
    const refusal = await attack(world, { ...original!, txFile: altered }, 'CID_MISMATCH');
    assert.equal(refusal.cid, original!.cid);
    assert.match(refusal.detail, /the record names/);
    assert.equal(
      await world.store.has(cidForSmallBytes(altered)),
      false,
      'the altered bytes were not stored',
    );
  });

  it("leaves a peer platform's file out of the batch, neither sealed nor dead-lettered, but stores and pins it", async () => {
    const good = await goodEvents(world, 200, 203);
    // As the relay publishes it since ADR 0035: not stored.
    const inbound = acceptedEvent(203, cidForSmallBytes(txFileBytes(203)));
    await publishAccepted(world.bus, [good[0]!, { ...inbound, origin: 'platform-b' }, ...good.slice(1)]);
    const skipped: string[] = [];
    const sealed = await batcher(world.store, world, {
      onRecordSkipped: (reason) => void skipped.push(reason),
    }).sealNow();
    assert.equal(sealed?.count, good.length, "the peer's file is in the peer's anchored batch, not ours");
    assert.ok(!(await sealedCids(world)).includes(inbound.cid));
    assert.deepEqual(skipped, ['inbound']);
    assert.equal((await deadLetters(world.bus)).length, 0);
    assert.equal(await world.store.isPinned(inbound.cid), true, 'kept here for GET /v1/tx-files');
  });

  it("dead-letters a record whose receipt a stranger's key signed (UNKNOWN_RELAY_KEY)", async () => {
    const stranger = relayKeyFromSeed(9);
    const cid = await world.store.addFile(txFileBytes(2));
    const forged = acceptedEvent(2, cid, 7, stranger);
    const refusal = await attack(world, forged, 'UNKNOWN_RELAY_KEY');
    assert.equal(refusal.relayKeyId, stranger.keyId);
  });

  it("dead-letters a stranger's signature under the trusted key's id (BAD_RECEIPT_SIGNATURE)", async () => {
    const cid = await world.store.addFile(txFileBytes(3));
    const stranger = acceptedEvent(3, cid, 7, relayKeyFromSeed(9));
    const forged = { ...stranger, receipt: { ...stranger.receipt, relayKeyId: RELAY_KEY.keyId } };
    await attack(world, forged, 'BAD_RECEIPT_SIGNATURE');
  });

  it('dead-letters a record whose receipt signature is garbage (BAD_RECEIPT_SIGNATURE)', async () => {
    const cid = await world.store.addFile(txFileBytes(4));
    const event = acceptedEvent(4, cid);
    const garbage = {
      ...event,
      receipt: { ...event.receipt, signature: randomBytes(64).toString('base64') },
    };
    const refusal = await attack(world, garbage, 'BAD_RECEIPT_SIGNATURE');
    assert.equal(refusal.relayKeyId, RELAY_KEY.keyId);
  });

  it('dead-letters a tx-file whose pin never answers (STORAGE_TIMEOUT), within the time limit', async () => {
    const cid = await world.store.addFile(txFileBytes(5), { pin: false });
    const double = new HangingPinStore((pinned) => pinned === cid);
    const started = Date.now();
    const refusal = await attack(world, acceptedEvent(5, cid), 'STORAGE_TIMEOUT', double.wrap(world.store));
    assert.equal(refusal.cid, cid);
    // The batch's root pin, the file's own pin when looking for the fault, then pinned, re-added
    // and pinned again as a suspect.
    assert.equal(double.hung, 4);
    assert.ok(Date.now() - started < 20 * PIN_TIMEOUT_MS, `${Date.now() - started} ms`);
  });

  it('stores a tx-file again from its record when its block was lost after it was stored, and seals it', async () => {
    const events = await goodEvents(world, 10, 14);
    const lost = events[2]!.cid;
    await publishAccepted(world.bus, events);
    // A garbage collection between the batcher's storing of the files and its root pin takes one.
    const collecting = losingAfterAdd(world.store, lost);
    const restored: string[] = [];
    const sealed = await batcher(collecting, world, {
      onTxFileRestored: (cid) => void restored.push(cid),
    }).sealNow();
    assert.equal(sealed?.count, 4);
    assert.deepEqual(restored, [lost]);
    assert.equal(await world.store.isPinned(lost), true);
    assert.deepEqual((await sealedCids(world)).sort(), events.map((e) => e.cid).sort());
    assert.deepEqual(await deadLetters(world.bus), []);
  });

  it('refuses nothing while storage does not answer at all: the seal fails (retryable) and a re-run seals once', async () => {
    const events = await goodEvents(world, 20, 25);
    await publishAccepted(world.bus, events);
    const down = new HangingPinStore(() => true).wrap(world.store);
    await assert.rejects(
      batcher(down, world).sealNow(),
      (error: unknown) =>
        error instanceof BatcherError && error.code === 'STORAGE_UNAVAILABLE' && error.retryable,
    );
    assert.deepEqual(await sealedEvents(world.bus), []);
    assert.deepEqual(await world.bus.endOffsets(TX_FILE_ACCEPTED_DLQ_TOPIC).catch(() => []), []);

    // Only the batch root's pin hangs: the seal times out (retryable), announcing nothing.
    const files = new Set(events.map((e) => e.cid));
    const rootHangs = new HangingPinStore((cid) => !files.has(cid)).wrap(world.store);
    await assert.rejects(batcher(rootHangs, world).sealNow(), { code: 'TIMEOUT', retryable: true });
    assert.deepEqual(await sealedEvents(world.bus), []);

    const sealed = await batcher(world.store, world).sealNow();
    assert.equal(sealed?.count, 5);
    assert.deepEqual((await sealedCids(world)).sort(), [...files].sort());
    assert.deepEqual(await deadLetters(world.bus), []);
  });

  it('dead-letters again, and seals once, when killed between the letters and the announcement', async () => {
    const cid = await world.store.addFile(txFileBytes(40));
    const forged = acceptedEvent(40, cid, 7, relayKeyFromSeed(9));
    const good = await goodEvents(world, 41, 44);
    await publishAccepted(world.bus, [forged, ...good]);
    // The bus, failing right after the letters were published (a crash before the announcement).
    const crashing = new Proxy(world.bus, {
      get(target, property) {
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        const real = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
        if (property !== 'publish') return real;
        return async (topic: string, ...rest: unknown[]) => {
          const published = await real(topic, ...rest);
          if (topic === TX_FILE_ACCEPTED_DLQ_TOPIC) throw new Error('crash after the letters');
          return published;
        };
      },
    });
    const options = { store: world.store, platform: PLATFORM, relayKeys: RELAY_KEYS, pinTimeoutMs: 300 };
    await assert.rejects(new Batcher({ ...options, bus: crashing }).sealNow(), /crash after the letters/);
    assert.deepEqual(await sealedEvents(world.bus), []);

    const sealed = await new Batcher({ ...options, bus: world.bus }).sealNow();
    assert.equal(sealed?.count, 3);
    assert.equal((await sealedEvents(world.bus)).length, 1, 'announced once');
    // At least once: the letter again, told apart by its original partition and offset.
    const letters = await deadLetters(world.bus);
    assert.equal(letters.length, 2);
    assert.equal(
      new Set(
        letters.map(
          (l) =>
            `${l.headers[DeadLetterHeader.OriginalPartition]}/${l.headers[DeadLetterHeader.OriginalOffset]}`,
        ),
      ).size,
      1,
    );
  });

  it('keeps refused records waiting, not lost, while no good file comes to seal them with', async () => {
    const cid = await world.store.addFile(txFileBytes(30));
    const event = acceptedEvent(30, cid);
    await publishAccepted(world.bus, [
      { ...event, receipt: { ...event.receipt, signature: randomBytes(64).toString('base64') } },
    ]);
    assert.equal(await batcher(world.store, world).sealNow(), null, 'a batch is never empty');
    assert.deepEqual(await deadLetters(world.bus), []);
    const [good] = await goodEvents(world, 31, 32);
    await publishAccepted(world.bus, [good!]);
    const sealed = await batcher(world.store, world).sealNow();
    assert.equal(sealed?.count, 1);
    const letters = await deadLetters(world.bus);
    assert.deepEqual(
      letters.map((l) => l.headers[DeadLetterHeader.ErrorCode]),
      ['BAD_RECEIPT_SIGNATURE'],
    );
  });
});
