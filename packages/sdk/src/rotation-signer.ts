/**
 * The rotation signer of a published key: an EVM key derived from the identity's own signing
 * private key, so that "signed by the old key" is literal. Whoever holds the old private-key.json
 * can rotate; whoever holds only the account key (the on-chain identity that pays nothing and
 * sends the request) cannot swap the published key. Ed25519 and RSA signatures are not checkable
 * by the registry, hence a secp256k1 key derived with HKDF-SHA256 from the secret DER bytes
 * (salt `anchorpost/v1/key-registry/rotation-signer`, info `<fingerprint>\0<attempt>`, 32 bytes).
 * WebCrypto's HKDF, so the same derivation runs in Node and in browsers; the signer is a
 * secp256k1 SigningKey and ethers' EIP-712 encoder (no wallet, no provider: small in a bundle).
 */
import { SigningKey } from 'ethers/crypto';
import { TypedDataEncoder } from 'ethers/hash';
import { computeAddress } from 'ethers/transaction';
import { hexlify } from 'ethers/utils';
import { fingerprintWeb, type PrivateIdentity } from '@anchorpost/protocol/web';
import type { TypedDataSigner } from './forward-request.ts';

const SALT = 'anchorpost/v1/key-registry/rotation-signer';
/** The order of secp256k1: a private key must be in [1, n - 1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Signs EIP-712 data with `privateKey` (hex), as an ethers Wallet of that key would. */
function typedDataSigner(privateKey: string): TypedDataSigner {
  const key = new SigningKey(privateKey);
  return {
    address: computeAddress(key.publicKey),
    signTypedData: (domain, types, value) =>
      Promise.resolve(key.sign(TypedDataEncoder.hash(domain, types, value)).serialized),
  };
}

export async function rotationSignerOf(identity: PrivateIdentity): Promise<TypedDataSigner> {
  const id = await fingerprintWeb(identity.public);
  const secret = await crypto.subtle.importKey('raw', new Uint8Array(identity.signing), 'HKDF', false, [
    'deriveBits',
  ]);
  // A counter in the info keeps the derivation total; an out-of-range output is about 2^-128 likely.
  for (let attempt = 0; ; attempt += 1) {
    const params = { name: 'HKDF', hash: 'SHA-256', salt: utf8(SALT), info: utf8(`${id}\0${attempt}`) };
    const bytes = hexlify(new Uint8Array(await crypto.subtle.deriveBits(params, secret, 256)));
    const scalar = BigInt(bytes);
    if (scalar > 0n && scalar < SECP256K1_N) return typedDataSigner(bytes);
  }
}
