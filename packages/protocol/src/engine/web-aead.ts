/**
 * AES-256-GCM through WebCrypto, in the protocol's layout (crypto/aead.ts): nonce (12 bytes) ‖
 * ciphertext ‖ tag (16 bytes). WebCrypto's output is ciphertext ‖ tag, so only the nonce is added.
 */
import { concatBytes } from '../bytes.ts';

const NONCE_BYTES = 12;
const TAG_BITS = 128;
export const AEAD_KEY_BYTES = 32;

type WebKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

async function aesKey(key: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<WebKey> {
  if (key.byteLength !== AEAD_KEY_BYTES) throw new Error('AES-256-GCM takes a 32-byte key');
  return crypto.subtle.importKey('raw', new Uint8Array(key), { name: 'AES-GCM' }, false, [usage]);
}

export async function webAeadEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const params = { name: 'AES-GCM', iv, additionalData: new Uint8Array(associatedData), tagLength: TAG_BITS };
  const body = await crypto.subtle.encrypt(params, await aesKey(key, 'encrypt'), new Uint8Array(plaintext));
  return concatBytes(iv, new Uint8Array(body));
}

export async function webAeadDecrypt(
  key: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Promise<Uint8Array> {
  if (sealed.byteLength < NONCE_BYTES + TAG_BITS / 8) throw new Error('ciphertext too short');
  const iv = sealed.slice(0, NONCE_BYTES);
  const params = { name: 'AES-GCM', iv, additionalData: new Uint8Array(associatedData), tagLength: TAG_BITS };
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(params, await aesKey(key, 'decrypt'), sealed.slice(NONCE_BYTES)),
    );
  } catch (cause) {
    throw new Error('AES-GCM authentication failed', { cause });
  }
}
