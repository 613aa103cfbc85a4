/**
 * Groups in the engine (crypto/group.ts has the why: seed 001's group key pair and HMAC secret,
 * sealed to every member in a bundle safe to publish). Engine steps (./primitives.ts):
 * crypto/group.ts runs them with node:crypto, web.ts with WebCrypto.
 */
import { concatBytes, fromBase64, toBase64, toHex, utf8 } from '../bytes.ts';
import type { PrivateIdentity, PublicIdentity } from '../crypto/identity.ts';
import { isSuiteName } from '../crypto/suite-names.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import { fingerprintSteps } from './identity.ts';
import { call, runAsync, type CryptoPrimitives, type Steps } from './primitives.ts';

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

export function* groupIdSteps(suite: SuiteName, publicKey: Uint8Array): Steps<string> {
  const bytes = groupPublicKeyBytes(suite, publicKey);
  return toHex(yield* call((c) => c.sha256(bytes)));
}

function memberContext(id: string): string {
  return `group-key/${id}`;
}

function encodeGroupSecrets(keys: GroupKeys): Uint8Array {
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, keys.privateKey.byteLength);
  return concatBytes(length, keys.privateKey, keys.secret);
}

/** A new group of `members`: its keys, and the bundle sealed to each member. */
export async function createGroupWith(
  primitives: CryptoPrimitives,
  suiteName: SuiteName,
  members: readonly PublicIdentity[],
): Promise<{ keys: GroupKeys; bundle: GroupBundle }> {
  const suite = primitives.suite(suiteName);
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
    secret: primitives.randomBytes(GROUP_SECRET_BYTES),
  };
  return { keys, bundle: await runAsync(bundleSteps(keys, members), primitives) };
}

function* bundleSteps(keys: GroupKeys, members: readonly PublicIdentity[]): Steps<GroupBundle> {
  const id = yield* groupIdSteps(keys.suite, keys.publicKey);
  const payload = encodeGroupSecrets(keys);
  const entries: GroupBundle['members'] = [];
  for (const member of members) {
    const sealed = yield* call((c) =>
      c.suite(keys.suite).seal(member.encryption, payload, memberContext(id)),
    );
    entries.push({ id: yield* fingerprintSteps(member), sealed: toBase64(sealed) });
  }
  return {
    type: GROUP_BUNDLE_TYPE,
    version: 1,
    suite: keys.suite,
    id,
    publicKey: toBase64(keys.publicKey),
    members: entries,
  };
}

/** A member opens its entry of a bundle; NOT_A_MEMBER when the bundle holds none for it. */
export function* openGroupSteps(bundleJson: unknown, member: PrivateIdentity): Steps<GroupKeys> {
  const bundle = yield* parseGroupBundleSteps(bundleJson);
  const memberId = yield* fingerprintSteps(member.public);
  const entry = bundle.members.find((m) => m.id === memberId);
  if (!entry)
    throw new ProtocolError(
      ErrorCode.NotAMember,
      'group.members',
      `key ${memberId} is not a member of group ${bundle.id}`,
    );
  const sealed = fromBase64(entry.sealed, 'group.members.sealed');
  let payload: Uint8Array;
  try {
    payload = yield* call((c) =>
      c.suite(bundle.suite).open(member.encryption, sealed, memberContext(bundle.id)),
    );
  } catch (cause) {
    if (cause instanceof ProtocolError) throw cause;
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

export function* parseGroupBundleSteps(value: unknown): Steps<GroupBundle> {
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
  if (record.id !== (yield* groupIdSteps(record.suite, publicKey))) {
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
