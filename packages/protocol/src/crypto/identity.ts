/**
 * An identity is a party's key set in one suite: an encryption key pair (to receive group keys)
 * and a signing key pair (to sign transaction-files). Members, senders, voters and clients are all
 * identities. `publicKeyBytes` is the canonical byte form that HMACs and fingerprints are taken of.
 */
import { fingerprintSteps, generateIdentityWith } from '../engine/identity.ts';
import {
  parsePrivateKeyFileSteps,
  parsePublicKeyFileSteps,
  privateKeyFileSteps,
  publicKeyFileSteps,
  type PrivateKeyFile,
  type PublicKeyFile,
} from '../engine/key-files.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
export { publicKeyBytes } from './public-key-bytes.ts';
export { parsePublicKeyBytes } from '../engine/identity.ts';
export {
  PRIVATE_KEY_FILE_TYPE,
  PUBLIC_KEY_FILE_TYPE,
  type PrivateKeyFile,
  type PublicKeyFile,
} from '../engine/key-files.ts';

export interface PublicIdentity {
  suite: SuiteName;
  /** SPKI DER. */
  encryption: Uint8Array;
  /** SPKI DER. */
  signing: Uint8Array;
}

export interface PrivateIdentity {
  public: PublicIdentity;
  /** PKCS#8 DER. */
  encryption: Uint8Array;
  /** PKCS#8 DER. */
  signing: Uint8Array;
}

export async function generateIdentity(suiteName: SuiteName): Promise<PrivateIdentity> {
  return generateIdentityWith(nodePrimitives, suiteName);
}

/** SHA-256 of publicKeyBytes, hex: the public id of an identity (e.g. `client.id`). */
export function fingerprint(identity: PublicIdentity): string {
  return runSync(fingerprintSteps(identity), nodePrimitives);
}

// ---- Key files (JSON): the engine's steps (../engine/key-files.ts), run with node:crypto. ----

export function toPublicKeyFile(identity: PublicIdentity): PublicKeyFile {
  return runSync(publicKeyFileSteps(identity), nodePrimitives);
}

export function toPrivateKeyFile(identity: PrivateIdentity): PrivateKeyFile {
  return runSync(privateKeyFileSteps(identity), nodePrimitives);
}

export function parsePublicKeyFile(value: unknown, where = 'key'): PublicIdentity {
  return runSync(parsePublicKeyFileSteps(value, where), nodePrimitives);
}

/**
 * A public key file from its exact bytes (UTF-8 JSON), as stored and fetched by CID: BAD_KEY when
 * the bytes are not UTF-8 JSON, otherwise `parsePublicKeyFile`'s refusals.
 */
export function parsePublicKeyFileBytes(bytes: Uint8Array, where = 'key'): PublicIdentity {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ProtocolError(ErrorCode.BadKey, where, 'a public key file is UTF-8 JSON');
  }
  return parsePublicKeyFile(value, where);
}

/** Refuses (BAD_KEY) a file whose id is not its keys' or whose private and public halves differ. */
export function parsePrivateKeyFile(value: unknown, where = 'key'): PrivateIdentity {
  return runSync(parsePrivateKeyFileSteps(value, where), nodePrimitives);
}
