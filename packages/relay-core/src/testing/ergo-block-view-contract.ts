/**
 * The ErgoBlockView contract: what the relay's block check relies on, run against every adapter
 * (the Ergo node REST adapter on the Ergo node test double, and the in-memory test double). The
 * tip is the newest block; each height answers the best chain's id, lower-case; above the tip
 * there is none; after a rollback and new blocks the new ids show; a node that cannot be reached
 * is ERGO_NODE_UNAVAILABLE, retryable, from both calls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ErgoBlockView } from '../ergo-block-view.ts';
import { isRelayError } from '../relay-error.ts';

/** A chain the test drives, seen through the adapter under test. */
export interface ErgoBlockViewStage {
  readonly view: ErgoBlockView;
  /** A view of the same kind whose node cannot be reached. */
  readonly unreachable: ErgoBlockView;
  /** Mines `count` blocks; their ids, oldest first. */
  mine(count: number): Promise<string[]>;
  rollback(count: number): Promise<void>;
  close(): Promise<void>;
}

export interface ErgoBlockViewFactory {
  create(): Promise<ErgoBlockViewStage>;
}

export function ergoBlockViewContract(name: string, factory: ErgoBlockViewFactory): void {
  describe(`ErgoBlockView contract: ${name}`, () => {
    let stage: ErgoBlockViewStage;
    /** The ids mined in this suite by height. */
    const ids = new Map<number, string>();
    let tip = 0;

    const mine = async (count: number): Promise<void> => {
      const base = await stage.view.tipHeight();
      for (const [i, id] of (await stage.mine(count)).entries()) ids.set(base + i + 1, id.toLowerCase());
      tip = base + count;
    };

    before(async () => {
      stage = await factory.create();
      await mine(5);
    });
    after(() => stage.close());

    it('answers the tip and the best chain id at each height, lower-case', async () => {
      assert.equal(await stage.view.tipHeight(), tip);
      for (let height = tip - 4; height <= tip; height += 1) {
        const id = await stage.view.blockIdAt(height);
        assert.match(id ?? '', /^[0-9a-f]{64}$/);
        assert.equal(id, ids.get(height), `height ${height}`);
      }
    });

    it('answers no block above the tip', async () => {
      assert.equal(await stage.view.blockIdAt(tip + 1), undefined);
      assert.equal(await stage.view.blockIdAt(tip + 1_000), undefined);
    });

    it('shows the new blocks after a rollback', async () => {
      const old = ids.get(tip)!;
      await stage.rollback(2);
      tip -= 2;
      assert.equal(await stage.view.tipHeight(), tip);
      await mine(3);
      // The old tip's height holds a new block now.
      assert.notEqual(await stage.view.blockIdAt(tip - 1), old);
      assert.equal(await stage.view.blockIdAt(tip - 1), ids.get(tip - 1));
      assert.equal(await stage.view.tipHeight(), tip);
    });

    it('is ERGO_NODE_UNAVAILABLE (retryable) when the node cannot be reached', async () => {
      for (const call of [() => stage.unreachable.tipHeight(), () => stage.unreachable.blockIdAt(1)]) {
        await assert.rejects(call(), (error: unknown) => {
          assert.ok(isRelayError(error, 'ERGO_NODE_UNAVAILABLE'), String(error));
          assert.equal(error.retryable, true);
          return true;
        });
      }
    });
  });
}
