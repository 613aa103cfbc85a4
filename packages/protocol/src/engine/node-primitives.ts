/** The engine's primitives on node:crypto (synchronous, so `runSync` can answer them). */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { aeadDecrypt, aeadEncrypt } from '../crypto/aead.ts';
import { getSuite } from '../crypto/suites.ts';
import type { CryptoPrimitives } from './primitives.ts';

export function hmacSha512(secret: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha512', secret).update(data).digest());
}

export const nodePrimitives: CryptoPrimitives = {
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  sha512: (data) => new Uint8Array(createHash('sha512').update(data).digest()),
  hmacSha512,
  aeadEncrypt,
  aeadDecrypt,
  suite: (name) => getSuite(name),
};
