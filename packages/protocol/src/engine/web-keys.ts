/** What the WebCrypto suites (./web-modern.ts, ./web-rsa.ts) share: keys out as SPKI and PKCS#8 DER. */
import type { DerKeyPair } from '../crypto/suite.ts';

export const subtle = (): typeof crypto.subtle => crypto.subtle;
export type CryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
export interface CryptoKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}

export async function derPair(pair: CryptoKeyPair): Promise<DerKeyPair> {
  const [publicKey, privateKey] = await Promise.all([
    subtle().exportKey('spki', pair.publicKey),
    subtle().exportKey('pkcs8', pair.privateKey),
  ]);
  return { publicKey: new Uint8Array(publicKey), privateKey: new Uint8Array(privateKey) };
}
