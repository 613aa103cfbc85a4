// The contact check's verdict from an identity's history alone, by fingerprint and by a pin
// (fingerprint and rotation signer).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { continuityFrom } from '../src/key-continuity.ts';
import type { KeyEvent } from '../src/key-transparency.ts';

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

describe('continuityFrom with a pinned rotation signer', () => {
  const signer = (n: number): string => `0x${n.toString(16).padStart(2, '0').repeat(20)}`;
  const by = (event: KeyEvent, n: number): KeyEvent =>
    event.event === 'revoked' ? event : { ...event, rotationSigner: signer(n) };

  it('refuses the pinned fingerprint registered again under another signer and rotated away from', () => {
    // A stolen account key: revoke, register the same fingerprint with its own rotation signer,
    // rotate to its key with that signer. By the fingerprint alone this looks signed.
    const history = [by(registered(1), 1), revoked(1), by(registered(1), 66), by(rotated(1, 2), 66)];
    assert.equal(
      continuityFrom(history, { fingerprint: fp(1), rotationSigner: signer(1) }),
      'unsigned-change',
    );
    assert.equal(
      continuityFrom(history, fp(1)),
      'unsigned-change',
      'a bare fingerprint pins its first signer',
    );
  });

  it('accepts the chain the pinned key itself started, its signer compared without case', () => {
    const history = [by(registered(1), 171), by(rotated(1, 2), 2)];
    const pin = { fingerprint: fp(1), rotationSigner: signer(171).toUpperCase().replace('0X', '0x') };
    assert.equal(continuityFrom(history, pin), 'signed-rotation');
  });
});
