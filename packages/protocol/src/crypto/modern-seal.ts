/**
 * The `modern` suite's sealing construction, shared by its node:crypto (./modern.ts) and WebCrypto
 * (../engine/web-modern.ts) implementations: an ephemeral X25519 key per message, the shared
 * secret through HKDF-SHA-256 (salt: the ephemeral then the recipient raw public key; info: the
 * context under a domain), AES-256-GCM with the context as associated data; sealed = ephemeral
 * raw public key ‖ AEAD output.
 */
import { concatBytes } from '../bytes.ts';

export const X25519_BYTES = 32;

export function sealSalt(ephemeralRaw: Uint8Array, recipientRaw: Uint8Array): Uint8Array {
  return concatBytes(ephemeralRaw, recipientRaw);
}

export function sealInfo(context: string): string {
  return `anchorpost/v1/modern/seal/${context}`;
}

/** A low-order peer key yields the all-zero secret; refuse it rather than derive a known key. */
export function refuseDegenerateSecret(shared: Uint8Array): void {
  if (shared.every((b) => b === 0)) throw new Error('degenerate X25519 shared secret');
}
