/**
 * The engine's primitives on WebCrypto (`crypto.subtle`, `crypto.getRandomValues`), which browsers
 * and Node both have: what `runAsync` answers in a browser. The `modern` suite only: the seed's
 * `rsa-4096` stays on node:crypto (UNKNOWN_SUITE here, saying so).
 */
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { CryptoPrimitives } from './primitives.ts';
import { webAeadDecrypt, webAeadEncrypt } from './web-aead.ts';
import { webModernSuite } from './web-modern.ts';

async function digest(algorithm: 'SHA-256' | 'SHA-512', data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(algorithm, new Uint8Array(data)));
}

export const webPrimitives: CryptoPrimitives = {
  randomBytes: (length) => crypto.getRandomValues(new Uint8Array(length)),
  sha256: (data) => digest('SHA-256', data),
  sha512: (data) => digest('SHA-512', data),
  async hmacSha512(key, data) {
    const params = { name: 'HMAC', hash: 'SHA-512' };
    const hmacKey = await crypto.subtle.importKey('raw', new Uint8Array(key), params, false, ['sign']);
    return new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, new Uint8Array(data)));
  },
  aeadEncrypt: webAeadEncrypt,
  aeadDecrypt: webAeadDecrypt,
  suite(name) {
    if (name === 'modern') return webModernSuite;
    throw new ProtocolError(
      ErrorCode.UnknownSuite,
      'suite',
      `the ${name} suite is not available with WebCrypto here (modern only); use the Node entry`,
    );
  },
};
