import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fitsDailyCap, refillAmount, treasuryDay } from '../src/treasury-policy.ts';

it('refills an account below its minimum to 120 % of it, and one at or above it not at all', () => {
  assert.equal(refillAmount(0n, 1000n), 1200n);
  assert.equal(refillAmount(999n, 1000n), 201n);
  assert.equal(refillAmount(1000n, 1000n), 0n);
  assert.equal(refillAmount(5000n, 1000n), 0n);
});

it('keeps a day’s refills within the cap, the cap itself included', () => {
  assert.equal(fitsDailyCap(800n, 200n, 1000n), true);
  assert.equal(fitsDailyCap(800n, 201n, 1000n), false);
  assert.equal(treasuryDay(1_800_000_000n), '2027-01-15');
  assert.equal(treasuryDay(1_800_000_000n - (1_800_000_000n % 86_400n) - 1n), '2027-01-14');
});
