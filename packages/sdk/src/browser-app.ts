/**
 * @anchorpost/sdk/browser-app — an app's side in a browser, on WebCrypto: a client key (and its
 * key files), groups,
 * tx-files built (encrypted and signed) and opened (decrypted, every check made), and the relay's
 * receipts checked; tx-files sent to a relay and followed with a resumable cursor (`RelayClient`,
 * `subscribeTxFiles`). The protocol's one engine run with WebCrypto (`@anchorpost/protocol/web`), so
 * a file built here opens in Node and the reverse. Both suites, `modern` and `rsa-4096`. No Node built-in is
 * reachable from here (test/browser-bundle.test.ts bundles it; test/browser.test.ts runs it in
 * Chromium). Apart from the verify entry: the YAML parser and the UnixFS importer weigh.
 */
import {
  buildTxFileWeb,
  cidForBytesWeb,
  createGroupWeb,
  DEFAULT_TX_FILE_LIMITS,
  generateIdentityWeb,
  groupPublicKeyBytes,
  hmacHexWeb,
  openGroupWeb,
  openTxFileWeb,
  parseGroupBundleWeb,
  parseTxFile,
  serializeTxFile,
  type GroupBundle,
  type OpenedTxFile,
  type PrivateIdentity,
  type PublicIdentity,
  type SuiteName,
} from '@anchorpost/protocol/web';
import type { GroupMembership } from './keys-and-groups.ts';
import type { BuiltTxFile, TxFileContent } from './tx-files.ts';

export {
  fingerprintWeb as keyFingerprintWeb,
  parsePrivateKeyFileWeb,
  parsePublicKeyFileWeb,
  toPrivateKeyFileWeb,
  toPublicKeyFileWeb,
} from '@anchorpost/protocol/web';
export type { PrivateKeyFile, PublicKeyFile } from '@anchorpost/protocol/web';
export type {
  GroupBundle,
  OpenedTxFile,
  PrivateIdentity,
  PublicIdentity,
  SuiteName,
  TxFile,
} from '@anchorpost/protocol/web';
export type { GroupMembership } from './keys-and-groups.ts';
export type { BuiltTxFile, TxFileContent } from './tx-files.ts';
export { checkReceiptWeb, parseRelayKey } from './receipts-web.ts';
export { RelayClient } from './relay-client.ts';
export type { RelayClientOptions, SubmittedTxFile } from './relay-client.ts';
export { subscribeTxFiles } from './relay-subscription.ts';
export type {
  DeliveredTxFile,
  ResumableSubscriptionOptions,
  SubscribeOptions,
} from './relay-subscription.ts';
export type { RelayPublicKey } from './receipts-web.ts';
export type { RelayReceipt } from '@anchorpost/relay-core';
export { isSdkError, SdkError, SdkErrorCode } from './sdk-error.ts';

/** A fresh identity (an app's client key, or a member's); `suite` is `modern` (the default) or `rsa-4096`. */
export async function newIdentityWeb(suite: SuiteName = 'modern'): Promise<PrivateIdentity> {
  return generateIdentityWeb(suite);
}

/** A new group of `members` (one suite, theirs), as the bundle each member opens with their own key. */
export async function newGroupWeb(members: readonly PublicIdentity[]): Promise<GroupBundle> {
  return (await createGroupWeb(members[0]?.suite ?? 'modern', members)).bundle;
}

/** Opens `bundle` (JSON value) as `identity`; NOT_A_MEMBER when the bundle is not sealed to it. */
export async function joinGroupWeb(bundle: unknown, identity: PrivateIdentity): Promise<GroupMembership> {
  const group = await openGroupWeb(bundle, identity);
  return {
    identity,
    group,
    members: (await parseGroupBundleWeb(bundle)).members.map((member) => member.id),
    recipient: await hmacHexWeb(group.secret, groupPublicKeyBytes(group.suite, group.publicKey)),
  };
}

/** Encrypts and signs a tx-file from `from` to its group: `{ tx, bytes, cid }`, re-parsed as a relay would. */
export async function buildGroupTxFileWeb(
  from: GroupMembership,
  content: TxFileContent,
): Promise<BuiltTxFile> {
  const { client, ...rest } = content;
  const tx = await buildTxFileWeb({
    ...rest,
    group: from.group,
    senders: [from.identity],
    client: client ?? from.identity,
  });
  const bytes = serializeTxFile(tx);
  parseTxFile(bytes);
  return { tx, bytes, cid: await cidForBytesWeb(bytes) };
}

/** Parses and decrypts a tx-file of `member`'s group, checking every signature (the client's with `clientKey`). */
export async function openGroupTxFileWeb(
  bytes: Uint8Array,
  member: Pick<GroupMembership, 'group'>,
  clientKey?: PublicIdentity,
): Promise<OpenedTxFile> {
  const tx = parseTxFile(bytes, { maxBytes: DEFAULT_TX_FILE_LIMITS.maxBytes });
  return openTxFileWeb(tx, { group: member.group, ...(clientKey ? { clientKey: () => clientKey } : {}) });
}
