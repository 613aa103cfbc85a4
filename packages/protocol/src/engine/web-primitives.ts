/**
 * The engine's primitives on WebCrypto (`crypto.subtle`, `crypto.getRandomValues`), which browsers
 * and Node both have: what `runAsync` answers in a browser. Both suites: `modern` (./web-modern.ts)
 * and the seed's `rsa-4096` (./web-rsa.ts).
 */
import { getSuiteName } from '../crypto/suite-names.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import type { CryptoPrimitives, SuitePrimitives } from './primitives.ts';
import { webAeadDecrypt, webAeadEncrypt } from './web-aead.ts';
import { webModernSuite } from './web-modern.ts';
import { webRsaSuite } from './web-rsa.ts';

const suites: Record<SuiteName, SuitePrimitives> = { modern: webModernSuite, 'rsa-4096': webRsaSuite };

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
  suite: (name) => suites[getSuiteName(name)],
};
