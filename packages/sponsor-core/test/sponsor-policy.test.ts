import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SponsorError } from '../src/sponsor-error.ts';
import { checkAllowed, checkDeadline, checkGas, fitsBudget, periodStart } from '../src/sponsor-policy.ts';
import type { TenantPolicy } from '../src/sponsor-policy.ts';
import type { VerifiedSponsorship } from '../src/sponsorship-request.ts';
import { SELECTOR, TARGET } from './fixtures.ts';

const policy: TenantPolicy = {
  tenant: 'acme',
  allow: new Map([[TARGET.toLowerCase(), new Set([SELECTOR])]]),
  maxGas: 200_000n,
  periodSeconds: 86_400,
  tenantBudget: { wei: 10n ** 18n, count: 100 },
  userBudget: { wei: 10n ** 16n, count: 5 },
  minDeadlineSeconds: 30,
};

const call = (target: string, selector: string) => ({ target, selector }) as VerifiedSponsorship;

function code(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SponsorError);
    return error.code;
  }
  return 'accepted';
}

describe('tenant policy', () => {
  it('allows only listed targets and selectors (addresses in any case)', () => {
    assert.equal(
      code(() => {
        checkAllowed(policy, call(TARGET, SELECTOR));
      }),
      'accepted',
    );
    assert.equal(
      code(() => {
        checkAllowed(policy, call(TARGET, '0x87654321'));
      }),
      'NOT_ALLOWED',
    );
    assert.equal(
      code(() => {
        checkAllowed(policy, call('0x0000000000000000000000000000000000000001', SELECTOR));
      }),
      'NOT_ALLOWED',
    );
  });

  it('refuses deadlines passed or too near, gas over the cap', () => {
    assert.equal(
      code(() => {
        checkDeadline(policy, 1030n, 1000n);
      }),
      'accepted',
    );
    assert.equal(
      code(() => {
        checkDeadline(policy, 1029n, 1000n);
      }),
      'EXPIRED',
    );
    assert.equal(
      code(() => {
        checkDeadline(policy, 999n, 1000n);
      }),
      'EXPIRED',
    );
    assert.equal(
      code(() => {
        checkGas(policy, 200_000n);
      }),
      'accepted',
    );
    assert.equal(
      code(() => {
        checkGas(policy, 200_001n);
      }),
      'GAS_TOO_HIGH',
    );
  });

  it('starts periods at multiples of the period, and fits a budget in wei and in count', () => {
    assert.equal(periodStart(policy, 86_400n * 3n + 5n), 86_400n * 3n);
    assert.equal(periodStart(policy, 86_400n * 3n), 86_400n * 3n);
    assert.equal(fitsBudget({ wei: 10n, count: 2 }, { wei: 4n, count: 1 }, 6n), true);
    assert.equal(fitsBudget({ wei: 10n, count: 2 }, { wei: 4n, count: 1 }, 7n), false);
    assert.equal(fitsBudget({ wei: 10n, count: 2 }, { wei: 0n, count: 2 }, 1n), false);
  });
});
