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
 * includes `after` (signature.ts), not `after` alone. The engine's steps (../engine/state.ts),
 * run with node:crypto.
 */
import { toHex } from '../bytes.ts';
import { hmacSha512, nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import { afterStateSteps } from '../engine/state.ts';
import type { TxFile } from './schema.ts';

export { GENESIS_STATE, hashesEqual } from '../engine/state.ts';
export { hmacSha512 } from '../engine/node-primitives.ts';

export function hmacHex(secret: Uint8Array, data: Uint8Array): string {
  return toHex(hmacSha512(secret, data));
}

export function computeAfterState(tx: TxFile, secret: Uint8Array): string {
  return runSync(afterStateSteps(tx, secret), nodePrimitives);
}
