/**
 * The seed's suite: RSA-4096 on node:crypto. Sealing is hybrid — a fresh AES-256 key wrapped with
 * RSA-OAEP (SHA-256, the context as OAEP label) and the payload under AES-256-GCM; signatures are
 * RSA-PSS with SHA-256 and a 32-byte salt (./rsa-seal.ts; ../engine/web-rsa.ts is the same on
 * WebCrypto). Encryption and signing use separate key pairs.
 */
import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { aeadDecrypt, aeadEncrypt, AEAD_KEY_BYTES } from './aead.ts';
import { toDerKeyPair } from './der.ts';
import { RSA_MODULUS_BITS, RSA_PSS_SALT_BYTES, RSA_WRAPPED_KEY_BYTES, rsaSealLabel } from './rsa-seal.ts';
import type { CryptoSuite, DerKeyPair } from './suite.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

function rsaPublic(der: Uint8Array): KeyObject {
  const key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== RSA_MODULUS_BITS) {
    throw new Error('not an RSA-4096 public key');
  }
  return key;
}

function rsaPrivate(der: Uint8Array): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== RSA_MODULUS_BITS) {
    throw new Error('not an RSA-4096 private key');
  }
  return key;
}

async function generateRsa(): Promise<DerKeyPair> {
  return toDerKeyPair(
    await generateKeyPairAsync('rsa', { modulusLength: RSA_MODULUS_BITS, publicExponent: 0x10001 }),
  );
}

const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: RSA_PSS_SALT_BYTES };

export const rsa4096Suite: CryptoSuite = {
  name: 'rsa-4096',
  generateEncryptionKeyPair: generateRsa,
  generateSigningKeyPair: generateRsa,

  seal(publicKey, plaintext, context) {
    const contentKey = randomBytes(AEAD_KEY_BYTES);
    const wrapped = publicEncrypt(
      {
        key: rsaPublic(publicKey),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: Buffer.from(rsaSealLabel(context)),
      },
      contentKey,
    );
    const body = aeadEncrypt(contentKey, plaintext, Buffer.from(context));
    return new Uint8Array(Buffer.concat([wrapped, body]));
  },

  open(privateKey, sealed, context) {
    if (sealed.byteLength <= RSA_WRAPPED_KEY_BYTES) throw new Error('sealed box too short');
    const contentKey = privateDecrypt(
      {
        key: rsaPrivate(privateKey),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
        oaepLabel: Buffer.from(rsaSealLabel(context)),
      },
      sealed.subarray(0, RSA_WRAPPED_KEY_BYTES),
    );
    return aeadDecrypt(contentKey, sealed.subarray(RSA_WRAPPED_KEY_BYTES), Buffer.from(context));
  },

  sign(privateKey, message) {
    return new Uint8Array(sign('sha256', message, { key: rsaPrivate(privateKey), ...pss }));
  },

  verify(publicKey, message, signature) {
    let key: KeyObject;
    try {
      key = rsaPublic(publicKey);
    } catch {
      return false;
    }
    return verify('sha256', message, { key, ...pss }, signature);
  },
};
