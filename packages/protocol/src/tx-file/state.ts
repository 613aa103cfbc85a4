/**
 * HMACs and the state chain. Every `sha512hash` is HMAC-SHA512 keyed with the group secret, so
 * only members can link a hash to its plaintext. A client's files in a group form a chain:
 *
 *   after = HMAC(secret, "anchorpost/v1/state" ‖ before ‖ SHA-512(canonical signing bytes))
 *
 * where `before` is the previous file's `after` (GENESIS_STATE for the first) and the signing
 * bytes are the canonical serialization of the whole file with `state.after` and every signature
 * blanked. So `after` covers every byte of the file — ciphertexts, hashes, block references — for
 * members. It is keyed, so it proves nothing to anyone else: signatures cover a public digest that
 * includes `after` (signature.ts), not `after` alone.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { concatBytes, fromHex, toHex, utf8 } from '../bytes.ts';
import type { TxFile } from './schema.ts';
import { canonicalSigningBytes } from './serialize.ts';

export const GENESIS_STATE = '0'.repeat(128);

export function hmacSha512(secret: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha512', secret).update(data).digest());
}

export function hmacHex(secret: Uint8Array, data: Uint8Array): string {
  return toHex(hmacSha512(secret, data));
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.byteLength === y.byteLength && timingSafeEqual(x, y);
}

export function computeAfterState(tx: TxFile, secret: Uint8Array): string {
  const digest = createHash('sha512').update(canonicalSigningBytes(tx)).digest();
  return hmacHex(
    secret,
    concatBytes(utf8('anchorpost/v1/state'), fromHex(tx.state.before, 'transaction.state.before'), digest),
  );
}
