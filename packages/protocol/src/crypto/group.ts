/**
 * Groups (seed 001, "Data broadcasting algorithm", step 2): a group has its own encryption key pair
 * and a random secret for HMAC-SHA512. Both are sealed to every member's encryption key in a group
 * bundle, which is safe to publish: only members can open their entry. The engine's steps
 * (../engine/group.ts) run with node:crypto here.
 */
import {
  createGroupWith,
  groupIdSteps,
  openGroupSteps,
  parseGroupBundleSteps,
  type GroupBundle,
  type GroupKeys,
} from '../engine/group.ts';
import { nodePrimitives } from '../engine/node-primitives.ts';
import { runSync } from '../engine/primitives.ts';
import type { SuiteName } from '../tx-file/schema.ts';
import type { PrivateIdentity, PublicIdentity } from './identity.ts';

export {
  GROUP_BUNDLE_TYPE,
  GROUP_SECRET_BYTES,
  groupPublicKeyBytes,
  type GroupBundle,
  type GroupKeys,
} from '../engine/group.ts';

export function groupId(suite: SuiteName, publicKey: Uint8Array): string {
  return runSync(groupIdSteps(suite, publicKey), nodePrimitives);
}

export async function createGroup(
  suiteName: SuiteName,
  members: readonly PublicIdentity[],
): Promise<{ keys: GroupKeys; bundle: GroupBundle }> {
  return createGroupWith(nodePrimitives, suiteName, members);
}

/** A member opens its entry of a bundle; NOT_A_MEMBER when the bundle holds none for it. */
export function openGroup(bundleJson: unknown, member: PrivateIdentity): GroupKeys {
  return runSync(openGroupSteps(bundleJson, member), nodePrimitives);
}

export function parseGroupBundle(value: unknown): GroupBundle {
  return runSync(parseGroupBundleSteps(value), nodePrimitives);
}
