/**
 * Fixed test keys and reproducible signatures for the signing test vectors (voting-vectors.ts,
 * tx-file-signing-vectors.ts). The keys are published on purpose: they protect nothing.
 */
import { constants, createHash, createPrivateKey, createPublicKey, privateDecrypt } from 'node:crypto';
import { readFileSync } from 'node:fs';

export type VectorKey = ReturnType<typeof createPrivateKey>;

const ED25519_PKCS8_PREFIX = '302e020100300506032b657004220420';
const X25519_PKCS8_PREFIX = '302e020100300506032b656e04220420';

export const der = (key: VectorKey, kind: 'pkcs8' | 'spki'): Buffer =>
  kind === 'pkcs8'
    ? key.export({ type: 'pkcs8', format: 'der' })
    : createPublicKey(key).export({ type: 'spki', format: 'der' });

/** An X25519 or Ed25519 private key whose 32-byte seed is SHA-256(label). */
export function seededKey(kind: 'ed25519' | 'x25519', label: string): VectorKey {
  const prefix = kind === 'ed25519' ? ED25519_PKCS8_PREFIX : X25519_PKCS8_PREFIX;
  const seed = createHash('sha256').update(label).digest();
  return createPrivateKey({
    key: Buffer.concat([Buffer.from(prefix, 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** A committed RSA-4096 test key from scripts/fixtures/ (`<name>.test-key.pem`). */
export function committedRsaKey(name: string): VectorKey {
  return createPrivateKey(readFileSync(new URL(`fixtures/${name}.test-key.pem`, import.meta.url), 'utf8'));
}

/**
 * RSA-PSS-SHA256 (MGF1-SHA256, salt 32) with a salt fixed by a label instead of a random one, so
 * the vectors are reproducible: EMSA-PSS-ENCODE (RFC 8017 §9.1.1), then the raw RSA operation.
 */
export function deterministicPss(key: VectorKey, message: Uint8Array, label: string): Uint8Array {
  const sha256 = (...parts: Uint8Array[]): Buffer => {
    const h = createHash('sha256');
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const emLength = 512; // emBits = 4095: one octet, its top bit cleared
  const salt = sha256(Buffer.from(`salt:${label}`));
  const h = sha256(Buffer.alloc(8), sha256(message), salt);
  const db = Buffer.concat([Buffer.alloc(emLength - 32 - 32 - 2), Buffer.from([1]), salt]);
  const mask = Buffer.alloc(db.length);
  for (let counter = 0, at = 0; at < mask.length; counter++, at += 32) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    sha256(h, c).copy(mask, at);
  }
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0x7f;
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, em));
}
