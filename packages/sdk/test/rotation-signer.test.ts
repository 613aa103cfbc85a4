// The rotation signer derived from an identity's own private key: the same key always gives the
// same signer, another key another one (so a rotation needs the old key itself).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from '@anchorpost/protocol';
import { rotationSignerOf } from '../src/rotation-signer.ts';

describe('rotationSignerOf', () => {
  it('derives one signer per identity, the same every time', async () => {
    const [a, b] = await Promise.all([generateIdentity('modern'), generateIdentity('rsa-4096')]);
    assert.equal(rotationSignerOf(a).address, rotationSignerOf(a).address);
    assert.notEqual(rotationSignerOf(a).address, rotationSignerOf(b).address);
    assert.match(rotationSignerOf(b).address, /^0x[0-9a-fA-F]{40}$/);
  });
});
