// The contact check's verdict from an identity's history alone, and the rotation signer derived
// from an identity's own private key: the same key always gives the same signer, another key
// another one (so a rotation needs the old key itself).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from '@anchorpost/protocol';
import { continuityFrom } from '../src/commands/keys/key-registry.ts';
import type { KeyEvent } from '../src/commands/keys/key-registry.ts';
import { rotationSignerOf } from '../src/commands/keys/rotation-signer.ts';

const fp = (n: number): string => n.toString(16).padStart(64, '0');
let block = 0;
const place = () => ({ block: ++block, txHash: `0x${'00'.repeat(32)}`, logIndex: 0 });
const key = { suite: 'modern', keyCid: 'bafk', rotationSigner: `0x${'11'.repeat(20)}` };
const registered = (n: number): KeyEvent => ({ event: 'registered', fingerprint: fp(n), ...key, ...place() });
const rotated = (from: number, to: number): KeyEvent => ({
  event: 'rotated',
  oldFingerprint: fp(from),
  fingerprint: fp(to),
  ...key,
  ...place(),
});
const revoked = (n: number): KeyEvent => ({ event: 'revoked', fingerprint: fp(n), ...place() });

describe('continuityFrom', () => {
  it('accepts the current key and any key it descends from by signed rotations', () => {
    const history = [registered(1), rotated(1, 2), rotated(2, 3)];
    assert.equal(continuityFrom(history, fp(3)), 'current');
    assert.equal(continuityFrom(history, fp(2)), 'signed-rotation');
    assert.equal(continuityFrom(history, fp(1)), 'signed-rotation');
  });

  it('refuses a key from before a revoke and a new registration, even one rotated away from', () => {
    const history = [registered(1), rotated(1, 2), revoked(2), registered(3), rotated(3, 4)];
    assert.equal(continuityFrom(history, fp(1)), 'unsigned-change');
    assert.equal(continuityFrom(history, fp(2)), 'unsigned-change');
    assert.equal(continuityFrom(history, fp(3)), 'signed-rotation');
    assert.equal(continuityFrom(history, fp(9)), 'unknown');
  });

  it('says revoked when there is no key now, unknown when the identity never published one', () => {
    assert.equal(continuityFrom([registered(1), revoked(1)], fp(1)), 'revoked');
    assert.equal(continuityFrom([], fp(1)), 'unknown');
  });
});

describe('rotationSignerOf', () => {
  it('derives one signer per identity, the same every time', async () => {
    const [a, b] = await Promise.all([generateIdentity('modern'), generateIdentity('rsa-4096')]);
    assert.equal(rotationSignerOf(a).address, rotationSignerOf(a).address);
    assert.notEqual(rotationSignerOf(a).address, rotationSignerOf(b).address);
    assert.match(rotationSignerOf(b).address, /^0x[0-9a-fA-F]{40}$/);
  });
});
