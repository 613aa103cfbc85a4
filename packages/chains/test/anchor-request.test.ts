/** The request state machine's edges and the request checks (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AnchorState,
  canTransition,
  checkAnchorRequest,
  newAnchorRecord,
  transition,
} from '../src/anchor-request.ts';
import { ChainError, ChainErrorCode } from '../src/chain-error.ts';
import { sampleAnchorRequest } from '../src/testing/contract.ts';

const NOW = new Date('2026-01-01T00:00:00.000Z');
const LATER = new Date('2026-01-01T00:00:05.000Z');

describe('anchor request state machine', () => {
  it('has exactly the documented edges', () => {
    const edges = Object.values(AnchorState).flatMap((from) =>
      Object.values(AnchorState)
        .filter((to) => canTransition(from, to))
        .map((to) => `${from}>${to}`),
    );
    assert.deepEqual(edges.sort(), [
      'CONFIRMED>CONFIRMED',
      'CONFIRMED>FINALIZED',
      'CONFIRMED>PENDING',
      'CONFIRMED>SUBMITTED',
      'FAILED>PENDING',
      'MINED>CONFIRMED',
      'MINED>MINED',
      'MINED>PENDING',
      'MINED>SUBMITTED',
      'PENDING>FAILED',
      'PENDING>MINED',
      'PENDING>PENDING',
      'PENDING>SUBMITTED',
      'SUBMITTED>FAILED',
      'SUBMITTED>MINED',
      'SUBMITTED>PENDING',
      'SUBMITTED>SUBMITTED',
    ]);
  });

  it('versions every transition and refuses edges it does not have', () => {
    const pending = newAnchorRecord('evm:1', sampleAnchorRequest(1), NOW);
    assert.equal(pending.version, 1);
    const submitted = transition(pending, AnchorState.Submitted, { nonce: 3 }, LATER);
    assert.equal(submitted.version, 2);
    assert.equal(submitted.nonce, 3);
    assert.equal(submitted.updatedAt, LATER.toISOString());
    assert.equal(submitted.createdAt, NOW.toISOString());
    assert.throws(() => transition(pending, AnchorState.Confirmed, {}, LATER), /PENDING -> CONFIRMED/);
    const finalized = { ...submitted, state: AnchorState.Finalized };
    assert.throws(() => transition(finalized, AnchorState.Pending, {}, LATER), /FINALIZED -> PENDING/);
  });

  it('returns a plain copy of a valid request and refuses extra tricks', () => {
    const request = sampleAnchorRequest(5);
    const checked = checkAnchorRequest({ ...request, extra: 'ignored' } as typeof request);
    assert.deepEqual(checked, request);
    assert.throws(
      () => checkAnchorRequest({ ...request, sequence: '5' as unknown as number }),
      (error: unknown) => error instanceof ChainError && error.code === ChainErrorCode.InvalidRequest,
    );
  });
});
