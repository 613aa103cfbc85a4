// The SDK's key-publishing failures as `anchorpost keys publish | rotate | revoke` prints them, as
// before the commands called the SDK: the old key's field is the flag's name (`old-key`), and a
// wait that ended before the sponsorship was mined says how to ask again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SdkError, SdkErrorCode } from '@anchorpost/sdk';
import type { Sponsorship } from '@anchorpost/sdk';
import { cliFailure } from '../src/commands/keys/keys-publish.ts';
import { failureLine } from '../src/failure.ts';

const DIGEST = `0x${'ab'.repeat(32)}`;
const posted: Sponsorship = {
  digest: DIGEST,
  status: 'pending',
  user: `0x${'11'.repeat(20)}`,
  reservedWei: '1',
  chargedWei: null,
  txHash: null,
  succeeded: null,
};

describe('keys publish | rotate | revoke failures', () => {
  it('names the status command when the wait ends before the sponsorship is mined', () => {
    const error = new SdkError(SdkErrorCode.WaitTimeout, `sponsorship ${DIGEST} still sent`);
    assert.equal(
      failureLine(cliFailure(error, posted)).line,
      `ERROR WAIT_TIMEOUT -: sponsorship ${DIGEST} still sent; ask again with 'anchorpost sponsor status ${DIGEST}'`,
    );
  });

  it('prints the old key’s field as its flag, and other SDK failures as they are', () => {
    const notCurrent = new SdkError(SdkErrorCode.NotCurrentKey, 'not the current key', { field: 'oldKey' });
    assert.equal(
      failureLine(cliFailure(notCurrent, undefined)).line,
      'ERROR NOT_CURRENT_KEY old-key: not the current key',
    );
    const already = new SdkError(SdkErrorCode.KeyAlreadyRegistered, 'has one', { field: 'key' });
    assert.equal(
      failureLine(cliFailure(already, undefined)).line,
      'ERROR KEY_ALREADY_REGISTERED key: has one',
    );
  });
});
