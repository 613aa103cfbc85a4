/** What an Ergo node's refusals and ergo-lib's build failures mean for an anchor request (pure). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainErrorCode } from '../src/chain-error.ts';
import { buildFailure, submitRefusal } from '../src/ergo/ergo-node-errors.ts';

describe('Ergo node errors', () => {
  it('reads a refused transaction: already in the pool is no refusal, anything else is REJECTED', () => {
    assert.equal(submitRefusal('Pool can not accept transaction abc, it is already in the mempool'), 'known');
    for (const reason of [
      'Malformed transaction: Every input of the transaction should be in UTXO. Input box 0 not found',
      'Malformed transaction: input abc is spent twice',
      'Scripts of all transaction inputs should pass verification',
      // A node judges the inputs it is given, never an account: even these words are a refusal.
      'Malformed transaction: not enough ERG in inputs',
    ]) {
      assert.equal(submitRefusal(reason), ChainErrorCode.Rejected, reason);
    }
  });

  it('reads a build failure: the inputs cannot pay (INSUFFICIENT_FUNDS, stops submitting) or the request is at fault', () => {
    for (const message of [
      'NotEnoughCoins: not enough coins, missing 1000 nanoERG',
      'Insufficient inputs for change',
      'BoxSelectorError: NotEnoughTokens',
    ]) {
      assert.equal(buildFailure(message), ChainErrorCode.InsufficientFunds, message);
    }
    assert.equal(buildFailure('register R4 too large'), ChainErrorCode.InvalidRequest);
  });
});
