/**
 * The rotation signer of a published key: an EVM key derived from the identity's own signing
 * private key, so that "signed by the old key" is literal. Whoever holds the old private-key.json
 * can rotate; whoever holds only the account key (the on-chain identity that pays nothing and
 * sends the request) cannot swap the published key. Ed25519 and RSA signatures are not checkable
 * by the registry, hence a secp256k1 key derived with HKDF-SHA256 from the secret DER bytes.
 */
import { hkdfSync } from 'node:crypto';
import { Wallet } from 'ethers';
import { fingerprint } from '@anchorpost/protocol';
import type { PrivateIdentity } from '@anchorpost/protocol';

const SALT = 'anchorpost/v1/key-registry/rotation-signer';
/** The order of secp256k1: a private key must be in [1, n - 1]. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

export function rotationSignerOf(identity: PrivateIdentity): Wallet {
  // A counter in the info keeps the derivation total; an out-of-range output is about 2^-128 likely.
  for (let attempt = 0; ; attempt += 1) {
    const info = `${fingerprint(identity.public)}\0${attempt}`;
    const bytes = Buffer.from(hkdfSync('sha256', identity.signing, SALT, info, 32));
    const scalar = BigInt(`0x${bytes.toString('hex')}`);
    if (scalar > 0n && scalar < SECP256K1_N) return new Wallet(`0x${bytes.toString('hex')}`);
  }
}
