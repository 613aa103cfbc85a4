/**
 * The relay's Ed25519 signing key. Its id (`relayKeyId` in every receipt) is the SHA-256 hex of
 * the raw 32-byte public key, so anyone holding the public key can tell which key signed.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface RelayKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKeyRaw: Uint8Array;
  /** SHA-256 hex of `publicKeyRaw`. */
  readonly keyId: string;
}

/** Raw 32-byte Ed25519 public key of a KeyObject (the last 32 bytes of its SPKI DER). */
export function rawEd25519PublicKey(publicKey: KeyObject): Uint8Array {
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new RelayError(RelayErrorCode.BadConfig, 'relayKey: expected an Ed25519 key');
  }
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

export function relayKeyId(publicKeyRaw: Uint8Array): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

/** Loads the key from PKCS#8 DER bytes or a PKCS#8 PEM string (`-----BEGIN PRIVATE KEY-----`). */
export function loadRelayKey(pkcs8: Uint8Array | string): RelayKey {
  let privateKey: KeyObject;
  try {
    privateKey =
      typeof pkcs8 === 'string'
        ? createPrivateKey({ key: pkcs8, format: 'pem' })
        : createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw new RelayError(RelayErrorCode.BadConfig, 'relayKey: not a PKCS#8 private key (DER or PEM)', {
      cause,
    });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new RelayError(
      RelayErrorCode.BadConfig,
      `relayKey: expected an Ed25519 key, got ${String(privateKey.asymmetricKeyType)}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyRaw = rawEd25519PublicKey(publicKey);
  return { privateKey, publicKey, publicKeyRaw, keyId: relayKeyId(publicKeyRaw) };
}

/** A fresh key for tests and development: PKCS#8 DER and PEM of the private key, and the raw public key. */
export function generateRelayKey(): { pkcs8Der: Uint8Array; pkcs8Pem: string; publicKeyRaw: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    pkcs8Der: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' })),
    pkcs8Pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    publicKeyRaw: rawEd25519PublicKey(publicKey),
  };
}
