// ErgoBlockCheck over the in-memory Ergo block view test double and a hand-driven clock: each
// refusal with its code and field, the window, and that files cost no node call each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TxBlockchain } from '@anchorpost/protocol';
import { ErgoBlockCheck } from '../src/ergo-block-check.ts';
import type { ErgoBlockView } from '../src/ergo-block-view.ts';
import { isRelayError } from '../src/relay-error.ts';
import { MemoryErgoBlockView } from '../src/testing/index.ts';

const MAX_AGE = 20;

function stage(blocks = 100) {
  const view = new MemoryErgoBlockView(blocks);
  let now = 0;
  const check = new ErgoBlockCheck({
    view,
    trustedblockMaxAge: MAX_AGE,
    tipRefreshMs: 2_000,
    now: () => now,
  });
  /** A file's blockchain naming the double's real blocks `depth` and `depth + 10` below the tip. */
  const honest = (depth = 0): TxBlockchain => {
    const last = view.height - depth;
    return {
      lastblock: { height: last, signature: view.idAt(last)! },
      trustedblock: { height: last - 10, signature: view.idAt(last - 10)! },
    };
  };
  return { view, check, honest, advance: (ms: number) => (now += ms) };
}

async function refused(
  promise: Promise<unknown>,
  code: string,
  field: string | undefined,
  retryable: boolean,
) {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isRelayError(error), String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.field, field, error.message);
    assert.equal(error.retryable, retryable);
    return true;
  });
}

describe('ErgoBlockCheck', () => {
  it('accepts blocks of the chain inside the window, upper-case ids too', async () => {
    const { check, honest } = stage();
    await check.check(honest());
    const upper = honest(3);
    upper.trustedblock.signature = upper.trustedblock.signature.toUpperCase();
    await check.check(upper);
  });

  it('BLOCK_NOT_ON_CHAIN for a garbage id in trustedblock or lastblock, or a real id at another height', async () => {
    const { check, honest, view } = stage();
    const garbage = honest();
    garbage.trustedblock.signature = 'ab'.repeat(32);
    await refused(check.check(garbage), 'BLOCK_NOT_ON_CHAIN', 'blockchain.trustedblock.signature', false);
    const last = honest();
    last.lastblock.signature = 'cd'.repeat(32);
    await refused(check.check(last), 'BLOCK_NOT_ON_CHAIN', 'blockchain.lastblock.signature', false);
    const shifted = honest();
    shifted.trustedblock.signature = view.idAt(shifted.trustedblock.height + 1)!;
    await refused(check.check(shifted), 'BLOCK_NOT_ON_CHAIN', 'blockchain.trustedblock.signature', false);
  });

  it('BLOCK_ABOVE_TIP (retryable) for a height the chain has not reached', async () => {
    const { check, honest } = stage();
    const ahead = honest();
    ahead.lastblock = { height: ahead.lastblock.height + 5, signature: 'ef'.repeat(32) };
    await refused(check.check(ahead), 'BLOCK_ABOVE_TIP', 'blockchain.lastblock.height', true);
  });

  it('TRUSTEDBLOCK_TOO_OLD beyond the window, with real blocks', async () => {
    const { check, view } = stage();
    const old = view.height - MAX_AGE - 1;
    const file: TxBlockchain = {
      lastblock: { height: old + 10, signature: view.idAt(old + 10)! },
      trustedblock: { height: old, signature: view.idAt(old)! },
    };
    await refused(check.check(file), 'TRUSTEDBLOCK_TOO_OLD', 'blockchain.trustedblock.height', false);
    // One block younger is inside.
    await check.check({
      lastblock: file.lastblock,
      trustedblock: { height: old + 1, signature: view.idAt(old + 1)! },
    });
  });

  it('ERGO_NODE_UNAVAILABLE (retryable) when the node is down: refused, never accepted unchecked', async () => {
    const { check, honest, view, advance } = stage();
    view.down = true;
    await refused(check.check(honest()), 'ERGO_NODE_UNAVAILABLE', undefined, true);
    view.down = false;
    await check.check(honest());
    // Down again, once what was read is stale: refused again.
    view.down = true;
    advance(2_001);
    await refused(check.check(honest()), 'ERGO_NODE_UNAVAILABLE', undefined, true);
  });

  it('costs no node call per file: one tip read per refresh, one lookup per height', async () => {
    const { check, honest, view, advance } = stage();
    await Promise.all(Array.from({ length: 200 }, () => check.check(honest())));
    assert.equal(view.calls, 3, 'the tip and two heights, shared by 200 concurrent files');
    for (let i = 0; i < 200; i += 1) await check.check(honest());
    assert.equal(view.calls, 3);
    // Garbage ids at known heights are answered from the cache too.
    const garbage = honest();
    garbage.trustedblock.signature = 'ab'.repeat(32);
    for (let i = 0; i < 50; i += 1) {
      await assert.rejects(check.check(garbage), (e: unknown) => isRelayError(e, 'BLOCK_NOT_ON_CHAIN'));
    }
    assert.equal(view.calls, 3);
    // The tip is read again after the refresh time; deep blocks are not, near-tip ones are.
    view.mine(1);
    advance(2_001);
    await check.check(honest(1));
    assert.equal(view.calls, 5, 'the tip, and the lastblock one below it (shallow, stale)');
  });

  it('reads the tip again (rate-limited) when a file names the newest block', async () => {
    const { check, honest, view, advance } = stage();
    await check.check(honest());
    view.mine(1);
    const calls = view.calls;
    // Inside MIN_TIP_REFRESH_MS the tip is not read again: retryable.
    await refused(check.check(honest()), 'BLOCK_ABOVE_TIP', 'blockchain.lastblock.height', true);
    assert.equal(view.calls, calls);
    advance(300);
    await check.check(honest());
  });

  it('bounds the lookups in flight', async () => {
    const slow = new MemoryErgoBlockView(100);
    let inFlight = 0;
    let most = 0;
    const view: ErgoBlockView = {
      tipHeight: () => slow.tipHeight(),
      async blockIdAt(height) {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        return slow.blockIdAt(height);
      },
    };
    const check = new ErgoBlockCheck({ view, trustedblockMaxAge: 90, maxConcurrentLookups: 3 });
    const files = Array.from({ length: 40 }, (_, i): TxBlockchain => {
      const last = 100 - i;
      return {
        lastblock: { height: last, signature: slow.idAt(last)! },
        trustedblock: { height: last - 10, signature: slow.idAt(last - 10)! },
      };
    });
    await Promise.all(files.map((file) => check.check(file)));
    assert.ok(most <= 3, `at most 3 lookups at once, saw ${most}`);
  });

  it('refuses bad settings as BAD_CONFIG', () => {
    const view = new MemoryErgoBlockView(1);
    for (const bad of [
      { trustedblockMaxAge: -1 },
      { trustedblockMaxAge: 1.5 },
      { trustedblockMaxAge: 10, tipRefreshMs: 0 },
    ]) {
      assert.throws(
        () => new ErgoBlockCheck({ view, ...bad }),
        (e: unknown) => isRelayError(e, 'BAD_CONFIG'),
      );
    }
  });
});
