// Delivery of accepted tx-files from the bus: live subscriptions, resuming with a cursor, per
// recipient filtering, cursor checks and HTTP-style pages — on FileLogBus + Helia + PGlite.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Bus } from '@anchorpost/bus';
import { partitionForKey } from '@anchorpost/bus';
import { parseTxFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import type { Relay } from '../src/relay.ts';
import { newGroup, openFixture, PARTITIONS, take, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

/** Long enough for a subscription's first pull to fix its start at the end of the log. */
const SETTLE_MS = 300;

describe('Relay delivery', { timeout: 120_000 }, () => {
  let f: Fixture;
  let alpha: GroupKeys;
  let beta: GroupKeys;
  let alphaHash: string;
  let betaHash: string;

  async function send(group: GroupKeys, text: string, relay: Relay = f.relay): Promise<string> {
    const { receipt } = await relay.submit(txFileBytes(group, f.sender, f.app, text), { tenantId: TENANT });
    return receipt.cid;
  }

  before(async () => {
    f = await openFixture();
    alpha = await newGroup(f.sender);
    beta = await newGroup(f.sender);
    alphaHash = parseTxFile(txFileBytes(alpha, f.sender, f.app)).recipient.sha512hash;
    betaHash = parseTxFile(txFileBytes(beta, f.sender, f.app)).recipient.sha512hash;
  });
  after(async () => {
    await f.close();
  });

  it('delivers files live, only from the end of the log when no cursor is given', async () => {
    const old = await send(alpha, 'before subscribing');
    const controller = new AbortController();
    const received = take(f.relay.subscribe(alphaHash, { signal: controller.signal }), 2);
    await sleep(SETTLE_MS);
    const cids = [await send(alpha, 'live 1'), await send(alpha, 'live 2')];
    const delivered = await received;
    controller.abort();
    assert.deepEqual(
      delivered.map((d) => d.cid),
      cids,
    );
    assert.ok(!delivered.some((d) => d.cid === old));
    for (const d of delivered) {
      assert.equal(d.receipt.cid, d.cid);
      assert.deepEqual(d.txFile, await f.relay.getTxFile(d.cid));
    }
  });

  it('names where a subscription starts, so a client can resume before its first file', async () => {
    const start = await f.relay.subscriptionStart(alphaHash);
    const cids = [
      await send(alpha, 'after start 1'),
      await send(beta, 'other'),
      await send(alpha, 'after start 2'),
    ];
    const controller = new AbortController();
    const delivered = await take(
      f.relay.subscribe(alphaHash, { cursor: start, signal: controller.signal }),
      2,
    );
    controller.abort();
    assert.deepEqual(
      delivered.map((d) => d.cid),
      [cids[0], cids[2]],
    );
    assert.equal(await f.relay.subscriptionStart(alphaHash, start), start);
    await assert.rejects(f.relay.subscriptionStart('ab'), { code: 'BAD_RECIPIENT' });
    await assert.rejects(f.relay.subscriptionStart(alphaHash, 'c1.x'), { code: 'BAD_CURSOR' });
  });

  it('resumes from a cursor with every missed file exactly once', async () => {
    const controller = new AbortController();
    const received = take(f.relay.subscribe(alphaHash, { signal: controller.signal }), 1);
    await sleep(SETTLE_MS);
    const first = await send(alpha, 'seen');
    const [seen] = await received;
    controller.abort();
    assert.equal(seen?.cid, first);
    // Disconnected: these are missed, interleaved with another recipient's files.
    const missed = [];
    for (let i = 0; i < 5; i += 1) {
      missed.push(await send(alpha, `missed ${i}`));
      await send(beta, `other ${i}`);
    }
    const again = new AbortController();
    const resumed = f.relay.subscribe(alphaHash, { cursor: seen.cursor, signal: again.signal });
    const iterator = resumed[Symbol.asyncIterator]();
    const got: string[] = [];
    const nextCid = async (): Promise<string> => {
      const result = await iterator.next();
      assert.ok(result.done !== true, 'the stream ended early');
      return result.value.cid;
    };
    for (let i = 0; i < 5; i += 1) got.push(await nextCid());
    assert.deepEqual(got, missed);
    const live = await send(alpha, 'after resuming');
    assert.equal(await nextCid(), live, 'nothing twice, then live');
    again.abort();
    assert.equal((await iterator.next()).done, true, 'abort ends the stream');
  });

  it('shows each recipient only its own files', async () => {
    const a = new AbortController();
    const b = new AbortController();
    const toAlpha = take(f.relay.subscribe(alphaHash, { signal: a.signal }), 3);
    const toBeta = take(f.relay.subscribe(betaHash, { signal: b.signal }), 2);
    await sleep(SETTLE_MS);
    const sent = { alpha: [] as string[], beta: [] as string[] };
    for (const [group, list, text] of [
      [alpha, sent.alpha, 'a1'],
      [beta, sent.beta, 'b1'],
      [alpha, sent.alpha, 'a2'],
      [beta, sent.beta, 'b2'],
      [alpha, sent.alpha, 'a3'],
    ] as const) {
      list.push(await send(group, text));
    }
    assert.deepEqual(
      (await toAlpha).map((d) => d.cid),
      sent.alpha,
    );
    assert.deepEqual(
      (await toBeta).map((d) => d.cid),
      sent.beta,
    );
    a.abort();
    b.abort();
  });

  it('finds files another relay process published by polling, without busy-polling', async () => {
    let reads = 0;
    const counting: Bus = Object.create(f.bus) as Bus;
    counting.read = (...args) => {
      reads += 1;
      return f.bus.read(...args);
    };
    const relay = await f.relayWith({ bus: counting, pollIntervalMs: 100 });
    const other = await f.relayWith({});
    const controller = new AbortController();
    const received = take(relay.subscribe(betaHash, { signal: controller.signal }), 1);
    await sleep(1_000);
    assert.ok(reads <= 15, `idle for 1 s at 100 ms: ${reads} reads`);
    const cid = await send(beta, 'from elsewhere', other);
    assert.equal((await received)[0]?.cid, cid);
    controller.abort();
  });

  it('pages messages for HTTP polling, and checks cursors', async () => {
    const all = await f.relay.messagesSince(alphaHash, null, 1000);
    assert.equal(all.caughtUp, true);
    assert.ok(all.items.length >= 10);
    assert.ok(all.items.every((d) => d.receipt.recipientHash === alphaHash));
    // Small pages give the same files in the same order.
    const paged: string[] = [];
    let cursor: string | null = null;
    for (;;) {
      const page = await f.relay.messagesSince(alphaHash, cursor, 3);
      paged.push(...page.items.map((d) => d.cid));
      cursor = page.cursor;
      if (page.items.length === 0 && page.caughtUp) break;
    }
    assert.deepEqual(
      paged,
      all.items.map((d) => d.cid),
    );
    const empty = await f.relay.messagesSince(alphaHash, all.cursor, 10);
    assert.deepEqual(empty.items, []);

    const partition = partitionForKey(alphaHash, PARTITIONS);
    const otherPartition = (partition + 1) % PARTITIONS;
    const end = Number(all.cursor.split('.')[2]);
    for (const bad of [
      '',
      'nonsense',
      `c1.${partition}.-1`,
      `c1.${otherPartition}.0`,
      `c1.${partition}.${end + 1}`,
    ]) {
      await assert.rejects(f.relay.messagesSince(alphaHash, bad, 10), { code: 'BAD_CURSOR' }, bad);
      const stream = f.relay.subscribe(alphaHash, { cursor: bad, signal: AbortSignal.timeout(5_000) });
      await assert.rejects(stream.next(), { code: 'BAD_CURSOR' }, bad);
    }
    await assert.rejects(f.relay.messagesSince('ABC', null, 10), { code: 'BAD_RECIPIENT' });
    await assert.rejects(f.relay.messagesSince(alphaHash, null, 0), { code: 'BAD_ARGUMENT' });
  });
});
