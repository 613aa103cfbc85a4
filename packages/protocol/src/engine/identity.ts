/**
 * Identities in the engine: a key set's fingerprint, a public key set read back from its bytes,
 * and fresh key pairs from the platform's primitives (crypto/identity.ts has the formats).
 */
import { bytesEqual, toHex, utf8 } from '../bytes.ts';
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { publicKeyBytes } from '../crypto/public-key-bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import { call, type CryptoPrimitives, type Steps } from './primitives.ts';

/** SHA-256 of publicKeyBytes, hex: the public id of an identity (e.g. `client.id`). */
export function* fingerprintSteps(identity: PublicIdentity): Steps<string> {
  const bytes = publicKeyBytes(identity);
  return toHex(yield* call((c) => c.sha256(bytes)));
}

/** Inverse of publicKeyBytes, for a key that arrives in a file (e.g. a decrypted sender key). */
export function parsePublicKeyBytes(suite: SuiteName, bytes: Uint8Array, field: string): PublicIdentity {
  const prefix = utf8(`anchorpost/v1/public-key\0${suite}\0`);
  const malformed = (): never => {
    throw new ProtocolError(ErrorCode.BadKey, field, 'public key bytes are malformed');
  };
  if (bytes.byteLength < prefix.byteLength + 8 || !bytesEqual(bytes.subarray(0, prefix.byteLength), prefix))
    malformed();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = prefix.byteLength;
  const encryptionLength = view.getUint32(at);
  at += 4;
  if (at + encryptionLength + 4 > bytes.byteLength) malformed();
  const encryption = bytes.slice(at, at + encryptionLength);
  at += encryptionLength;
  const signingLength = view.getUint32(at);
  at += 4;
  if (at + signingLength !== bytes.byteLength) malformed();
  return { suite, encryption, signing: bytes.slice(at) };
}

/** A fresh identity of `suiteName` from `primitives`' key generation. */
export async function generateIdentityWith(
  primitives: CryptoPrimitives,
  suiteName: SuiteName,
): Promise<PrivateIdentity> {
  const suite = primitives.suite(suiteName);
  const [encryption, signing] = await Promise.all([
    suite.generateEncryptionKeyPair(),
    suite.generateSigningKeyPair(),
  ]);
  return {
    public: { suite: suiteName, encryption: encryption.publicKey, signing: signing.publicKey },
    encryption: encryption.privateKey,
    signing: signing.privateKey,
  };
}
