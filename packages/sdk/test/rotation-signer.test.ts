// The rotation signer derived from an identity's own private key: the same key always gives the
// same signer, another key another one (so a rotation needs the old key itself); and the
// derivation (WebCrypto's HKDF, what browsers run) is the one node:crypto's HKDF gives, so a key
// published from a page rotates from the CLI and the reverse.
import assert from 'node:assert/strict';
import { hkdfSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { computeAddress } from 'ethers';
import { fingerprint, generateIdentity } from '@anchorpost/protocol';
import { rotationSignerOf } from '../src/rotation-signer.ts';

describe('rotationSignerOf', () => {
  it('derives one signer per identity, the same every time', async () => {
    const [a, b] = await Promise.all([generateIdentity('modern'), generateIdentity('rsa-4096')]);
    assert.equal((await rotationSignerOf(a)).address, (await rotationSignerOf(a)).address);
    assert.notEqual((await rotationSignerOf(a)).address, (await rotationSignerOf(b)).address);
    assert.match((await rotationSignerOf(b)).address, /^0x[0-9a-fA-F]{40}$/);
  });

  it('is HKDF-SHA256 of the signing key, as node:crypto derives it', async () => {
    for (const identity of [await generateIdentity('modern'), await generateIdentity('rsa-4096')]) {
      const info = `${fingerprint(identity.public)}\u00000`; // attempt 0
      const salt = 'anchorpost/v1/key-registry/rotation-signer';
      const derived = Buffer.from(hkdfSync('sha256', identity.signing, salt, info, 32)).toString('hex');
      assert.equal((await rotationSignerOf(identity)).address, computeAddress(`0x${derived}`));
    }
  });
});
