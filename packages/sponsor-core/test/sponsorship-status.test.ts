import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sponsorshipStatus } from '../src/sponsorship-status.ts';

it('tells a user where a sponsorship is, from the ledger line and its transaction', () => {
  assert.equal(sponsorshipStatus({ state: 'reserved' }, undefined), 'pending');
  assert.equal(sponsorshipStatus({ state: 'reserved' }, 'pending'), 'pending');
  assert.equal(sponsorshipStatus({ state: 'reserved' }, 'failed'), 'failed');
  assert.equal(sponsorshipStatus({ state: 'sent' }, 'submitted'), 'sent');
  assert.equal(sponsorshipStatus({ state: 'sent' }, 'failed'), 'failed');
  // A reorg took the block away: sent again until it is mined again.
  assert.equal(sponsorshipStatus({ state: 'sent' }, 'submitted'), 'sent');
  assert.equal(sponsorshipStatus({ state: 'settled' }, 'mined'), 'mined');
  assert.equal(sponsorshipStatus({ state: 'settled' }, 'confirmed'), 'mined');
  assert.equal(sponsorshipStatus({ state: 'settled' }, 'finalized'), 'final');
  assert.equal(sponsorshipStatus({ state: 'released' }, 'failed'), 'expired');
  assert.equal(sponsorshipStatus({ state: 'released' }, undefined), 'expired');
});
