/**
 * HMACs and the state chain (tx-file/state.ts has the why), as engine steps:
 *
 *   after = HMAC-SHA512(secret, "anchorpost/v1/state" ‖ before ‖ SHA-512(canonical signing bytes))
 */
import { concatBytes, fromHex, toHex, utf8 } from '../bytes.ts';
import type { TxFile } from '../tx-file/schema.ts';
import { canonicalSigningBytes } from '../tx-file/serialize.ts';
import { call, type Steps } from './primitives.ts';

export const GENESIS_STATE = '0'.repeat(128);

export function* hmacHexSteps(secret: Uint8Array, data: Uint8Array): Steps<string> {
  return toHex(yield* call((c) => c.hmacSha512(secret, data)));
}

export function* afterStateSteps(tx: TxFile, secret: Uint8Array): Steps<string> {
  const signingBytes = canonicalSigningBytes(tx);
  const digest = yield* call((c) => c.sha512(signingBytes));
  const before = fromHex(tx.state.before, 'transaction.state.before');
  return yield* hmacHexSteps(secret, concatBytes(utf8('anchorpost/v1/state'), before, digest));
}

/** Constant-time comparison of two hex hashes (their time depends on the length only). */
export function hashesEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
