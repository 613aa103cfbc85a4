/** Conversions between node:crypto KeyObjects and the DER bytes keys travel as. */
import type { KeyObject } from 'node:crypto';
import type { DerKeyPair } from './suite.ts';

export function toDerKeyPair(pair: { publicKey: KeyObject; privateKey: KeyObject }): DerKeyPair {
  return {
    publicKey: new Uint8Array(pair.publicKey.export({ format: 'der', type: 'spki' })),
    privateKey: new Uint8Array(pair.privateKey.export({ format: 'der', type: 'pkcs8' })),
  };
}

/** The raw 32-byte form of an X25519 or Ed25519 public key. */
export function rawPublicKey(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an OKP public key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}
