/** EIP-1559 offers and replacement bumps (pure arithmetic). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bumpedFees, initialFees, minimumReplacementFees } from '../src/evm/fee-policy.ts';

const GWEI = 1_000_000_000n;

describe('fee policy', () => {
  it('offers twice the base fee plus the tip, within the cap', () => {
    assert.deepEqual(initialFees({ baseFeePerGas: 10n * GWEI, priorityFeePerGas: 2n * GWEI }, 100n * GWEI), {
      maxFeePerGas: 22n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
    assert.deepEqual(initialFees({ baseFeePerGas: 10n * GWEI, priorityFeePerGas: 2n * GWEI }, 15n * GWEI), {
      maxFeePerGas: 15n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
    });
    assert.deepEqual(initialFees({ baseFeePerGas: 10n * GWEI, priorityFeePerGas: 20n * GWEI }, 15n * GWEI), {
      maxFeePerGas: 15n * GWEI,
      maxPriorityFeePerGas: 15n * GWEI,
    });
  });

  it('bumps both fields by at least 12.5%, rounding up', () => {
    assert.deepEqual(minimumReplacementFees({ maxFeePerGas: 8n, maxPriorityFeePerGas: 1n }), {
      maxFeePerGas: 9n,
      maxPriorityFeePerGas: 2n,
    });
    const quiet = { baseFeePerGas: 1n * GWEI, priorityFeePerGas: 1n * GWEI };
    assert.deepEqual(
      bumpedFees({ maxFeePerGas: 80n * GWEI, maxPriorityFeePerGas: 8n * GWEI }, quiet, 1_000n * GWEI),
      {
        maxFeePerGas: 90n * GWEI,
        maxPriorityFeePerGas: 9n * GWEI,
      },
    );
  });

  it('follows the network when it asks for more than the bump', () => {
    const busy = { baseFeePerGas: 100n * GWEI, priorityFeePerGas: 3n * GWEI };
    assert.deepEqual(
      bumpedFees({ maxFeePerGas: 3n * GWEI, maxPriorityFeePerGas: 1n * GWEI }, busy, 1_000n * GWEI),
      {
        maxFeePerGas: 203n * GWEI,
        maxPriorityFeePerGas: 3n * GWEI,
      },
    );
  });

  it('stops at the cap, and gives up when even the minimum bump would pass it', () => {
    const busy = { baseFeePerGas: 100n * GWEI, priorityFeePerGas: 1n * GWEI };
    assert.deepEqual(
      bumpedFees({ maxFeePerGas: 50n * GWEI, maxPriorityFeePerGas: 1n * GWEI }, busy, 60n * GWEI),
      {
        maxFeePerGas: 60n * GWEI,
        maxPriorityFeePerGas: 1_125_000_000n,
      },
    );
    assert.equal(
      bumpedFees({ maxFeePerGas: 60n * GWEI, maxPriorityFeePerGas: 1n * GWEI }, busy, 60n * GWEI),
      undefined,
    );
    assert.equal(
      bumpedFees({ maxFeePerGas: 60n * GWEI, maxPriorityFeePerGas: 60n * GWEI }, busy, 67n * GWEI),
      undefined,
    );
  });

  it('always yields a valid replacement or nothing', () => {
    const wei = fc.bigInt({ min: 0n, max: 10n ** 13n });
    fc.assert(
      fc.property(wei, wei, wei, wei, wei, (maxFee, tip, base, suggested, cap) => {
        const previous = { maxFeePerGas: maxFee + tip, maxPriorityFeePerGas: tip };
        const next = bumpedFees(previous, { baseFeePerGas: base, priorityFeePerGas: suggested }, cap);
        if (next === undefined) return;
        assert.ok(next.maxFeePerGas * 8n >= previous.maxFeePerGas * 9n);
        assert.ok(next.maxPriorityFeePerGas * 8n >= previous.maxPriorityFeePerGas * 9n);
        assert.ok(next.maxPriorityFeePerGas <= next.maxFeePerGas);
        assert.ok(next.maxFeePerGas <= cap);
      }),
    );
  });
});
