/**
 * The contract suite of AnchorRequestStore: the in-memory store here and the database adapter
 * (packages/db) must both pass it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AnchorState, newAnchorRecord, transition } from '../anchor-request.ts';
import type { AnchorRecord } from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { sampleAnchorRequest } from './contract.ts';

export type AnchorRequestStoreFactory = () => Promise<{
  store: AnchorRequestStore;
  close: () => Promise<void>;
}>;

const T0 = new Date('2026-01-01T00:00:00.000Z');
const T1 = new Date('2026-01-01T00:01:00.000Z');

function record(chain: string, sequence: number): AnchorRecord {
  return newAnchorRecord(chain, sampleAnchorRequest(sequence), T0);
}

/** A record with every optional field filled, to prove nothing is lost on the way through. */
function fullRecord(chain: string, sequence: number): AnchorRecord {
  const submitted = transition(
    record(chain, sequence),
    AnchorState.Submitted,
    {
      nonce: 7,
      attempts: [
        {
          txHash: `0x${'ab'.repeat(32)}`,
          rawTransaction: `0x02${'cd'.repeat(100)}`,
          fees: { maxFeePerGas: '123456789012345678901', maxPriorityFeePerGas: '1', gasLimit: '60000' },
          submittedAt: T0.toISOString(),
        },
        {
          txHash: `0x${'ef'.repeat(32)}`,
          rawTransaction: `0x02${'01'.repeat(100)}`,
          fees: { maxFeePerGas: '138888888888888888764', maxPriorityFeePerGas: '2', gasLimit: '60000' },
          submittedAt: T1.toISOString(),
        },
      ],
      lastError: { code: 'RPC_ERROR', message: 'boom "quoted" \n newline', at: T1.toISOString() },
    },
    T1,
  );
  return transition(
    submitted,
    AnchorState.Mined,
    {
      inclusion: {
        txHash: `0x${'ef'.repeat(32)}`,
        blockNumber: 2 ** 40,
        blockHash: `0x${'12'.repeat(32)}`,
        blockTime: T1.toISOString(),
        logIndex: 3,
        adopted: false,
      },
      confirmations: 1,
    },
    T1,
  );
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof ChainError && error.code === code);
}

export function anchorRequestStoreContract(name: string, factory: AnchorRequestStoreFactory): void {
  describe(`AnchorRequestStore contract: ${name}`, () => {
    let store: AnchorRequestStore;
    let close: () => Promise<void>;
    let n = 0;
    // A chain id per test keeps tests independent on one store.
    const chainId = (): string => `test:${process.pid}:${n++}`;

    before(async () => {
      ({ store, close } = await factory());
    });
    after(async () => {
      await close();
    });

    it('creates once and returns the stored record on a second create', async () => {
      const chain = chainId();
      const first = record(chain, 1);
      assert.deepEqual(await store.create(first), first);
      const different = { ...record(chain, 1), root: sampleAnchorRequest(2).root };
      assert.deepEqual(await store.create(different), first);
      assert.deepEqual(await store.get(chain, 1), first);
      assert.equal(await store.get(chain, 2), undefined);
      assert.equal(await store.get(chainId(), 1), undefined);
    });

    it('round-trips every field', async () => {
      const chain = chainId();
      const full = fullRecord(chain, 5);
      await store.create(record(chain, 5));
      const submitted = {
        ...full,
        state: AnchorState.Submitted,
        version: 2,
        inclusion: null,
        confirmations: 0,
      };
      await store.update(submitted);
      assert.deepEqual(await store.get(chain, 5), submitted);
      await store.update({ ...full, version: 3 });
      assert.deepEqual(await store.get(chain, 5), { ...full, version: 3 });
    });

    it('keeps its own copy: changing an object after writing it changes nothing stored', async () => {
      const chain = chainId();
      const mutable = structuredClone(record(chain, 1)) as {
        -readonly [K in keyof AnchorRecord]: AnchorRecord[K];
      };
      await store.create(mutable);
      mutable.root = 'f'.repeat(64);
      assert.equal((await store.get(chain, 1))?.root, record(chain, 1).root);
    });

    it('updates only from the stored version (compare-and-swap)', async () => {
      const chain = chainId();
      const created = await store.create(record(chain, 1));
      const next = transition(created, AnchorState.Submitted, { nonce: 0 }, T1);
      await store.update(next);
      await rejectsWith(store.update(next), ChainErrorCode.StoreConflict);
      await rejectsWith(store.update({ ...next, version: next.version + 2 }), ChainErrorCode.StoreConflict);
      await rejectsWith(
        store.update(transition(created, AnchorState.Failed, {}, T1)),
        ChainErrorCode.StoreConflict,
      );
      await rejectsWith(
        store.update(transition(record(chain, 9), AnchorState.Submitted, {}, T1)),
        ChainErrorCode.NotFound,
      );
      assert.deepEqual(await store.get(chain, 1), next);
    });

    it('lets exactly one of two concurrent writers of the same version win', async () => {
      const chain = chainId();
      const created = await store.create(record(chain, 1));
      const results = await Promise.allSettled([
        store.update(transition(created, AnchorState.Submitted, { nonce: 1 }, T1)),
        store.update(transition(created, AnchorState.Submitted, { nonce: 2 }, T1)),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected');
      assert.ok(
        rejected?.reason instanceof ChainError && rejected.reason.code === ChainErrorCode.StoreConflict,
      );
    });

    it('lists open requests of one chain in sequence order, page by page', async () => {
      const chain = chainId();
      const other = chainId();
      for (const sequence of [7, 3, 1, 12, 5, 9]) await store.create(record(chain, sequence));
      await store.create(record(other, 2));
      const done = (await store.get(chain, 5))!;
      await store.update(transition(done, AnchorState.Failed, {}, T1));
      let finalized = (await store.get(chain, 9))!;
      for (const state of [AnchorState.Mined, AnchorState.Confirmed, AnchorState.Finalized]) {
        finalized = transition(finalized, state, {}, T1);
        await store.update(finalized);
      }
      const confirmed = transition((await store.get(chain, 12))!, AnchorState.Mined, {}, T1);
      await store.update(confirmed);
      await store.update(transition(confirmed, AnchorState.Confirmed, {}, T1));

      const all = await store.listOpen(chain, { afterSequence: -1, limit: 100 });
      assert.deepEqual(
        all.map((r) => r.sequence),
        [1, 3, 7, 12],
      );
      assert.ok(all.every((r) => r.chain === chain));
      const first = await store.listOpen(chain, { afterSequence: -1, limit: 2 });
      assert.deepEqual(
        first.map((r) => r.sequence),
        [1, 3],
      );
      const second = await store.listOpen(chain, { afterSequence: 3, limit: 2 });
      assert.deepEqual(
        second.map((r) => r.sequence),
        [7, 12],
      );
      assert.deepEqual(await store.listOpen(chain, { afterSequence: 12, limit: 2 }), []);
      assert.deepEqual(await store.listOpen(chainId(), { afterSequence: -1, limit: 2 }), []);
    });
  });
}
