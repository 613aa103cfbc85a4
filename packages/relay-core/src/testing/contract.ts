/**
 * The ReceiptStore contract: what the relay relies on, run against the in-memory store and the
 * PostgreSQL one (embedded PGlite). Sequences grow; the first receipt of a CID wins; a reused
 * sequence is refused; publication is recorded once; values round-trip exactly.
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
      const { stored: result, inserted } = await store.insert(stored);
      assert.equal(inserted, true);
      assert.deepEqual(result, { receipt: stored, state: 'signed', published: null });
      assert.deepEqual(await store.get(stored.cid), result);
      assert.equal(await store.get(cidFor('unknown')), null);
    });

    it('keeps the first receipt of a CID', async () => {
      const first = receipt('b', await store.nextSequence());
      await store.insert(first);
      const second = { ...receipt('b', await store.nextSequence()), acceptedAt: '2026-11-22T05:00:00.000Z' };
      const { stored, inserted } = await store.insert(second);
      assert.equal(inserted, false);
      assert.deepEqual(stored.receipt, first);
    });

    it('refuses a sequence that another receipt has', async () => {
      const sequence = await store.nextSequence();
      await store.insert(receipt('c', sequence));
      await assert.rejects(store.insert(receipt('d', sequence)), { code: 'UNIQUE_VIOLATION' });
      assert.equal(await store.get(cidFor('d')), null);
    });

    it('marks a receipt published once, keeping the first position', async () => {
      const stored = receipt('e', await store.nextSequence());
      await store.insert(stored);
      await store.markPublished(stored.cid, { partition: 3, offset: 41 });
      await store.markPublished(stored.cid, { partition: 5, offset: 99 });
      assert.deepEqual(await store.get(stored.cid), {
        receipt: stored,
        state: 'published',
        published: { partition: 3, offset: 41 },
      });
      const again = await store.insert(stored);
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
      const { stored: result } = await store.insert(stored);
      result.receipt.signature = 'changed';
      assert.deepEqual((await store.get(stored.cid))?.receipt, stored);
    });
  });
}
