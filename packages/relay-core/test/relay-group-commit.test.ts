// Group commit against FileLogBus + HeliaContentStore + PGlite: concurrent submits share one
// receipt transaction and one publish, a failed group fails every submit in it and leaves no
// receipt and no record, resubmits get their receipts back, one sender's files keep their order,
// a full queue refuses at once (INGEST_QUEUE_FULL), and the next group is receipted while the
// previous one publishes, without taking its order or its failure.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Bus, BusMessage, PublishedRecord } from '@anchorpost/bus';
import { BusError } from '@anchorpost/bus';
import { cidForBytes } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import type { ReceiptStore } from '../src/receipt-store.ts';
import type { Relay } from '../src/relay.ts';
import { RelayError } from '../src/relay-error.ts';
import { newGroup, openFixture, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

/**
 * Test double of the Bus port: the real bus, counting publish calls, and holding a publish while
 * `hold` is set (until `release`), or failing the next one when `failNext` is set.
 */
class CountingBus {
  publishCalls = 0;
  held = false;
  failNext: Error | undefined;
  #release: (() => void) | undefined;
  #holdNext = false;

  readonly real: Bus;

  constructor(real: Bus) {
    this.real = real;
  }

  hold(): void {
    this.#holdNext = true;
  }

  release(): void {
    this.#holdNext = false;
    this.#release?.();
  }

  get bus(): Bus {
    const real = this.real;
    return {
      ensureTopic: (topic, spec) => real.ensureTopic(topic, spec),
      publish: async (topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]> => {
        this.publishCalls += 1;
        if (this.#holdNext) {
          this.held = true;
          await new Promise<void>((resolve) => (this.#release = resolve));
          this.held = false;
        }
        const failure = this.failNext;
        this.failNext = undefined;
        if (failure !== undefined) throw failure;
        return real.publish(topic, messages);
      },
      read: (topic, partition, from, max) => real.read(topic, partition, from, max),
      endOffsets: (topic) => real.endOffsets(topic),
      subscribe: (options) => real.subscribe(options),
      lag: (group, topic) => real.lag(group, topic),
      close: () => Promise.resolve(),
    };
  }
}

/** Test double of the ReceiptStore port: the real store, holding every `find` (a group's first step) from `hold` until `release`. */
class HoldingLookUp {
  held = 0;
  #holding = false;
  #waiting: (() => void)[] = [];
  readonly real: ReceiptStore;

  constructor(real: ReceiptStore) {
    this.real = real;
  }

  hold(): void {
    this.#holding = true;
  }

  release(): void {
    this.#holding = false;
    for (const resume of this.#waiting.splice(0)) resume();
  }

  get receipts(): ReceiptStore {
    return new Proxy(this.real, {
      get: (target, name) => {
        if (name === 'find') {
          return async (...args: Parameters<ReceiptStore['find']>) => {
            if (this.#holding) {
              this.held += 1;
              await new Promise<void>((resume) => this.#waiting.push(resume));
            }
            return target.find(...args);
          };
        }
        const value: unknown = Reflect.get(target, name, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }
}

/** Test double of the ReceiptStore port: the real store, counting its group writes. */
function countingStore(real: ReceiptStore, counts: { insertMany: number; failInsert?: Error }): ReceiptStore {
  return {
    nextSequence: () => real.nextSequence(),
    nextSequences: (count) => real.nextSequences(count),
    insert: (receipt, busEndAtSign, chainPosition, tenantId) =>
      real.insert(receipt, busEndAtSign, chainPosition, tenantId),
    insertMany: (receipts) => {
      counts.insertMany += 1;
      const failure = counts.failInsert;
      counts.failInsert = undefined;
      return failure === undefined ? real.insertMany(receipts) : Promise.reject(failure);
    },
    getAt: (recipientHash, chainPosition) => real.getAt(recipientHash, chainPosition),
    find: (cids, positions) => real.find(cids, positions),
    get: (cid) => real.get(cid),
    markPublished: (cid, position) => real.markPublished(cid, position),
    markPublishedMany: (published) => real.markPublishedMany(published),
  };
}

async function until(condition: () => boolean | Promise<boolean>, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

describe('Relay group commit', { timeout: 120_000 }, () => {
  let f: Fixture;
  let group: GroupKeys;

  before(async () => {
    f = await openFixture();
    group = await newGroup(f.sender);
  });
  after(async () => {
    await f.close();
  });

  /** A relay whose groups start when `files` files wait (the window is long): one group per `files` submits. */
  async function groupedRelay(files: number, counting: CountingBus, counts: { insertMany: number }) {
    return f.relayWith({
      bus: counting.bus,
      receipts: countingStore(f.receipts, counts),
      groupCommitWindowMs: 1_000,
      groupCommitMaxFiles: files,
    });
  }

  it('stores, receipts and publishes concurrent submits in one transaction and one publish', async () => {
    const counting = new CountingBus(f.bus);
    const counts = { insertMany: 0 };
    const relay = await groupedRelay(20, counting, counts);
    const files = Array.from({ length: 20 }, (_, i) => txFileBytes(group, f.sender, f.app, `g${i}`));
    const before = await f.busRecords();
    const results = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    assert.equal(counting.publishCalls, 1, 'one produce for the group');
    assert.equal(counts.insertMany, 1, 'one receipt transaction for the group');
    assert.equal(await f.busRecords(), before + 20);
    assert.equal(new Set(results.map((r) => r.receipt.sequence)).size, 20, 'a sequence each');
    for (const [i, result] of results.entries()) {
      assert.equal(result.duplicate, false);
      assert.equal(result.receipt.cid, await cidForBytes(files[i]!));
      assert.equal((await f.receipts.get(result.receipt.cid))?.state, 'published');
    }
  });

  it('groups the submits that arrive while a group is forming', async () => {
    const counting = new CountingBus(f.bus);
    const holding = new HoldingLookUp(f.receipts);
    const counts = { insertMany: 0 };
    const relay = await f.relayWith({
      bus: counting.bus,
      receipts: countingStore(holding.receipts, counts),
      groupCommitWindowMs: 0,
    });
    holding.hold();
    const first = relay.submit(txFileBytes(group, f.sender, f.app, 'first'), { tenantId: TENANT });
    await until(() => holding.held === 1);
    const rest = Array.from({ length: 10 }, (_, i) =>
      relay.submit(txFileBytes(group, f.sender, f.app, `behind ${i}`), { tenantId: TENANT }),
    );
    await until(() => relay.queuedTxFiles === 10);
    holding.release();
    await Promise.all([first, ...rest]);
    assert.equal(counting.publishCalls, 2, 'the ten that waited went in one publish');
    assert.equal(counts.insertMany, 2);
  });

  it('receipts the next group while the previous one publishes, keeping sequences and offsets in order', async () => {
    const counting = new CountingBus(f.bus);
    const counts = { insertMany: 0 };
    const relay = await f.relayWith({
      bus: counting.bus,
      receipts: countingStore(f.receipts, counts),
      groupCommitWindowMs: 0,
    });
    counting.hold();
    const firstBytes = txFileBytes(group, f.sender, f.app, 'publishing');
    const first = relay.submit(firstBytes, { tenantId: TENANT });
    await until(() => counting.held, 'the first publish');
    const nextBytes = txFileBytes(group, f.sender, f.app, 'prepared meanwhile');
    const next = relay.submit(nextBytes, { tenantId: TENANT });
    const nextCid = await cidForBytes(nextBytes);
    await until(
      async () => (await f.receipts.get(nextCid))?.state === 'signed',
      'the next group receipted while the first publishes',
    );
    assert.equal(counting.publishCalls, 1, 'not published before the group ahead of it');
    counting.release();
    const results = [await first, await next];
    const stored = await Promise.all(results.map((r) => f.receipts.get(r.receipt.cid)));
    assert.ok(results[0]!.receipt.sequence < results[1]!.receipt.sequence, 'sequences in queue order');
    assert.ok(stored[0]!.published!.offset < stored[1]!.published!.offset, 'bus offsets in queue order');
    assert.equal(counts.insertMany, 2);
  });

  it("fails only a group's own files when its publish fails; the group prepared behind it is published", async () => {
    const counting = new CountingBus(f.bus);
    const relay = await f.relayWith({ bus: counting.bus, groupCommitWindowMs: 0 });
    counting.hold();
    counting.failNext = new BusError('UNAVAILABLE', 'broker down');
    const failingBytes = txFileBytes(group, f.sender, f.app, 'its publish fails');
    const failing = relay.submit(failingBytes, { tenantId: TENANT }).catch((error: unknown) => error);
    await until(() => counting.held, 'the first publish');
    const behindBytes = txFileBytes(group, f.sender, f.app, 'behind the failure');
    const behind = relay.submit(behindBytes, { tenantId: TENANT });
    const behindCid = await cidForBytes(behindBytes);
    await until(
      async () => (await f.receipts.get(behindCid))?.state === 'signed',
      'the group behind receipted while the first publishes',
    );
    const before = await f.busRecords();
    counting.release();
    const error = await failing;
    assert.ok(error instanceof BusError, String(error));
    assert.equal(error.code, 'UNAVAILABLE');
    const accepted = await behind;
    assert.equal(accepted.duplicate, false);
    assert.equal((await f.receipts.get(behindCid))?.state, 'published');
    assert.equal(await f.busRecords(), before + 1, 'only the group behind was published');

    const retried = await relay.submit(failingBytes, { tenantId: TENANT });
    assert.equal(retried.duplicate, false);
    assert.equal(await f.busRecords(), before + 2, 'the failed file published once, on its retry');
  });

  it('fails every submit of a group whose receipt transaction fails, leaving no receipt and no record', async () => {
    const counting = new CountingBus(f.bus);
    const counts: { insertMany: number; failInsert?: Error } = { insertMany: 0 };
    const relay = await groupedRelay(5, counting, counts);
    const files = Array.from({ length: 5 }, (_, i) => txFileBytes(group, f.sender, f.app, `db ${i}`));
    const cids = await Promise.all(files.map((bytes) => cidForBytes(bytes)));
    counts.failInsert = new BusError('UNAVAILABLE', 'the database went away');
    const before = await f.busRecords();
    const outcomes = await Promise.allSettled(
      files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })),
    );
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.equal((outcome.reason as BusError).retryable, true);
    }
    assert.equal(await f.busRecords(), before, 'no record');
    for (const cid of cids) assert.equal(await f.receipts.get(cid), null, 'no receipt');
    assert.equal(counting.publishCalls, 0);

    const retried = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    assert.deepEqual(
      retried.map((r) => r.duplicate),
      [false, false, false, false, false],
    );
    assert.equal(await f.busRecords(), before + 5, 'each published once on the retry');
  });

  it('fails every submit of a group whose publish fails; the retry publishes each once with the receipt signed before', async () => {
    const counting = new CountingBus(f.bus);
    const counts = { insertMany: 0 };
    const relay = await groupedRelay(4, counting, counts);
    const files = Array.from({ length: 4 }, (_, i) => txFileBytes(group, f.sender, f.app, `bus ${i}`));
    counting.failNext = new BusError('UNAVAILABLE', 'broker down');
    const before = await f.busRecords();
    const outcomes = await Promise.allSettled(
      files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })),
    );
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'rejected' ? (o.reason as BusError).code : 'accepted')),
      ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE'],
    );
    assert.equal(await f.busRecords(), before);
    const signed = await Promise.all(
      files.map(async (bytes) => (await f.receipts.get(await cidForBytes(bytes)))!),
    );
    for (const stored of signed) assert.equal(stored.state, 'signed');
    for (const stored of signed) assert.equal(await relay.getReceipt(stored.receipt.cid), null, 'not served');

    const retried = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    assert.deepEqual(
      retried.map((r) => r.receipt),
      signed.map((s) => s.receipt),
    );
    assert.equal(await f.busRecords(), before + 4, 'published once each');
  });

  it('answers resubmits of a group with the same receipts, publishing nothing', async () => {
    const counting = new CountingBus(f.bus);
    const counts = { insertMany: 0 };
    const relay = await groupedRelay(6, counting, counts);
    const files = Array.from({ length: 6 }, (_, i) => txFileBytes(group, f.sender, f.app, `again ${i}`));
    const first = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    const before = await f.busRecords();
    const again = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    assert.deepEqual(
      again.map((r) => r.receipt),
      first.map((r) => r.receipt),
    );
    assert.ok(again.every((r) => r.duplicate));
    assert.equal(await f.busRecords(), before);
    assert.equal(counting.publishCalls, 1, 'only the first group published');
  });

  it("keeps one sender's files in the order they were submitted: sequences and bus offsets", async () => {
    const counting = new CountingBus(f.bus);
    const relay = await groupedRelay(8, counting, { insertMany: 0 });
    // txFileBytes builds each file on the previous one's state.after: one client's chain.
    const files = Array.from({ length: 8 }, (_, i) => txFileBytes(group, f.sender, f.app, `order ${i}`));
    const results = await Promise.all(files.map((bytes) => relay.submit(bytes, { tenantId: TENANT })));
    const stored = await Promise.all(results.map((r) => f.receipts.get(r.receipt.cid)));
    const sequences = results.map((r) => r.receipt.sequence);
    assert.deepEqual(
      sequences,
      [...sequences].sort((a, b) => a - b),
    );
    const offsets = stored.map((s) => s!.published!.offset);
    assert.equal(new Set(stored.map((s) => s!.published!.partition)).size, 1, 'one group: one partition');
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
    );
  });

  it('refuses a submit at once when the queue is full (INGEST_QUEUE_FULL, retryable), writing nothing for it', async () => {
    const holding = new HoldingLookUp(f.receipts);
    const relay: Relay = await f.relayWith({
      receipts: holding.receipts,
      groupCommitWindowMs: 0,
      groupCommitMaxFiles: 1,
      ingestQueueMaxFiles: 2,
    });
    holding.hold();
    const inFlight = relay.submit(txFileBytes(group, f.sender, f.app, 'in flight'), { tenantId: TENANT });
    await until(() => holding.held === 1);
    const queued = [1, 2].map((i) =>
      relay.submit(txFileBytes(group, f.sender, f.app, `queued ${i}`), { tenantId: TENANT }),
    );
    await until(() => relay.queuedTxFiles === 2);
    const refusedBytes = txFileBytes(group, f.sender, f.app, 'one too many');
    const error = await relay.submit(refusedBytes, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof RelayError, String(error));
    assert.deepEqual(
      { code: error.code, retryable: error.retryable, kind: error.kind },
      { code: 'INGEST_QUEUE_FULL', retryable: true, kind: 'exhausted' },
    );
    assert.ok((error.retryAfterMs ?? 0) > 0);
    holding.release();
    await Promise.all([inFlight, ...queued]);
    const cid = await cidForBytes(refusedBytes);
    assert.equal(await f.receipts.get(cid), null);
    assert.equal((await relay.submit(refusedBytes, { tenantId: TENANT })).duplicate, false, 'taken on retry');
  });
});
