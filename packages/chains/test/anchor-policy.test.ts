/** The anchoring engine's pure decisions: which errors end a tick or stop submitting, depth, next state, order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorState, newAnchorRecord } from '../src/anchor-request.ts';
import type { AnchorRecord } from '../src/anchor-request.ts';
import { ChainError, ChainErrorCode } from '../src/chain-error.ts';
import {
  atLeast,
  depth,
  endsTick,
  includedState,
  sendOrder,
  stopsSubmitting,
} from '../src/engine/anchor-policy.ts';
import { sampleAnchorRequest } from '../src/testing/contract.ts';

describe('anchor policy', () => {
  it('ends a tick on connectivity loss, a second writer, anything not retryable, and foreign errors', () => {
    for (const code of [ChainErrorCode.Unavailable, ChainErrorCode.StoreConflict, ChainErrorCode.BadConfig]) {
      assert.equal(endsTick(new ChainError(code, 'x')), true, code);
    }
    assert.equal(endsTick(new TypeError('a bug')), true);
    assert.equal(endsTick('a string'), true);
    for (const code of [
      ChainErrorCode.RpcError,
      ChainErrorCode.Rejected,
      ChainErrorCode.InsufficientFunds,
      ChainErrorCode.FeeCapReached,
      ChainErrorCode.NonceConsumed,
      ChainErrorCode.Timeout,
    ]) {
      assert.equal(endsTick(new ChainError(code, 'x')), false, code);
    }
  });

  it('stops submitting on insufficient funds only', () => {
    for (const code of Object.values(ChainErrorCode)) {
      assert.equal(
        stopsSubmitting(new ChainError(code, 'x')),
        code === ChainErrorCode.InsufficientFunds,
        code,
      );
    }
  });

  it('counts the block itself, and nothing for a block above the head', () => {
    assert.equal(depth(100, 100), 1);
    assert.equal(depth(100, 91), 10);
    assert.equal(depth(100, 101), 0);
    assert.equal(depth(100, 150), 0);
  });

  it('moves MINED to CONFIRMED at the confirmations, CONFIRMED to FINALIZED at the finality depth', () => {
    const t = { confirmations: 3, finalityDepth: 6 };
    assert.equal(includedState(AnchorState.Mined, 2, t), AnchorState.Mined);
    assert.equal(includedState(AnchorState.Mined, 3, t), AnchorState.Confirmed);
    assert.equal(includedState(AnchorState.Mined, 9, t), AnchorState.Confirmed, 'one step at a time');
    assert.equal(includedState(AnchorState.Confirmed, 5, t), AnchorState.Confirmed);
    assert.equal(includedState(AnchorState.Confirmed, 6, t), AnchorState.Finalized);
  });

  it('orders sent requests by their first transaction, then by sequence', () => {
    const at = (sequence: number, submittedAt: string | undefined): AnchorRecord => {
      const record = newAnchorRecord('x', sampleAnchorRequest(sequence), new Date('2026-01-01T00:00:09Z'));
      if (submittedAt === undefined) return record;
      const attempt = { txHash: 'h', rawTransaction: 'r', fees: {}, submittedAt };
      return { ...record, attempts: [attempt] };
    };
    const sorted = [
      at(1, '2026-01-01T00:00:05.000Z'),
      at(2, undefined), // adopted: no attempt, its last update counts
      at(3, '2026-01-01T00:00:01.000Z'),
      at(0, '2026-01-01T00:00:05.000Z'),
    ].sort(sendOrder);
    assert.deepEqual(
      sorted.map((r) => r.sequence),
      [3, 0, 1, 2],
    );
  });

  it('refuses a setting below its minimum or not an integer, naming it', () => {
    assert.equal(atLeast(3, 1, 'confirmations'), 3);
    for (const bad of [0, 1.5, Number.NaN]) {
      assert.throws(
        () => atLeast(bad, 1, 'confirmations'),
        (e: unknown) =>
          e instanceof ChainError &&
          e.code === ChainErrorCode.BadConfig &&
          e.message.startsWith('confirmations'),
      );
    }
  });
});
