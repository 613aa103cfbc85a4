// Relay.submit against FileLogBus + HeliaContentStore + PGlite: acceptance, refusals that leave
// nothing behind, duplicates, receipts, crash recovery and concurrency.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bus, BusMessage, PublishedRecord } from '@anchorpost/bus';
import { partitionForKey } from '@anchorpost/bus';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import {
  cidForBytes,
  GENESIS_STATE,
  parseTxFile,
  ProtocolError,
  serializeTxFile,
} from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import { forgeWithHarvestedSignature } from '@anchorpost/protocol/testing';
import { CID_HEADER } from '../src/relay.ts';
import { RelayError } from '../src/relay-error.ts';
import type { ReceiptStore } from '../src/receipt-store.ts';
import { verifyReceipt } from '../src/receipt-signing.ts';
import {
  openFixture,
  PARTITIONS,
  take,
  TENANT,
  txFileBytes,
  txFileBytesAt,
  legacyTxFileBytes,
  newGroup,
} from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

/** The real bus, except that the next `failures` publishes reject (after nothing was written). */
function failingBus(bus: Bus, failures: number): Bus {
  let left = failures;
  return {
    ensureTopic: (topic, spec) => bus.ensureTopic(topic, spec),
    publish(topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]> {
      if (left > 0) {
        left -= 1;
        return Promise.reject(new Error('bus down'));
      }
      return bus.publish(topic, messages);
    },
    read: (topic, partition, from, max) => bus.read(topic, partition, from, max),
    endOffsets: (topic) => bus.endOffsets(topic),
    subscribe: (options) => bus.subscribe(options),
    lag: (group, topic) => bus.lag(group, topic),
    close: () => Promise.resolve(),
  };
}

/**
 * The real bus, except that the next publish first appends `count` records of another key on the
 * same partition as the message (as if other submits had been published just before it).
 */
function crowdedBus(bus: Bus, count: number): Bus {
  let left = count;
  return {
    ...failingBus(bus, 0),
    async publish(topic: string, messages: readonly BusMessage[]): Promise<PublishedRecord[]> {
      const partition = partitionForKey(messages[0]!.key, PARTITIONS);
      let i = 0;
      while (partitionForKey(`other-${i}`, PARTITIONS) !== partition) i += 1;
      const others = Array.from({ length: left }, () => ({ key: `other-${i}`, value: new Uint8Array(1) }));
      left = 0;
      if (others.length > 0) await bus.publish(topic, others);
      return bus.publish(topic, messages);
    },
  };
}

/** Every call passed on to `store` (the object spread of a class instance copies no methods). */
function delegate(store: ReceiptStore): ReceiptStore {
  return {
    nextSequence: () => store.nextSequence(),
    nextSequences: (count) => store.nextSequences(count),
    insert: (receipt, busEndAtSign, chainPosition, tenantId) =>
      store.insert(receipt, busEndAtSign, chainPosition, tenantId),
    insertMany: (receipts) => store.insertMany(receipts),
    getAt: (recipientHash, chainPosition) => store.getAt(recipientHash, chainPosition),
    find: (cids, positions) => store.find(cids, positions),
    get: (cid) => store.get(cid),
    markPublished: (cid, position) => store.markPublished(cid, position),
    markPublishedMany: (published) => store.markPublishedMany(published),
  };
}

/** The real receipt store, except that the next markPublishedMany rejects (a crash after publishing). */
function forgetfulStore(store: ReceiptStore): ReceiptStore {
  let fail = true;
  return {
    ...delegate(store),
    markPublishedMany(published) {
      if (fail) {
        fail = false;
        return Promise.reject(new Error('crashed before recording the publish'));
      }
      return store.markPublishedMany(published);
    },
  };
}

describe('Relay.submit', { timeout: 120_000 }, () => {
  let f: Fixture;
  let group: GroupKeys;

  before(async () => {
    f = await openFixture({ clock: () => new Date('2026-11-22T04:50:00.123Z') });
    group = await newGroup(f.sender);
  });
  after(async () => {
    await f.close();
  });

  /** Records on the accepted topic (all partitions) whose CID header is `cid`. */
  async function recordsOf(cid: string): Promise<PublishedRecord[]> {
    const found: PublishedRecord[] = [];
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      for (let offset = 0; ;) {
        const records = await f.bus.read(TX_FILE_ACCEPTED_TOPIC, partition, offset, 1_000);
        if (records.length === 0) break;
        for (const record of records) {
          if (record.headers[CID_HEADER] === cid) found.push({ partition, offset: record.offset });
          offset = record.offset + 1;
        }
      }
    }
    return found;
  }

  async function assertNothingLeft(bytes: Uint8Array, recordsBefore: number): Promise<void> {
    assert.equal(await f.busRecords(), recordsBefore, 'nothing published');
    const cid = await cidForBytes(bytes);
    assert.equal(await f.receipts.get(cid), null, 'no receipt');
  }

  it('publishes and returns a signed receipt', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const cid = await cidForBytes(bytes);
    const recipientHash = parseTxFile(bytes).recipient.sha512hash;
    const before = await f.busRecords();
    const { receipt, duplicate } = await f.relay.submit(bytes, { tenantId: TENANT, requestId: 'r1' });
    assert.equal(duplicate, false);
    assert.equal(receipt.cid, cid);
    assert.equal(receipt.recipientHash, recipientHash);
    assert.equal(receipt.acceptedAt, '2026-11-22T04:50:00.123Z');
    assert.equal(receipt.relayKeyId, f.relay.keyId);
    assert.ok(verifyReceipt(receipt, f.relay.publicKey));
    assert.ok(verifyReceipt(receipt, f.relayKey.publicKeyRaw));
    // Published on the recipient's partition (exact bytes, served from the record until the
    // batcher stores them: the relay does not), receipt persisted.
    assert.equal(await f.storage.has(cid), false, 'the batcher stores it, not the relay');
    assert.deepEqual(await f.relay.getTxFile(cid), bytes);
    assert.equal(await f.busRecords(), before + 1);
    const stored = await f.receipts.get(cid);
    assert.equal(stored?.state, 'published');
    const [record] = await f.bus.read(
      TX_FILE_ACCEPTED_TOPIC,
      stored.published!.partition,
      stored.published!.offset,
      1,
    );
    assert.equal(record?.key, recipientHash);
    const event = txFileAccepted.decode(record.value);
    assert.deepEqual(event.receipt, receipt);
    assert.deepEqual(event.txFile, bytes);
    assert.deepEqual(await f.relay.getReceipt(cid), receipt);
  });

  it('tells the observer about acceptances and refusals, and survives a throwing observer', async () => {
    const events: string[] = [];
    const relay = await f.relayWith({
      observer: {
        accepted: (event) => {
          events.push(`accepted ${event.tenantId} ${event.requestId} ${event.duplicate} ${event.bytes}`);
          throw new Error('a broken metrics hook');
        },
        rejected: (event) => events.push(`rejected ${event.tenantId} ${event.code}`),
      },
    });
    const bytes = txFileBytes(group, f.sender, f.app);
    await relay.submit(bytes, { tenantId: TENANT, requestId: 'q1' });
    await assert.rejects(relay.submit(bytes, { tenantId: 'nobody' }));
    assert.deepEqual(events, [
      `accepted ${TENANT} q1 false ${bytes.length}`,
      'rejected nobody UNKNOWN_TENANT',
    ]);
  });

  it('returns the same receipt for the same bytes, and publishes once', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const first = await f.relay.submit(bytes, { tenantId: TENANT });
    const records = await f.busRecords();
    const again = await f.relay.submit(bytes, { tenantId: TENANT });
    assert.equal(again.duplicate, true);
    assert.deepEqual(again.receipt, first.receipt);
    assert.equal(await f.busRecords(), records);
  });

  it('accepts a file just under the default 1 MiB limit and delivers its exact bytes', async () => {
    // Base64 inside the tx-file and again in the bus record: the bus must take ~1.4 MiB records.
    let length = 740_000;
    let bytes = txFileBytes(group, f.sender, f.app, 'x'.repeat(length));
    // The text grows by 4/3 (base64) in the file: aim a little under the limit.
    length -= Math.ceil(((bytes.length - 1_048_000) * 3) / 4);
    bytes = txFileBytes(group, f.sender, f.app, 'x'.repeat(length));
    assert.ok(bytes.length > 1_000_000 && bytes.length <= 1_048_576, `${bytes.length} bytes`);
    const { receipt } = await f.relay.submit(bytes, { tenantId: TENANT });
    const page = await f.relay.messagesSince(receipt.recipientHash, null, 1000);
    const delivered = page.items.find((d) => d.cid === receipt.cid);
    // Buffer.equals: a failing deepEqual of 1 MiB arrays would spend minutes printing the diff.
    assert.ok(delivered && Buffer.from(delivered.txFile).equals(bytes), 'the exact bytes are delivered');
    assert.ok(Buffer.from(await f.relay.getTxFile(receipt.cid)).equals(bytes), 'the exact bytes are stored');
  });

  it('refuses a file over the size limit before parsing it (TOO_LARGE)', async () => {
    const relay = await f.relayWith({ maxTxFileBytes: 1_000 });
    const bytes = txFileBytes(group, f.sender, f.app, 'x'.repeat(2_000));
    const before = await f.busRecords();
    await assert.rejects(relay.submit(bytes, { tenantId: TENANT }), (error: unknown) => {
      return error instanceof RelayError && error.code === 'TOO_LARGE' && !error.retryable;
    });
    await assertNothingLeft(bytes, before);
  });

  it('passes protocol errors through with code and field (malformed YAML)', async () => {
    const bytes = new TextEncoder().encode('transaction: [unclosed\n');
    const before = await f.busRecords();
    const error = await f.relay.submit(bytes, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.match(error.code, /^YAML_/);
    assert.equal(typeof error.field, 'string');
    await assertNothingLeft(bytes, before);
  });

  it('refuses the same message in another YAML form (NOT_CANONICAL), leaving nothing, and takes the canonical one', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const yaml = new TextDecoder().decode(bytes);
    const variants = [
      `${yaml}# one more CID for the same message\n`,
      yaml.replace(/^( {2}version: .*\n)( {2}suite: .*\n)/m, '$2$1'),
      yaml.replace("  version: '0.2'\n", "  version:   '0.2'\n"),
      yaml.replaceAll('\n', '\r\n'),
    ].map((text) => new TextEncoder().encode(text));
    const before = await f.busRecords();
    for (const variant of variants) {
      assert.deepEqual(parseTxFile(variant), parseTxFile(bytes), 'a valid file, the same message');
      const error = await f.relay.submit(variant, { tenantId: TENANT }).catch((caught: unknown) => caught);
      assert.ok(error instanceof ProtocolError, String(error));
      assert.equal(error.code, 'NOT_CANONICAL');
      assert.equal(error.retryable, false);
      await assertNothingLeft(variant, before);
    }
    const { receipt, duplicate } = await f.relay.submit(bytes, { tenantId: TENANT });
    assert.equal(duplicate, false);
    assert.equal(receipt.cid, await cidForBytes(bytes));
  });

  it('refuses a second file at the same chain position (STATE_FORK), leaving nothing, and stays idempotent for the first', async () => {
    const forked = await newGroup(f.sender);
    const first = txFileBytesAt(forked, f.sender, f.app, GENESIS_STATE, 'the first at genesis');
    const fork = txFileBytesAt(forked, f.sender, f.app, GENESIS_STATE, 'another at genesis');
    const accepted = await f.relay.submit(first, { tenantId: TENANT });
    assert.equal(accepted.duplicate, false);
    const before = await f.busRecords();
    const error = await f.relay.submit(fork, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof RelayError, String(error));
    assert.equal(error.code, 'STATE_FORK');
    assert.equal(error.retryable, false);
    assert.match(error.message, new RegExp(accepted.receipt.cid));
    await assertNothingLeft(fork, before);
    // The same bytes again: the same receipt, as before.
    const again = await f.relay.submit(first, { tenantId: TENANT });
    assert.deepEqual(again, { receipt: accepted.receipt, duplicate: true });
    // The next position (after the first file) is free, and then taken in turn.
    const after = parseTxFile(first).state.after;
    const next = await f.relay.submit(txFileBytesAt(forked, f.sender, f.app, after, 'next'), {
      tenantId: TENANT,
    });
    assert.equal(next.duplicate, false);
    await assert.rejects(
      f.relay.submit(txFileBytesAt(forked, f.sender, f.app, after, 'a fork of the next'), {
        tenantId: TENANT,
      }),
      { code: 'STATE_FORK' },
    );
    // The same position in another group is another chain.
    const elsewhere = txFileBytesAt(await newGroup(f.sender), f.sender, f.app, GENESIS_STATE);
    assert.equal((await f.relay.submit(elsewhere, { tenantId: TENANT })).duplicate, false);
  });

  it('refuses a fork that got past the look-up (another relay process at the same moment) at the receipt insert', async () => {
    const forked = await newGroup(f.sender);
    const first = txFileBytesAt(forked, f.sender, f.app, GENESIS_STATE, 'one');
    const fork = txFileBytesAt(forked, f.sender, f.app, GENESIS_STATE, 'two');
    // Both relays look before either inserts: only the database's unique index decides.
    const blind: ReceiptStore = {
      ...delegate(f.receipts),
      getAt: () => Promise.resolve(null),
      find: (cids) => f.receipts.find(cids, []),
    };
    const [a, b] = await Promise.all([f.relayWith({ receipts: blind }), f.relayWith({ receipts: blind })]);
    const before = await f.busRecords();
    const results = await Promise.allSettled([
      a.submit(first, { tenantId: TENANT }),
      b.submit(fork, { tenantId: TENANT }),
    ]);
    const accepted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(accepted.length, 1, 'exactly one of the two');
    assert.equal(refused.length, 1);
    assert.equal((refused[0]!.reason as RelayError).code, 'STATE_FORK');
    assert.equal(await f.busRecords(), before + 1, 'only the accepted one is published');
    const loser = results[0].status === 'rejected' ? first : fork;
    assert.equal(await f.receipts.get(await cidForBytes(loser)), null, 'no receipt for the fork');
  });

  it('refuses an unknown tenant (UNKNOWN_TENANT)', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const before = await f.busRecords();
    await assert.rejects(f.relay.submit(bytes, { tenantId: 'nobody' }), { code: 'UNKNOWN_TENANT' });
    await assertNothingLeft(bytes, before);
  });

  it("refuses a client that is not among the tenant's keys (UNKNOWN_CLIENT)", async () => {
    const bytes = txFileBytes(group, f.sender, f.stranger);
    const before = await f.busRecords();
    await assert.rejects(f.relay.submit(bytes, { tenantId: TENANT }), { code: 'UNKNOWN_CLIENT' });
    await assert.rejects(f.relay.submit(txFileBytes(group, f.sender, f.app), { tenantId: 'empty' }), {
      code: 'UNKNOWN_CLIENT',
    });
    await assertNothingLeft(bytes, before);
  });

  it('refuses a bad client signature (BAD_SIGNATURE, passed through)', async () => {
    const tx = parseTxFile(txFileBytes(group, f.sender, f.app));
    const other = parseTxFile(txFileBytes(group, f.sender, f.app));
    const bytes = serializeTxFile({ ...tx, client: { ...tx.client, signature: other.client.signature } });
    const before = await f.busRecords();
    const error = await f.relay.submit(bytes, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal(error.code, 'BAD_SIGNATURE');
    assert.equal(error.field, 'transaction.client.signature');
    await assertNothingLeft(bytes, before);
  });

  it("refuses another file under a harvested client signature (BAD_SIGNATURE): an accepted file's signature does not carry over", async () => {
    const victim = txFileBytes(group, f.sender, f.app, 'pay Bob 10');
    await f.relay.submit(victim, { tenantId: TENANT });
    // The outsider's own content, at a fresh chain position, under the victim's signed fields.
    const donor = txFileBytes(await newGroup(f.stranger), f.stranger, f.stranger, 'pay Mallory 10 000');
    const forged = forgeWithHarvestedSignature(victim, donor);
    assert.equal(parseTxFile(forged).client.id, parseTxFile(victim).client.id);
    const before = await f.busRecords();
    const error = await f.relay.submit(forged, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.deepEqual(
      { code: error.code, field: error.field },
      { code: 'BAD_SIGNATURE', field: 'transaction.client.signature' },
    );
    await assertNothingLeft(forged, before);
  });

  it('refuses a v0.1 file (LEGACY_TX_FILE), even one its registered client really signed', async () => {
    const legacy = legacyTxFileBytes(await newGroup(f.sender), f.sender, f.app);
    assert.equal(parseTxFile(legacy).version, '0.1');
    const before = await f.busRecords();
    const error = await f.relay.submit(legacy, { tenantId: TENANT }).catch((caught: unknown) => caught);
    assert.ok(error instanceof ProtocolError, String(error));
    assert.deepEqual(
      { code: error.code, field: error.field, retryable: error.retryable },
      { code: 'LEGACY_TX_FILE', field: 'transaction.version', retryable: false },
    );
    await assertNothingLeft(legacy, before);
  });

  it('signs receipts that fail to verify once tampered with or under another key', async () => {
    const { receipt } = await f.relay.submit(txFileBytes(group, f.sender, f.app), { tenantId: TENANT });
    assert.equal(verifyReceipt(receipt, f.relay.publicKey), true);
    for (const tampered of [
      { ...receipt, sequence: receipt.sequence + 1 },
      { ...receipt, acceptedAt: '2026-11-22T04:50:00.124Z' },
      { ...receipt, cid: receipt.cid.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')) },
      { ...receipt, recipientHash: '0'.repeat(128) },
      { ...receipt, signature: Buffer.alloc(64).toString('base64') },
    ]) {
      assert.equal(verifyReceipt(tampered, f.relay.publicKey), false, JSON.stringify(tampered));
    }
    const other = await f.relayWith({
      relayKey: (await import('../src/relay-key.ts')).generateRelayKey().pkcs8Pem,
    });
    assert.equal(verifyReceipt(receipt, other.publicKey), false);
  });

  it('completes a submit that failed after its receipt, publishing once on retry', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const cid = await cidForBytes(bytes);
    const flaky = await f.relayWith({ bus: failingBus(f.bus, 1) });
    const before = await f.busRecords();
    await assert.rejects(flaky.submit(bytes, { tenantId: TENANT }), /bus down/);
    assert.equal((await f.receipts.get(cid))?.state, 'signed');
    assert.equal(await f.relay.getReceipt(cid), null, 'not acknowledged, so not served');
    const signed = (await f.receipts.get(cid))!.receipt;

    const retry = await flaky.submit(bytes, { tenantId: TENANT });
    assert.deepEqual(retry.receipt, signed, 'the receipt signed before the crash');
    assert.equal(retry.duplicate, false);
    assert.equal(await f.busRecords(), before + 1, 'published once');
    // The retry looked for the record from the bus end kept with the receipt, found none, published.
    assert.deepEqual(await recordsOf(cid), [(await f.receipts.get(cid))!.published]);
    const third = await f.relay.submit(bytes, { tenantId: TENANT });
    assert.equal(third.duplicate, true);
    assert.equal(await f.busRecords(), before + 1);
  });

  it('after a crash between publishing and recording it, a retry finds the record and does not publish again', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const cid = await cidForBytes(bytes);
    const recipientHash = parseTxFile(bytes).recipient.sha512hash;
    // A subscriber connected before the submit (its cursor lies before the record).
    const start = await f.relay.subscriptionStart(recipientHash);
    const crashing = await f.relayWith({ receipts: forgetfulStore(f.receipts) });
    const before = await f.busRecords();
    await assert.rejects(crashing.submit(bytes, { tenantId: TENANT }), /crashed/);
    assert.equal(await f.busRecords(), before + 1, 'the record is durable');
    const signed = await f.receipts.get(cid);
    assert.equal(signed?.state, 'signed');
    assert.equal(signed.busEndAtSign?.partition, partitionForKey(recipientHash, PARTITIONS));
    assert.equal(await f.relay.getReceipt(cid), null, 'not acknowledged, so not served');
    // The subscriber gets the file before the client retries.
    const controller = new AbortController();
    const [first] = await take(
      f.relay.subscribe(recipientHash, { cursor: start, signal: controller.signal }),
      1,
    );
    controller.abort();
    assert.equal(first?.cid, cid);

    // The client retries the same bytes (here through a relay whose store works again).
    const retry = await crashing.submit(bytes, { tenantId: TENANT });
    assert.deepEqual(retry.receipt, signed.receipt, 'the receipt signed before the crash');
    assert.equal(retry.duplicate, true, 'already published');
    assert.equal(await f.busRecords(), before + 1, 'not published again');
    const records = await recordsOf(cid);
    assert.equal(records.length, 1, 'exactly one record with the CID');
    assert.deepEqual((await f.receipts.get(cid))?.published, records[0], 'marked published where it is');
    assert.deepEqual(await f.relay.getReceipt(cid), signed.receipt);
    assert.equal((await f.relay.submit(bytes, { tenantId: TENANT })).duplicate, true);
    assert.equal(await f.busRecords(), before + 1);

    // The subscriber reconnects after the file: nothing more; from before it: the file once.
    const after = await f.relay.messagesSince(recipientHash, first.cursor, 1000);
    assert.deepEqual(after.items, []);
    assert.equal(after.caughtUp, true);
    const again = await f.relay.messagesSince(recipientHash, start, 1000);
    assert.deepEqual(
      again.items.map((d) => d.cid),
      [cid],
    );
    assert.deepEqual(again.items[0]?.receipt, retry.receipt);
  });

  it('publishes again when the record lies beyond maxRecoveryScanRecords, and delivery yields one file', async () => {
    const bytes = txFileBytes(group, f.sender, f.app);
    const cid = await cidForBytes(bytes);
    const recipientHash = parseTxFile(bytes).recipient.sha512hash;
    const start = await f.relay.subscriptionStart(recipientHash);
    // Three other records land between the bus end read before signing and this file's record;
    // the retry looks at two records only.
    const crashing = await f.relayWith({
      bus: crowdedBus(f.bus, 3),
      receipts: forgetfulStore(f.receipts),
      maxRecoveryScanRecords: 2,
    });
    await assert.rejects(crashing.submit(bytes, { tenantId: TENANT }), /crashed/);
    const retry = await crashing.submit(bytes, { tenantId: TENANT });
    assert.equal(retry.duplicate, false, 'not found within the bound: published again');
    assert.equal((await recordsOf(cid)).length, 2, 'the documented second record');
    const controller = new AbortController();
    const delivered = await take(
      f.relay.subscribe(recipientHash, { cursor: start, signal: controller.signal }),
      1,
    );
    controller.abort();
    assert.deepEqual(
      delivered.map((d) => d.cid),
      [cid],
    );
    const page = await f.relay.messagesSince(recipientHash, start, 1000);
    assert.deepEqual(
      page.items.map((d) => d.cid),
      [cid],
      'one delivery within a page',
    );
    assert.equal(page.caughtUp, true);
  });

  it('gives 200 concurrent submits distinct sequences and one record each, delivered once', async () => {
    const files = Array.from({ length: 200 }, (_, i) => txFileBytes(group, f.sender, f.app, `m${i}`));
    const before = await f.busRecords();
    const results = await Promise.all(
      [...files, files[0]!, files[1]!].map((bytes) => f.relay.submit(bytes, { tenantId: TENANT })),
    );
    const sequences = new Set(results.map((r) => r.receipt.sequence));
    assert.equal(sequences.size, 200, 'the two resubmits share their receipts; all others are distinct');
    assert.equal(results.filter((r) => r.duplicate).length, 2);
    assert.equal(await f.busRecords(), before + 200);
    const recipientHash = results[0]!.receipt.recipientHash;
    const cids = new Set<string>();
    let cursor: string | null = null;
    for (;;) {
      const page = await f.relay.messagesSince(recipientHash, cursor, 1000);
      for (const item of page.items) {
        assert.equal(cids.has(item.cid), false, 'delivered once');
        cids.add(item.cid);
      }
      cursor = page.cursor;
      if (page.caughtUp) break;
    }
    for (const result of results) assert.ok(cids.has(result.receipt.cid));
  });
});
