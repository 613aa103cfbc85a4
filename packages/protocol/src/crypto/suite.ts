/**
 * A crypto suite is the set of asymmetric primitives a transaction-file uses, selected by its
 * `suite` field. Symmetric encryption (AES-256-GCM, see aead.ts) and HMAC-SHA512 are common to all
 * suites. Keys travel as DER: SPKI for public keys, PKCS#8 for private keys.
 */
import type { SuiteName } from '../tx-file/schema.ts';

export interface CryptoSuite {
  readonly name: SuiteName;
  /** A key pair for encryption to this party (group keys, and each member's encryption key). */
  generateEncryptionKeyPair(): Promise<DerKeyPair>;
  /** A key pair for signatures (each member's and each client's signing key). */
  generateSigningKeyPair(): Promise<DerKeyPair>;
  /**
   * Hybrid public-key encryption of `plaintext` to `publicKey`. `context` is bound into the
   * ciphertext (as AEAD associated data), so a ciphertext cannot be replayed in another role.
   */
  seal(publicKey: Uint8Array, plaintext: Uint8Array, context: string): Uint8Array;
  /** Inverse of seal; throws when the key is wrong or any byte was changed. */
  open(privateKey: Uint8Array, sealed: Uint8Array, context: string): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export interface DerKeyPair {
  /** SPKI DER. */
  publicKey: Uint8Array;
  /** PKCS#8 DER. */
  privateKey: Uint8Array;
}
