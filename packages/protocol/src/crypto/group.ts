/**
 * Groups (seed 001, "Data broadcasting algorithm", step 2): a group has its own encryption key pair
 * and a random secret for HMAC-SHA512. Both are sealed to every member's encryption key in a group
 * bundle, which is safe to publish: only members can open their entry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import { fingerprint, type PrivateIdentity, type PublicIdentity } from './identity.ts';
import { getSuite, isSuiteName } from './suites.ts';

export const GROUP_SECRET_BYTES = 32;
export const GROUP_BUNDLE_TYPE = 'anchorpost.group';

export interface GroupKeys {
  suite: SuiteName;
  /** SPKI DER of the group encryption key. */
  publicKey: Uint8Array;
  /** PKCS#8 DER of the group encryption key. */
  privateKey: Uint8Array;
  /** The HMAC-SHA512 key for every `sha512hash` of the group's files. */
  secret: Uint8Array;
}

export interface GroupBundle {
  type: typeof GROUP_BUNDLE_TYPE;
  version: 1;
  suite: SuiteName;
  id: string;
  publicKey: string;
  members: { id: string; sealed: string }[];
}

/** Canonical byte form of the group public key: what `recipient` encrypts and HMACs. */
export function groupPublicKeyBytes(suite: SuiteName, publicKey: Uint8Array): Uint8Array {
  return concatBytes(utf8(`anchorpost/v1/group-key\0${suite}\0`), publicKey);
}

export function groupId(suite: SuiteName, publicKey: Uint8Array): string {
  return toHex(createHash('sha256').update(groupPublicKeyBytes(suite, publicKey)).digest());
}

function memberContext(id: string): string {
  return `group-key/${id}`;
}

function encodeGroupSecrets(keys: GroupKeys): Uint8Array {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, keys.privateKey.byteLength);
  return concatBytes(length, keys.privateKey, keys.secret);
}

export async function createGroup(
  suiteName: SuiteName,
  members: readonly PublicIdentity[],
): Promise<{ keys: GroupKeys; bundle: GroupBundle }> {
  const suite = getSuite(suiteName);
  for (const [i, member] of members.entries()) {
    if (member.suite !== suiteName) {
      throw new ProtocolError(
        ErrorCode.BadKey,
        `members[${i}]`,
        `member key is ${member.suite}, group is ${suiteName}`,
      );
    }
  }
  const pair = await suite.generateEncryptionKeyPair();
  const keys: GroupKeys = {
    suite: suiteName,
    publicKey: pair.publicKey,
    privateKey: pair.privateKey,
    secret: new Uint8Array(randomBytes(GROUP_SECRET_BYTES)),
  };
  const id = groupId(suiteName, keys.publicKey);
  const payload = encodeGroupSecrets(keys);
  const bundle: GroupBundle = {
    type: GROUP_BUNDLE_TYPE,
    version: 1,
    suite: suiteName,
    id,
    publicKey: toBase64(keys.publicKey),
    members: members.map((member) => ({
      id: fingerprint(member),
      sealed: toBase64(suite.seal(member.encryption, payload, memberContext(id))),
    })),
  };
  return { keys, bundle };
}

/** A member opens its entry of a bundle; NOT_A_MEMBER when the bundle holds none for it. */
export function openGroup(bundleJson: unknown, member: PrivateIdentity): GroupKeys {
  const bundle = parseGroupBundle(bundleJson);
  const memberId = fingerprint(member.public);
  const entry = bundle.members.find((m) => m.id === memberId);
  if (!entry)
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'group.members',
      `key ${memberId} is not a member of group ${bundle.id}`,
    );
  const suite = getSuite(bundle.suite);
  let payload: Uint8Array;
  try {
    payload = suite.open(
      member.encryption,
      fromBase64(entry.sealed, 'group.members.sealed'),
      memberContext(bundle.id),
    );
  } catch (cause) {
    throw new ProtocolError(
      ErrorCode.DecryptFailed,
      'group.members.sealed',
      'cannot open the group keys with this member key',
      { cause },
    );
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const privateLength = payload.byteLength >= 4 ? view.getUint32(0) : -1;
  if (privateLength < 0 || payload.byteLength !== 4 + privateLength + GROUP_SECRET_BYTES) {
    throw new ProtocolError(ErrorCode.BadKey, 'group.members.sealed', 'malformed group key payload');
  }
  return {
    suite: bundle.suite,
    publicKey: fromBase64(bundle.publicKey, 'group.publicKey'),
    privateKey: payload.slice(4, 4 + privateLength),
    secret: payload.slice(4 + privateLength),
  };
}

export function parseGroupBundle(value: unknown): GroupBundle {
  const record = value as Partial<Record<keyof GroupBundle, unknown>> | null;
  if (
    typeof record !== 'object' ||
    record === null ||
    record.type !== GROUP_BUNDLE_TYPE ||
    record.version !== 1
  ) {
    throw new ProtocolError(ErrorCode.BadKey, 'group.type', `expected a ${GROUP_BUNDLE_TYPE} version 1`);
  }
  if (!isSuiteName(record.suite))
    throw new ProtocolError(ErrorCode.UnknownSuite, 'group.suite', 'unknown suite');
  if (typeof record.publicKey !== 'string')
    throw new ProtocolError(ErrorCode.BadKey, 'group.publicKey', 'expected base64');
  const publicKey = fromBase64(record.publicKey, 'group.publicKey');
  if (record.id !== groupId(record.suite, publicKey)) {
    throw new ProtocolError(ErrorCode.BadKey, 'group.id', 'id does not match the group public key');
  }
  if (!Array.isArray(record.members))
    throw new ProtocolError(ErrorCode.BadKey, 'group.members', 'expected a list');
  const members = record.members.map((m: unknown, i) => {
    const entry = m as { id?: unknown; sealed?: unknown } | null;
    if (typeof entry?.id !== 'string' || typeof entry.sealed !== 'string') {
      throw new ProtocolError(ErrorCode.BadKey, `group.members[${i}]`, 'expected {id, sealed}');
    }
    return { id: entry.id, sealed: entry.sealed };
  });
  return {
    type: GROUP_BUNDLE_TYPE,
    version: 1,
    suite: record.suite,
    id: record.id,
    publicKey: record.publicKey,
    members,
  };
}
