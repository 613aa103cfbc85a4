export type { CryptoSuite, DerKeyPair } from './suite.ts';
export { getSuite, isSuiteName, DEFAULT_SUITE } from './suites.ts';
export { aeadEncrypt, aeadDecrypt, AEAD_KEY_BYTES } from './aead.ts';
export * from './identity.ts';
export * from './group.ts';
