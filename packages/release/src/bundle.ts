/**
 * The signature format: a Sigstore bundle (v0.3 JSON) holding a DSSE envelope whose payload is an
 * in-toto Statement v1 — what `cosign attest` and GitHub's build attestations produce. Signed here
 * with a key pair (the bundle's `verificationMaterial.publicKey.hint` names the key); keyless
 * signing later puts a Fulcio certificate and a Rekor entry into `verificationMaterial` instead.
 */
import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { ReleaseError, ReleaseErrorCode } from './release-error.ts';

export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseSignature {
  /** Base64 of the signature over the PAE (DER for ECDSA, raw for Ed25519). */
  readonly sig: string;
  readonly keyid: string;
}

export interface SigstoreBundle {
  readonly mediaType: typeof BUNDLE_MEDIA_TYPE;
  readonly verificationMaterial: { readonly publicKey: { readonly hint: string } };
  readonly dsseEnvelope: {
    /** Base64 of the statement's JSON bytes. */
    readonly payload: string;
    readonly payloadType: typeof IN_TOTO_PAYLOAD_TYPE;
    readonly signatures: readonly DsseSignature[];
  };
}

/** A public key trusted to sign release images, and its id (hex SHA-256 of its SPKI DER). */
export interface TrustedKey {
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

/** DSSE's pre-authentication encoding: what is signed, binding the payload type to the payload. */
export function preAuthenticationEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  const header = Buffer.from(`DSSEv1 ${type.byteLength} ${payloadType} ${payload.byteLength} `, 'utf8');
  return Buffer.concat([header, payload]);
}

function algorithmOf(key: KeyObject, field: string): string | null {
  if (key.asymmetricKeyType === 'ed25519') return null;
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return 'sha256';
  throw new ReleaseError(ReleaseErrorCode.BadKey, field, 'keys are Ed25519 or ECDSA P-256');
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex');
}

/** A trusted key from its PEM (SPKI `PUBLIC KEY`); refuses other algorithms. */
export function trustedKeyFromPem(pem: string, field = 'trusted-key'): TrustedKey {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(pem);
  } catch (cause) {
    throw new ReleaseError(ReleaseErrorCode.BadKey, field, 'not a PEM public key', { cause });
  }
  algorithmOf(publicKey, field);
  return { keyId: keyIdOf(publicKey), publicKey };
}

export function signBundle(statement: Uint8Array, privateKey: KeyObject): SigstoreBundle {
  const algorithm = algorithmOf(privateKey, 'signing-key');
  const keyid = keyIdOf(createPublicKey(privateKey));
  const signature = sign(algorithm, preAuthenticationEncoding(IN_TOTO_PAYLOAD_TYPE, statement), privateKey);
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: keyid } },
    dsseEnvelope: {
      payload: Buffer.from(statement).toString('base64'),
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      signatures: [{ sig: signature.toString('base64'), keyid }],
    },
  };
}

/**
 * The envelope's payload, once a signature by a trusted key verifies over it. The key is found by
 * its id; an id no trusted key has is an untrusted signer, a trusted id whose signature fails is
 * a bad signature (the payload was changed, or someone borrowed the id).
 */
export function verifyBundle(
  bundle: SigstoreBundle,
  trusted: readonly TrustedKey[],
  field: string,
): Uint8Array {
  const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
  const pae = preAuthenticationEncoding(bundle.dsseEnvelope.payloadType, payload);
  let named = false;
  for (const signature of bundle.dsseEnvelope.signatures) {
    const key = trusted.find((k) => k.keyId === signature.keyid);
    if (key === undefined) continue;
    named = true;
    const algorithm = algorithmOf(key.publicKey, field);
    if (verify(algorithm, pae, key.publicKey, Buffer.from(signature.sig, 'base64'))) return payload;
  }
  if (named) {
    throw new ReleaseError(
      ReleaseErrorCode.BadSignature,
      `${field}.dsseEnvelope.signatures`,
      'the signature does not verify',
    );
  }
  throw new ReleaseError(
    ReleaseErrorCode.UntrustedSigner,
    `${field}.dsseEnvelope.signatures`,
    'not signed by a trusted key',
  );
}
