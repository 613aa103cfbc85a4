/**
 * The `modern` suite on WebCrypto (X25519, HKDF-SHA-256, AES-256-GCM, Ed25519): the construction
 * of crypto/modern-seal.ts, byte-compatible with the node:crypto suite (crypto/modern.ts) — a file
 * sealed or signed by either opens and verifies with the other. Keys travel as DER, SPKI and PKCS#8.
 */
import { concatBytes, fromBase64, utf8 } from '../bytes.ts';
import { refuseDegenerateSecret, sealInfo, sealSalt, X25519_BYTES } from '../crypto/modern-seal.ts';
import type { SuitePrimitives } from './primitives.ts';
import { AEAD_KEY_BYTES, webAeadDecrypt, webAeadEncrypt } from './web-aead.ts';
import { derPair, subtle, type CryptoKey, type CryptoKeyPair } from './web-keys.ts';

const X25519 = { name: 'X25519' };
const ED25519 = { name: 'Ed25519' };

async function agreedKey(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  ephemeralRaw: Uint8Array,
  recipientRaw: Uint8Array,
  context: string,
): Promise<Uint8Array> {
  const shared = new Uint8Array(
    await subtle().deriveBits({ name: 'X25519', public: publicKey }, privateKey, 256),
  );
  refuseDegenerateSecret(shared);
  const hkdfKey = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveBits']);
  const params = {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: sealSalt(ephemeralRaw, recipientRaw),
    info: utf8(sealInfo(context)),
  };
  return new Uint8Array(await subtle().deriveBits(params, hkdfKey, AEAD_KEY_BYTES * 8));
}

/** The raw public key of an X25519 private key (PKCS#8), read from its JWK export. */
async function privateX25519(pkcs8: Uint8Array): Promise<{ key: CryptoKey; raw: Uint8Array }> {
  const exportable = await subtle().importKey('pkcs8', new Uint8Array(pkcs8), X25519, true, ['deriveBits']);
  const jwk = await subtle().exportKey('jwk', exportable);
  if (typeof jwk.x !== 'string') throw new Error('not an X25519 private key');
  const raw = fromBase64(jwk.x.replace(/-/g, '+').replace(/_/g, '/').padEnd(44, '='), 'x');
  return { key: exportable, raw };
}

export const webModernSuite: SuitePrimitives = {
  async generateEncryptionKeyPair() {
    return derPair((await subtle().generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair);
  },

  async generateSigningKeyPair() {
    return derPair((await subtle().generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair);
  },

  async seal(publicKey, plaintext, context) {
    const recipient = await subtle().importKey('spki', new Uint8Array(publicKey), X25519, true, []);
    const recipientRaw = new Uint8Array(await subtle().exportKey('raw', recipient));
    const ephemeral = (await subtle().generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair;
    const ephemeralRaw = new Uint8Array(await subtle().exportKey('raw', ephemeral.publicKey));
    const key = await agreedKey(ephemeral.privateKey, recipient, ephemeralRaw, recipientRaw, context);
    return concatBytes(ephemeralRaw, await webAeadEncrypt(key, plaintext, utf8(context)));
  },

  async open(privateKey, sealed, context) {
    if (sealed.byteLength <= X25519_BYTES) throw new Error('sealed box too short');
    const recipient = await privateX25519(privateKey);
    const ephemeralRaw = sealed.slice(0, X25519_BYTES);
    const ephemeral = await subtle().importKey('raw', ephemeralRaw, X25519, false, []);
    const key = await agreedKey(recipient.key, ephemeral, ephemeralRaw, recipient.raw, context);
    return webAeadDecrypt(key, sealed.subarray(X25519_BYTES), utf8(context));
  },

  async sign(privateKey, message) {
    const key = await subtle().importKey('pkcs8', new Uint8Array(privateKey), ED25519, false, ['sign']);
    return new Uint8Array(await subtle().sign(ED25519, key, new Uint8Array(message)));
  },

  async verify(publicKey, message, signature) {
    let key: CryptoKey;
    try {
      key = await subtle().importKey('spki', new Uint8Array(publicKey), ED25519, false, ['verify']);
    } catch {
      return false;
    }
    return subtle().verify(ED25519, key, new Uint8Array(signature), new Uint8Array(message));
  },
};
