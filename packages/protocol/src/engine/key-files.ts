/**
 * Key files (JSON), as engine steps: `public-key.json` and `private-key.json` of `anchorpost keys
 * new`, written with their id (the keys' fingerprint) and read back with it and, for a private key
 * file, its halves checked to belong together. crypto/identity.ts runs them with node:crypto,
 * web.ts with WebCrypto. Private key files are written by the CLI with mode 0600.
 */
import { fromBase64, toBase64, utf8 } from '../bytes.ts';
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { isSuiteName } from '../crypto/suite-names.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import { fingerprintSteps } from './identity.ts';
import { call, type Steps } from './primitives.ts';

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

export function* publicKeyFileSteps(identity: PublicIdentity): Steps<PublicKeyFile> {
  return {
    type: PUBLIC_KEY_FILE_TYPE,
    version: 1,
    suite: identity.suite,
    id: yield* fingerprintSteps(identity),
    encryption: toBase64(identity.encryption),
    signing: toBase64(identity.signing),
  };
}

export function* privateKeyFileSteps(identity: PrivateIdentity): Steps<PrivateKeyFile> {
  return {
    type: PRIVATE_KEY_FILE_TYPE,
    version: 1,
    suite: identity.public.suite,
    id: yield* fingerprintSteps(identity.public),
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

function* checkIdSteps(
  record: Record<string, unknown>,
  identity: PublicIdentity,
  where: string,
): Steps<void> {
  if (field(record, 'id', where) !== (yield* fingerprintSteps(identity))) {
    throw new ProtocolError(ErrorCode.BadKey, `${where}.id`, 'id does not match the keys');
  }
}

export function* parsePublicKeyFileSteps(value: unknown, where = 'key'): Steps<PublicIdentity> {
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
  yield* checkIdSteps(record, identity, where);
  return identity;
}

export function* parsePrivateKeyFileSteps(value: unknown, where = 'key'): Steps<PrivateIdentity> {
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
  yield* checkIdSteps(record, identity.public, where);
  yield* keyPairsMatchSteps(identity, where);
  return identity;
}

/** A private key file whose halves do not belong together must not be used to sign or open. */
function* keyPairsMatchSteps(identity: PrivateIdentity, where: string): Steps<void> {
  const suite = identity.public.suite;
  const probe = utf8('anchorpost/v1/key-check');
  try {
    const signature = yield* call((c) => c.suite(suite).sign(identity.signing, probe));
    if (!(yield* call((c) => c.suite(suite).verify(identity.public.signing, probe, signature))))
      throw new Error('signing keys do not match');
    const sealed = yield* call((c) => c.suite(suite).seal(identity.public.encryption, probe, 'key-check'));
    yield* call((c) => c.suite(suite).open(identity.encryption, sealed, 'key-check'));
  } catch (cause) {
    throw new ProtocolError(ErrorCode.BadKey, where, 'private and public keys do not belong together', {
      cause,
    });
  }
}
