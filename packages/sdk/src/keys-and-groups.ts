/**
 * Keys and groups for an app: an identity (encryption + signing keys), a group sealed to its
 * members, and a member's view of a group (its keys, its member ids, its recipient hash) — over
 * `@anchorpost/protocol`, which owns the formats. Files on disk are in ./key-files.ts.
 */
import {
  createGroup,
  DEFAULT_SUITE,
  fingerprint,
  generateIdentity,
  getSuite,
  groupPublicKeyBytes,
  hmacHex,
  openGroup,
  parseGroupBundle,
  type GroupBundle,
  type GroupKeys,
  type PrivateIdentity,
  type PublicIdentity,
} from '@anchorpost/protocol';

export type { GroupBundle, GroupKeys, PrivateIdentity, PublicIdentity } from '@anchorpost/protocol';

/** A fresh identity; `suite` is `modern` (the default) or `rsa-4096`. */
export async function newIdentity(suite: string = DEFAULT_SUITE): Promise<PrivateIdentity> {
  return generateIdentity(getSuite(suite, 'suite').name);
}

/** A key's fingerprint: what `anchorpost keys new` prints and the key registry publishes. */
export function keyFingerprint(key: PublicIdentity): string {
  return fingerprint(key);
}

/** A new group of `members` (one suite), as the bundle each member opens with their own key. */
export async function newGroup(members: readonly PublicIdentity[]): Promise<GroupBundle> {
  const suite = members[0]?.suite ?? DEFAULT_SUITE;
  return (await createGroup(suite, members)).bundle;
}

/** A member's view of a group: what building, opening and recounting its files need. */
export interface GroupMembership {
  readonly identity: PrivateIdentity;
  readonly group: GroupKeys;
  /** The bundle's member ids (fingerprints). */
  readonly members: readonly string[];
  /** The group's recipient hash, which every file to it names (and a subscription follows). */
  readonly recipient: string;
}

/** Opens `bundle` (JSON value) as `identity`; NOT_A_MEMBER when the bundle is not sealed to it. */
export function joinGroup(bundle: unknown, identity: PrivateIdentity): GroupMembership {
  const group = openGroup(bundle, identity);
  return {
    identity,
    group,
    members: parseGroupBundle(bundle).members.map((member) => member.id),
    recipient: recipientOf(group),
  };
}

/** The recipient hash of a group's files. */
export function recipientOf(group: GroupKeys): string {
  return hmacHex(group.secret, groupPublicKeyBytes(group.suite, group.publicKey));
}
