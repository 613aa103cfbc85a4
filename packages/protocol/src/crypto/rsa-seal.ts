/**
 * The `rsa-4096` suite's construction, shared by its node:crypto (./rsa-4096.ts) and WebCrypto
 * (../engine/web-rsa.ts) implementations: sealed = RSA-OAEP (SHA-256, MGF1-SHA-256, the context
 * under a domain as label) of a fresh AES-256 key ‖ AES-256-GCM of the payload (the context as
 * associated data); signatures RSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt). Keys are RSA with a
 * 4096-bit modulus and exponent 65537, as SPKI and PKCS#8 DER (rsaEncryption).
 */
export const RSA_MODULUS_BITS = 4096;
/** The RSA-OAEP block that opens a sealed box: one modulus long. */
export const RSA_WRAPPED_KEY_BYTES = RSA_MODULUS_BITS / 8;
export const RSA_PSS_SALT_BYTES = 32;

export function rsaSealLabel(context: string): string {
  return `anchorpost/v1/rsa-4096/seal/${context}`;
}
