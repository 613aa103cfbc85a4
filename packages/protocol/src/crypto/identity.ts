/**
 * An identity is a party's key set in one suite: an encryption key pair (to receive group keys)
 * and a signing key pair (to sign transaction-files). Members, senders, voters and clients are all
 * identities. `publicKeyBytes` is the canonical byte form that HMACs and fingerprints are taken of.
 */
import { fromBase64, toBase64, utf8 } from '../bytes.ts';
import { fingerprintSteps, generateIdentityWith } from '../engine/identity.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import { getSuite, isSuiteName } from './suites.ts';
export { publicKeyBytes } from './public-key-bytes.ts';
export { parsePublicKeyBytes } from '../engine/identity.ts';

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

// ---- Key files (JSON). Private key files are written by the CLI with mode 0600. ----

export const PUBLIC_KEY_FILE_TYPE = 'anchorpost.public-key';
export const PRIVATE_KEY_FILE_TYPE = 'anchorpost.private-key';

export interface PublicKeyFile {
  type: typeof PUBLIC_KEY_FILE_TYPE;
  version: 1;
  suite: SuiteName;
  id: string;
  encryption: string;
  signing: string;
}

export interface PrivateKeyFile {
  type: typeof PRIVATE_KEY_FILE_TYPE;
  version: 1;
  suite: SuiteName;
  id: string;
  public: { encryption: string; signing: string };
  encryption: string;
  signing: string;
}

export function toPublicKeyFile(identity: PublicIdentity): PublicKeyFile {
  return {
    type: PUBLIC_KEY_FILE_TYPE,
    version: 1,
    suite: identity.suite,
    id: fingerprint(identity),
    encryption: toBase64(identity.encryption),
    signing: toBase64(identity.signing),
  };
}

export function toPrivateKeyFile(identity: PrivateIdentity): PrivateKeyFile {
  return {
    type: PRIVATE_KEY_FILE_TYPE,
    version: 1,
    suite: identity.public.suite,
    id: fingerprint(identity.public),
    public: { encryption: toBase64(identity.public.encryption), signing: toBase64(identity.public.signing) },
    encryption: toBase64(identity.encryption),
    signing: toBase64(identity.signing),
  };
}

function field(record: Record<string, unknown>, name: string, where: string): string {
  const value = record[name];
  if (typeof value !== 'string')
    throw new ProtocolError(ErrorCode.BadKey, `${where}.${name}`, 'expected a string');
  return value;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(ErrorCode.BadKey, where, 'expected a JSON object');
  }
  return value as Record<string, unknown>;
}

function readSuite(record: Record<string, unknown>, where: string): SuiteName {
  const suite = record.suite;
  if (!isSuiteName(suite))
    throw new ProtocolError(ErrorCode.UnknownSuite, `${where}.suite`, `unknown suite '${String(suite)}'`);
  return suite;
}

function checkId(record: Record<string, unknown>, identity: PublicIdentity, where: string): void {
  if (field(record, 'id', where) !== fingerprint(identity)) {
    throw new ProtocolError(ErrorCode.BadKey, `${where}.id`, 'id does not match the keys');
  }
}

export function parsePublicKeyFile(value: unknown, where = 'key'): PublicIdentity {
  const record = asRecord(value, where);
  if (record.type !== PUBLIC_KEY_FILE_TYPE || record.version !== 1) {
    throw new ProtocolError(
      ErrorCode.BadKey,
      `${where}.type`,
      `expected a ${PUBLIC_KEY_FILE_TYPE} version 1`,
    );
  }
  const identity: PublicIdentity = {
    suite: readSuite(record, where),
    encryption: fromBase64(field(record, 'encryption', where), `${where}.encryption`),
    signing: fromBase64(field(record, 'signing', where), `${where}.signing`),
  };
  checkId(record, identity, where);
  return identity;
}

export function parsePrivateKeyFile(value: unknown, where = 'key'): PrivateIdentity {
  const record = asRecord(value, where);
  if (record.type !== PRIVATE_KEY_FILE_TYPE || record.version !== 1) {
    throw new ProtocolError(
      ErrorCode.BadKey,
      `${where}.type`,
      `expected a ${PRIVATE_KEY_FILE_TYPE} version 1`,
    );
  }
  const pub = asRecord(record.public, `${where}.public`);
  const identity: PrivateIdentity = {
    public: {
      suite: readSuite(record, where),
      encryption: fromBase64(field(pub, 'encryption', `${where}.public`), `${where}.public.encryption`),
      signing: fromBase64(field(pub, 'signing', `${where}.public`), `${where}.public.signing`),
    },
    encryption: fromBase64(field(record, 'encryption', where), `${where}.encryption`),
    signing: fromBase64(field(record, 'signing', where), `${where}.signing`),
  };
  checkId(record, identity.public, where);
  assertKeyPairsMatch(identity, where);
  return identity;
}

/** A private key file whose halves do not belong together must not be used to sign or open. */
function assertKeyPairsMatch(identity: PrivateIdentity, where: string): void {
  const suite = getSuite(identity.public.suite);
  const probe = utf8('anchorpost/v1/key-check');
  try {
    const signature = suite.sign(identity.signing, probe);
    if (!suite.verify(identity.public.signing, probe, signature))
      throw new Error('signing keys do not match');
    const sealed = suite.seal(identity.public.encryption, probe, 'key-check');
    suite.open(identity.encryption, sealed, 'key-check');
  } catch (cause) {
    throw new ProtocolError(ErrorCode.BadKey, where, 'private and public keys do not belong together', {
      cause,
    });
  }
}
