/**
 * The `rsa-4096` suite on WebCrypto (RSA-OAEP and RSA-PSS with SHA-256, AES-256-GCM): the
 * construction of crypto/rsa-seal.ts, byte-compatible with the node:crypto suite
 * (crypto/rsa-4096.ts) — a box sealed by either opens with the other, a signature made by either
 * verifies with the other. Keys are SPKI and PKCS#8 DER (rsaEncryption), as the key files hold
 * them; a key whose modulus is not 4096 bits is refused as Node refuses it.
 */
import { concatBytes, utf8 } from '../bytes.ts';
import {
  RSA_MODULUS_BITS,
  RSA_PSS_SALT_BYTES,
  RSA_WRAPPED_KEY_BYTES,
  rsaSealLabel,
} from '../crypto/rsa-seal.ts';
import type { SuitePrimitives } from './primitives.ts';
import { AEAD_KEY_BYTES, webAeadDecrypt, webAeadEncrypt } from './web-aead.ts';
import { derPair, subtle, type CryptoKey } from './web-keys.ts';

const OAEP = { name: 'RSA-OAEP', hash: 'SHA-256' };
const PSS = { name: 'RSA-PSS', hash: 'SHA-256' };
type Usage = 'encrypt' | 'decrypt' | 'sign' | 'verify';

function generation(algorithm: typeof OAEP | typeof PSS) {
  return { ...algorithm, modulusLength: RSA_MODULUS_BITS, publicExponent: new Uint8Array([1, 0, 1]) };
}

/** Imports an RSA key (SPKI for public usages, PKCS#8 for private ones) and checks its modulus. */
async function rsaKey(
  der: Uint8Array,
  algorithm: typeof OAEP | typeof PSS,
  usage: Usage,
): Promise<CryptoKey> {
  const isPublic = usage === 'encrypt' || usage === 'verify';
  const key = await subtle().importKey(isPublic ? 'spki' : 'pkcs8', new Uint8Array(der), algorithm, false, [
    usage,
  ]);
  const { modulusLength } = key.algorithm as { modulusLength?: number };
  if (modulusLength !== RSA_MODULUS_BITS) {
    throw new Error(`not an RSA-4096 ${isPublic ? 'public' : 'private'} key`);
  }
  return key;
}

export const webRsaSuite: SuitePrimitives = {
  async generateEncryptionKeyPair() {
    return derPair(await subtle().generateKey(generation(OAEP), true, ['encrypt', 'decrypt']));
  },

  async generateSigningKeyPair() {
    return derPair(await subtle().generateKey(generation(PSS), true, ['sign', 'verify']));
  },

  async seal(publicKey, plaintext, context) {
    const key = await rsaKey(publicKey, OAEP, 'encrypt');
    const contentKey = crypto.getRandomValues(new Uint8Array(AEAD_KEY_BYTES));
    const params = { name: 'RSA-OAEP', label: utf8(rsaSealLabel(context)) };
    const wrapped = new Uint8Array(await subtle().encrypt(params, key, contentKey));
    return concatBytes(wrapped, await webAeadEncrypt(contentKey, plaintext, utf8(context)));
  },

  async open(privateKey, sealed, context) {
    if (sealed.byteLength <= RSA_WRAPPED_KEY_BYTES) throw new Error('sealed box too short');
    const key = await rsaKey(privateKey, OAEP, 'decrypt');
    const params = { name: 'RSA-OAEP', label: utf8(rsaSealLabel(context)) };
    const contentKey = new Uint8Array(
      await subtle().decrypt(params, key, sealed.slice(0, RSA_WRAPPED_KEY_BYTES)),
    );
    return webAeadDecrypt(contentKey, sealed.subarray(RSA_WRAPPED_KEY_BYTES), utf8(context));
  },

  async sign(privateKey, message) {
    const key = await rsaKey(privateKey, PSS, 'sign');
    const params = { name: 'RSA-PSS', saltLength: RSA_PSS_SALT_BYTES };
    return new Uint8Array(await subtle().sign(params, key, new Uint8Array(message)));
  },

  async verify(publicKey, message, signature) {
    try {
      const key = await rsaKey(publicKey, PSS, 'verify');
      const params = { name: 'RSA-PSS', saltLength: RSA_PSS_SALT_BYTES };
      return await subtle().verify(params, key, new Uint8Array(signature), new Uint8Array(message));
    } catch {
      return false;
    }
  },
};
