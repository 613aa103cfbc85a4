/**
 * SHA-256 for the hot loops (a million leaves means two million hashes). node:crypto's one-shot
 * `hash` is three times faster with a latin1 string result than with a Buffer result, because each
 * Buffer result allocates its own backing store; latin1 ("binary") maps bytes 0–255 to chars 0–255, so the
 * string is the digest, which we copy straight into the destination array.
 */
import { hash } from 'node:crypto';

/** SHA-256 of `input`, written to `out` at `offset`. */
export function sha256Into(input: Uint8Array, out: Uint8Array, offset: number): void {
  const digest = hash('sha256', input, 'binary'); // 'binary' is Node's name for latin1
  for (let i = 0; i < 32; i += 1) out[offset + i] = digest.charCodeAt(i);
}

export function sha256(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  sha256Into(input, out, 0);
  return out;
}
