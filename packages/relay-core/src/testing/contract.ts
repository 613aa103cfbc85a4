/**
 * The ReceiptStore contract: what the relay relies on, run against the in-memory store and the
 * PostgreSQL one (embedded PGlite, and a real server when one is given). Sequences grow; the
 * first receipt of a CID wins; the first receipt at a chain position wins (a fork gets the
 * holder back); a reused sequence is refused (and a group insert with one stores nothing);
 * publication is recorded once; the group calls answer as the single ones; values (the bus end
 * read before signing and the chain position too) round-trip exactly.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RelayReceipt } from '@anchorpost/events';
import type { ChainPosition, ReceiptStore } from '../receipt-store.ts';

export interface ReceiptStoreFactory {
  /** A new, empty store and how to dispose of it. */
  create(): Promise<{ store: ReceiptStore; destroy(): Promise<void> }>;
}

/** The tenant every receipt here is stored for: it round-trips. */
const TENANT = 'acme';

function hex(label: string, length: number): string {
  return createHash('sha512').update(label).digest('hex').slice(0, length);
}

function cidFor(label: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let body = '';
  for (const byte of createHash('sha256').update(label).digest()) body += alphabet[byte % 32]!;
  return `bafkrei${body}${body.slice(0, 20)}`;
}

function receipt(label: string, sequence: number): RelayReceipt {
  return {
    version: 1,
    cid: cidFor(label),
    recipientHash: hex(`${label}/recipient`, 128),
    acceptedAt: '2026-11-22T04:45:00.123Z',
    sequence,
    relayKeyId: hex('relay', 64),
    signature: Buffer.from(hex(`${label}/signature`, 128), 'hex').toString('base64'),
  };
}

/** A chain position of its own per label (the group is the receipt's recipient hash). */
function position(label: string): ChainPosition {
  return { clientId: hex(`${label}/client`, 64), stateBefore: hex(`${label}/before`, 128) };
}

export function receiptStoreContract(name: string, factory: ReceiptStoreFactory): void {
  describe(`ReceiptStore contract: ${name}`, () => {
    let store: ReceiptStore;
    let destroy: (() => Promise<void>) | undefined;

    before(async () => {
      const created = await factory.create();
      store = created.store;
      destroy = () => created.destroy();
    });
    after(async () => {
      await destroy?.();
    });

    it('hands out increasing sequences, also when asked concurrently', async () => {
      const first = await store.nextSequence();
      const many = await Promise.all(Array.from({ length: 50 }, () => store.nextSequence()));
      assert.ok(first >= 1);
      assert.equal(new Set(many).size, 50, 'all distinct');
      for (const sequence of many) assert.ok(sequence > first);
    });

    it('stores a receipt as signed and returns it exactly', async () => {
      const stored = receipt('a', await store.nextSequence());
      const { stored: result, inserted } = await store.insert(stored, null, position('a'), TENANT);
      assert.equal(inserted, true);
      assert.deepEqual(result, {
        receipt: stored,
        state: 'signed',
        published: null,
        busEndAtSign: null,
        chainPosition: position('a'),
        tenantId: TENANT,
      });
      assert.deepEqual(await store.get(stored.cid), result);
      assert.equal(await store.get(cidFor('unknown')), null);
    });

    it('keeps the bus end read before signing, through publishing', async () => {
      const stored = receipt('g', await store.nextSequence());
      // Beyond 2^32: offsets are 64-bit on the bus.
      const busEndAtSign = { partition: 6, offset: 5_000_000_123 };
      const { stored: result } = await store.insert(stored, busEndAtSign, position('g'), TENANT);
      const chainPosition = position('g');
      assert.deepEqual(result, {
        receipt: stored,
        state: 'signed',
        published: null,
        busEndAtSign,
        chainPosition,
        tenantId: TENANT,
      });
      assert.deepEqual(await store.get(stored.cid), result);
      await store.markPublished(stored.cid, { partition: 6, offset: 5_000_000_140 });
      assert.deepEqual(await store.get(stored.cid), {
        receipt: stored,
        state: 'published',
        published: { partition: 6, offset: 5_000_000_140 },
        busEndAtSign,
        chainPosition,
        tenantId: TENANT,
      });
    });

    it('keeps the first receipt of a CID', async () => {
      const first = receipt('b', await store.nextSequence());
      await store.insert(first, { partition: 1, offset: 10 }, position('b'), TENANT);
      const second = { ...receipt('b', await store.nextSequence()), acceptedAt: '2026-11-22T05:00:00.000Z' };
      const { stored, inserted } = await store.insert(
        second,
        { partition: 2, offset: 20 },
        position('b'),
        TENANT,
      );
      assert.equal(inserted, false);
      assert.deepEqual(stored.receipt, first);
      assert.deepEqual(stored.busEndAtSign, { partition: 1, offset: 10 }, 'with its own bus end');
    });

    it('refuses a sequence that another receipt has', async () => {
      const sequence = await store.nextSequence();
      await store.insert(receipt('c', sequence), null, position('c'), TENANT);
      await assert.rejects(store.insert(receipt('d', sequence), null, position('d'), TENANT), {
        code: 'UNIQUE_VIOLATION',
      });
      assert.equal(await store.get(cidFor('d')), null);
    });

    it('marks a receipt published once, keeping the first position', async () => {
      const stored = receipt('e', await store.nextSequence());
      await store.insert(stored, null, position('e'), TENANT);
      await store.markPublished(stored.cid, { partition: 3, offset: 41 });
      await store.markPublished(stored.cid, { partition: 5, offset: 99 });
      assert.deepEqual(await store.get(stored.cid), {
        receipt: stored,
        state: 'published',
        published: { partition: 3, offset: 41 },
        busEndAtSign: null,
        chainPosition: position('e'),
        tenantId: TENANT,
      });
      const again = await store.insert(stored, null, position('e'), TENANT);
      assert.equal(again.inserted, false);
      assert.equal(again.stored.state, 'published');
    });

    it('refuses to mark an unknown CID', async () => {
      await assert.rejects(store.markPublished(cidFor('nothing'), { partition: 0, offset: 0 }), {
        code: 'NOT_FOUND',
      });
    });

    it('returns copies: changing a result changes nothing stored', async () => {
      const stored = receipt('f', await store.nextSequence());
      const { stored: result } = await store.insert(
        stored,
        { partition: 0, offset: 7 },
        position('f'),
        TENANT,
      );
      result.receipt.signature = 'changed';
      result.busEndAtSign!.offset = 8;
      result.chainPosition!.stateBefore = 'changed';
      assert.deepEqual((await store.get(stored.cid))?.receipt, stored);
      assert.deepEqual((await store.get(stored.cid))?.busEndAtSign, { partition: 0, offset: 7 });
      assert.deepEqual((await store.get(stored.cid))?.chainPosition, position('f'));
      const held = await store.getAt(stored.recipientHash, position('f'));
      held!.receipt.cid = 'changed';
      assert.equal((await store.getAt(stored.recipientHash, position('f')))?.receipt.cid, stored.cid);
    });

    it('keeps the first receipt at a chain position: another CID there (a fork) gets the holder back', async () => {
      const first = receipt('h', await store.nextSequence());
      await store.insert(first, { partition: 1, offset: 3 }, position('h'), TENANT);
      assert.deepEqual((await store.getAt(first.recipientHash, position('h')))?.receipt, first);
      // Another tx-file (another CID) of the same client in the same group at the same state.before.
      const fork = { ...receipt('i', await store.nextSequence()), recipientHash: first.recipientHash };
      const { stored, inserted } = await store.insert(
        fork,
        { partition: 1, offset: 4 },
        position('h'),
        TENANT,
      );
      assert.equal(inserted, false);
      assert.deepEqual(stored, (await store.get(first.cid))!, "the holder's receipt, as stored");
      assert.equal(await store.get(fork.cid), null, 'nothing stored for the fork');
      // The position stays taken once the holder is published.
      await store.markPublished(first.cid, { partition: 1, offset: 5 });
      const later = { ...receipt('j', await store.nextSequence()), recipientHash: first.recipientHash };
      const again = await store.insert(later, null, position('h'), TENANT);
      assert.equal(again.inserted, false);
      assert.equal(again.stored.receipt.cid, first.cid);
      assert.equal(again.stored.state, 'published');
    });

    it('tells chain positions apart by group, client and state.before', async () => {
      const first = receipt('k', await store.nextSequence());
      await store.insert(first, null, position('k'), TENANT);
      const { clientId, stateBefore } = position('k');
      const others: [string, string, ChainPosition][] = [
        ['another group', receipt('l', 0).recipientHash, { clientId, stateBefore }],
        ['another client', first.recipientHash, { clientId: hex('other client', 64), stateBefore }],
        ['another state.before', first.recipientHash, { clientId, stateBefore: hex('other before', 128) }],
      ];
      for (const [name, recipientHash, chainPosition] of others) {
        assert.equal(await store.getAt(recipientHash, chainPosition), null, name);
        const other = { ...receipt(`k ${name}`, await store.nextSequence()), recipientHash };
        const { stored, inserted } = await store.insert(other, null, chainPosition, TENANT);
        assert.equal(inserted, true, name);
        assert.deepEqual(stored.chainPosition, chainPosition, name);
        assert.equal((await store.getAt(recipientHash, chainPosition))?.receipt.cid, other.cid, name);
      }
      assert.equal((await store.getAt(first.recipientHash, position('k')))?.receipt.cid, first.cid);
    });

    it('hands out a block of increasing, unused sequences in one call', async () => {
      const before = await store.nextSequence();
      const block = await store.nextSequences(25);
      assert.equal(block.length, 25);
      assert.equal(new Set(block).size, 25);
      assert.deepEqual(
        block,
        [...block].sort((a, b) => a - b),
      );
      assert.ok(block[0]! > before);
      assert.ok((await store.nextSequence()) > block[24]!);
    });

    it("inserts many receipts at once, each answered as insert would: new, the CID's first, a position's holder", async () => {
      const held = receipt('m held', await store.nextSequence());
      await store.insert(held, null, position('m held'), TENANT);
      const [s1, s2, s3] = await store.nextSequences(3);
      const fresh = receipt('m fresh', s1!);
      const sameCid = { ...receipt('m held', s2!), acceptedAt: '2026-11-22T05:00:00.000Z' };
      const fork = { ...receipt('m fork', s3!), recipientHash: held.recipientHash };
      const results = await store.insertMany([
        {
          receipt: fresh,
          busEndAtSign: { partition: 3, offset: 7 },
          chainPosition: position('m fresh'),
          tenantId: TENANT,
        },
        { receipt: sameCid, busEndAtSign: null, chainPosition: position('m held'), tenantId: TENANT },
        { receipt: fork, busEndAtSign: null, chainPosition: position('m held'), tenantId: TENANT },
      ]);
      assert.deepEqual(
        results.map((r) => [r.inserted, r.stored.receipt.cid]),
        [
          [true, fresh.cid],
          [false, held.cid],
          [false, held.cid],
        ],
      );
      assert.deepEqual(results[0]!.stored, {
        receipt: fresh,
        state: 'signed',
        published: null,
        busEndAtSign: { partition: 3, offset: 7 },
        chainPosition: position('m fresh'),
        tenantId: TENANT,
      });
      assert.equal(await store.get(fork.cid), null, 'the fork is not stored');
    });

    it('inserts all or nothing: a reused sequence stores none of the receipts', async () => {
      const used = await store.nextSequence();
      await store.insert(receipt('n used', used), null, position('n used'), TENANT);
      const free = await store.nextSequence();
      await assert.rejects(
        store.insertMany([
          {
            receipt: receipt('n ok', free),
            busEndAtSign: null,
            chainPosition: position('n ok'),
            tenantId: TENANT,
          },
          {
            receipt: receipt('n dup', used),
            busEndAtSign: null,
            chainPosition: position('n dup'),
            tenantId: TENANT,
          },
        ]),
        { code: 'UNIQUE_VIOLATION' },
      );
      assert.equal(await store.get(cidFor('n ok')), null, 'rolled back');
      assert.equal(await store.get(cidFor('n dup')), null);
    });

    it('finds receipts by CID and by chain position in one call', async () => {
      const a = receipt('o a', await store.nextSequence());
      const b = receipt('o b', await store.nextSequence());
      await store.insert(a, null, position('o a'), TENANT);
      await store.insert(b, null, position('o b'), TENANT);
      const found = await store.find(
        [a.cid, cidFor('o unknown')],
        [
          { recipientHash: b.recipientHash, chainPosition: position('o b') },
          { recipientHash: b.recipientHash, chainPosition: position('o nobody') },
        ],
      );
      assert.deepEqual(found.map((stored) => stored.receipt.cid).sort(), [a.cid, b.cid].sort());
      assert.deepEqual(await store.find([], []), []);
    });

    it('marks many receipts published at once, keeping a first position', async () => {
      const a = receipt('p a', await store.nextSequence());
      const b = receipt('p b', await store.nextSequence());
      await store.insert(a, null, position('p a'), TENANT);
      await store.insert(b, null, position('p b'), TENANT);
      await store.markPublished(a.cid, { partition: 1, offset: 1 });
      await store.markPublishedMany([
        { cid: a.cid, position: { partition: 2, offset: 2 } },
        { cid: b.cid, position: { partition: 3, offset: 5_000_000_003 } },
      ]);
      assert.deepEqual((await store.get(a.cid))?.published, { partition: 1, offset: 1 });
      assert.deepEqual((await store.get(b.cid))?.published, { partition: 3, offset: 5_000_000_003 });
      assert.equal((await store.get(b.cid))?.state, 'published');
      await assert.rejects(
        store.markPublishedMany([{ cid: cidFor('p unknown'), position: { partition: 0, offset: 0 } }]),
        { code: 'NOT_FOUND' },
      );
    });
  });
}
