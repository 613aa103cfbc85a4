/**
 * The default suite: X25519 key agreement + HKDF-SHA-256 + AES-256-GCM for sealing (an ECIES-style
 * construction with an ephemeral key per message), Ed25519 for signatures. All primitives are
 * node:crypto (OpenSSL); nothing here is hand-rolled beyond composing them (./modern-seal.ts, shared
 * with the WebCrypto implementation in ../engine/web-modern.ts).
 */
import {
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPair,
  generateKeyPairSync,
  hkdfSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { aeadDecrypt, aeadEncrypt, AEAD_KEY_BYTES } from './aead.ts';
import type { CryptoSuite, DerKeyPair } from './suite.ts';
import { rawPublicKey, toDerKeyPair } from './der.ts';
import { refuseDegenerateSecret, sealInfo, sealSalt, X25519_BYTES } from './modern-seal.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

function sealKey(
  shared: Buffer,
  ephemeralRaw: Uint8Array,
  recipientRaw: Uint8Array,
  context: string,
): Uint8Array {
  const salt = sealSalt(ephemeralRaw, recipientRaw);
  return new Uint8Array(hkdfSync('sha256', shared, salt, sealInfo(context), AEAD_KEY_BYTES));
}

function agree(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const shared = diffieHellman({ privateKey, publicKey });
  refuseDegenerateSecret(shared);
  return shared;
}

export const modernSuite: CryptoSuite = {
  name: 'modern',

  async generateEncryptionKeyPair(): Promise<DerKeyPair> {
    return toDerKeyPair(await generateKeyPairAsync('x25519'));
  },

  async generateSigningKeyPair(): Promise<DerKeyPair> {
    return toDerKeyPair(await generateKeyPairAsync('ed25519'));
  },

  seal(publicKey, plaintext, context) {
    const recipient = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    if (recipient.asymmetricKeyType !== 'x25519') throw new Error('not an X25519 public key');
    const ephemeral = generateKeyPairSync('x25519');
    const ephemeralRaw = rawPublicKey(ephemeral.publicKey);
    const key = sealKey(
      agree(ephemeral.privateKey, recipient),
      ephemeralRaw,
      rawPublicKey(recipient),
      context,
    );
    const body = aeadEncrypt(key, plaintext, Buffer.from(context));
    return new Uint8Array(Buffer.concat([ephemeralRaw, body]));
  },

  open(privateKey, sealed, context) {
    if (sealed.byteLength <= X25519_BYTES) throw new Error('sealed box too short');
    const recipient = createPrivateKey({ key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' });
    if (recipient.asymmetricKeyType !== 'x25519') throw new Error('not an X25519 private key');
    const ephemeralRaw = sealed.subarray(0, X25519_BYTES);
    const ephemeral = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(ephemeralRaw).toString('base64url') },
      format: 'jwk',
    });
    const key = sealKey(
      agree(recipient, ephemeral),
      ephemeralRaw,
      rawPublicKey(createPublicKey(recipient)),
      context,
    );
    return aeadDecrypt(key, sealed.subarray(X25519_BYTES), Buffer.from(context));
  },

  sign(privateKey, message) {
    const key = createPrivateKey({ key: Buffer.from(privateKey), format: 'der', type: 'pkcs8' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
    return new Uint8Array(sign(null, message, key));
  },

  verify(publicKey, message, signature) {
    const key = createPublicKey({ key: Buffer.from(publicKey), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, message, key, signature);
  },
};
