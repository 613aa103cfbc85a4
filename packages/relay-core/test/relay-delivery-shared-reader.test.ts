// Delivery reads each partition once for all its subscribers in the process (ADR 0028); replay
// from a cursor reads for itself, bounded in bytes and in how many such reads run at once — with
// the same files, order and exactly-once resumption as a subscriber reading alone.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Bus, ReadOptions } from '@anchorpost/bus';
import { parseTxFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import type { Relay } from '../src/relay.ts';
import { newGroup, openFixture, take, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

const SETTLE_MS = 300;

/** The fixture's bus, counting reads, reads in flight at once, and the byte bounds asked for. */
function watchedBus(bus: Bus): {
  bus: Bus;
  reads: () => number;
  mostInFlight: () => number;
  bounds: number[];
} {
  let reads = 0;
  let inFlight = 0;
  let most = 0;
  const bounds: number[] = [];
  const watched: Bus = Object.create(bus) as Bus;
  watched.read = async (topic, partition, from, max, options?: ReadOptions) => {
    reads += 1;
    bounds.push(options?.maxBytes ?? Infinity);
    inFlight += 1;
    most = Math.max(most, inFlight);
    try {
      // A slow disk: reads overlap, so a missing limit would show.
      await sleep(5);
      return await bus.read(topic, partition, from, max, options);
    } finally {
      inFlight -= 1;
    }
  };
  return { bus: watched, reads: () => reads, mostInFlight: () => most, bounds };
}

describe('Relay delivery through one reader per partition', { timeout: 120_000 }, () => {
  let f: Fixture;
  let alpha: GroupKeys;
  let alphaHash: string;

  async function send(text: string, relay: Relay = f.relay): Promise<string> {
    const { receipt } = await relay.submit(txFileBytes(alpha, f.sender, f.app, text), { tenantId: TENANT });
    return receipt.cid;
  }

  before(async () => {
    f = await openFixture();
    alpha = await newGroup(f.sender);
    alphaHash = parseTxFile(txFileBytes(alpha, f.sender, f.app)).recipient.sha512hash;
  });
  after(async () => {
    await f.close();
  });

  it('reads a partition once for all its live subscribers, and each gets every file', async () => {
    const watched = watchedBus(f.bus);
    // Files published here wake the subscribers, so polling (for other processes' files) stays out
    // of the count.
    const relay = await f.relayWith({ bus: watched.bus, pollIntervalMs: 60_000 });
    const subscribers = 20;
    const files = 5;
    const controllers = Array.from({ length: subscribers }, () => new AbortController());
    const received = controllers.map((controller) =>
      take(relay.subscribe(alphaHash, { signal: controller.signal }), files),
    );
    await sleep(SETTLE_MS);
    const readsBefore = watched.reads();
    const cids: string[] = [];
    for (let i = 0; i < files; i++) cids.push(await send(`shared ${i}`, relay));
    for (const delivered of await Promise.all(received)) {
      assert.deepEqual(
        delivered.map((d) => d.cid),
        cids,
      );
    }
    const reads = watched.reads() - readsBefore;
    for (const controller of controllers) controller.abort();
    // Alone, each subscriber reads at least once per file: 20 × 5 = 100 reads and more.
    assert.ok(reads <= 3 * files, `${subscribers} subscribers, ${files} files: ${reads} bus reads`);
    assert.ok(
      watched.bounds.every((bound) => bound === 1_048_576),
      'every delivery read is bounded by readBatchBytes',
    );
  });

  it('forgets a partition’s reader when its last subscriber leaves', async () => {
    const relay = await f.relayWith({});
    const controller = new AbortController();
    const iterator = relay.subscribe(alphaHash, { signal: controller.signal })[Symbol.asyncIterator]();
    const next = iterator.next();
    await sleep(SETTLE_MS);
    assert.equal(relay.deliveryReaders, 1);
    controller.abort();
    await next;
    assert.equal(relay.deliveryReaders, 0);
  });

  it('replays history in byte-bounded batches, a bounded number at a time, exactly once and in order', async () => {
    const start = await f.relay.subscriptionStart(alphaHash);
    const cids: string[] = [];
    for (let i = 0; i < 12; i++) cids.push(await send(`history ${i}`));
    const watched = watchedBus(f.bus);
    // A batch of at most ~2 records by bytes, one replay read at a time.
    const relay = await f.relayWith({
      bus: watched.bus,
      readBatchBytes: 12_000,
      tailWindowBytes: 12_000,
      catchUpReads: 1,
    });
    const controllers = Array.from({ length: 6 }, () => new AbortController());
    const replays = controllers.map((controller) =>
      take(relay.subscribe(alphaHash, { cursor: start, signal: controller.signal }), 12),
    );
    // Meanwhile the live tail moves on, so some replayers reach it and the rest read behind it.
    const live = await send('while replaying', relay);
    const results = await Promise.all(replays);
    for (const controller of controllers) controller.abort();
    for (const delivered of results) {
      assert.deepEqual(
        delivered.map((d) => d.cid),
        cids,
      );
    }
    assert.ok(
      watched.mostInFlight() <= 2,
      `at most one replay read and one tail read: ${watched.mostInFlight()}`,
    );
    assert.ok(watched.bounds.every((bound) => bound === 12_000));
    // Resuming from the last replayed file gives the live one, once.
    const again = new AbortController();
    const [next] = await take(
      relay.subscribe(alphaHash, { cursor: results[0]!.at(-1)!.cursor, signal: again.signal }),
      1,
    );
    again.abort();
    assert.equal(next?.cid, live);
  });
});
