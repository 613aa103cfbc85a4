/**
 * The bytes a public key's fingerprint is the SHA-256 of (identity.ts): the suite, then both keys
 * length-prefixed. No Node built-in, so a browser computes a key's fingerprint the same way.
 */
import { concatBytes, utf8 } from '../bytes.ts';
import type { SuiteName } from '../tx-file/schema.ts';

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

/** Length-prefixed, domain-separated, so no two different key sets share a byte form. */
export function publicKeyBytes(identity: {
  suite: SuiteName;
  encryption: Uint8Array;
  signing: Uint8Array;
}): Uint8Array {
  return concatBytes(
    utf8(`anchorpost/v1/public-key\0${identity.suite}\0`),
    u32(identity.encryption.byteLength),
    identity.encryption,
    u32(identity.signing.byteLength),
    identity.signing,
  );
}
