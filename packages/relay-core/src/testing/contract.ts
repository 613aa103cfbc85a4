/**
 * The ReceiptStore contract: what the relay relies on, run against the in-memory store and the
 * PostgreSQL one (embedded PGlite, and a real server when one is given). Sequences grow; the
 * first receipt of a CID wins; a reused sequence is refused; publication is recorded once;
 * values (the bus end read before signing too) round-trip exactly.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { RelayReceipt } from '@anchorpost/events';
import type { ReceiptStore } from '../receipt-store.ts';

export interface ReceiptStoreFactory {
  /** A new, empty store and how to dispose of it. */
  create(): Promise<{ store: ReceiptStore; destroy(): Promise<void> }>;
}

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
      const { stored: result, inserted } = await store.insert(stored, null);
      assert.equal(inserted, true);
      assert.deepEqual(result, { receipt: stored, state: 'signed', published: null, busEndAtSign: null });
      assert.deepEqual(await store.get(stored.cid), result);
      assert.equal(await store.get(cidFor('unknown')), null);
    });

    it('keeps the bus end read before signing, through publishing', async () => {
      const stored = receipt('g', await store.nextSequence());
      // Beyond 2^32: offsets are 64-bit on the bus.
      const busEndAtSign = { partition: 6, offset: 5_000_000_123 };
      const { stored: result } = await store.insert(stored, busEndAtSign);
      assert.deepEqual(result, { receipt: stored, state: 'signed', published: null, busEndAtSign });
      assert.deepEqual(await store.get(stored.cid), result);
      await store.markPublished(stored.cid, { partition: 6, offset: 5_000_000_140 });
      assert.deepEqual(await store.get(stored.cid), {
        receipt: stored,
        state: 'published',
        published: { partition: 6, offset: 5_000_000_140 },
        busEndAtSign,
      });
    });

    it('keeps the first receipt of a CID', async () => {
      const first = receipt('b', await store.nextSequence());
      await store.insert(first, { partition: 1, offset: 10 });
      const second = { ...receipt('b', await store.nextSequence()), acceptedAt: '2026-11-22T05:00:00.000Z' };
      const { stored, inserted } = await store.insert(second, { partition: 2, offset: 20 });
      assert.equal(inserted, false);
      assert.deepEqual(stored.receipt, first);
      assert.deepEqual(stored.busEndAtSign, { partition: 1, offset: 10 }, 'with its own bus end');
    });

    it('refuses a sequence that another receipt has', async () => {
      const sequence = await store.nextSequence();
      await store.insert(receipt('c', sequence), null);
      await assert.rejects(store.insert(receipt('d', sequence), null), { code: 'UNIQUE_VIOLATION' });
      assert.equal(await store.get(cidFor('d')), null);
    });

    it('marks a receipt published once, keeping the first position', async () => {
      const stored = receipt('e', await store.nextSequence());
      await store.insert(stored, null);
      await store.markPublished(stored.cid, { partition: 3, offset: 41 });
      await store.markPublished(stored.cid, { partition: 5, offset: 99 });
      assert.deepEqual(await store.get(stored.cid), {
        receipt: stored,
        state: 'published',
        published: { partition: 3, offset: 41 },
        busEndAtSign: null,
      });
      const again = await store.insert(stored, null);
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
      const { stored: result } = await store.insert(stored, { partition: 0, offset: 7 });
      result.receipt.signature = 'changed';
      result.busEndAtSign!.offset = 8;
      assert.deepEqual((await store.get(stored.cid))?.receipt, stored);
      assert.deepEqual((await store.get(stored.cid))?.busEndAtSign, { partition: 0, offset: 7 });
    });
  });
}
