/**
 * @anchorpost/sdk — the SDK for Node: everything of `@anchorpost/sdk/browser` (the same modules,
 * not a copy) and what needs Node: keys and groups (and their files), building and opening
 * tx-files, sending to a relay over HTTP or gRPC with checked receipts, key transparency (lookups,
 * and keys published, rotated and revoked through a sponsor), and voting.
 */
export * from './browser.ts';
export { fileCid } from './file-cid.ts';
export { readSse, subscribeTxFiles } from './subscribe.ts';
export type {
  DeliveredTxFile,
  ResumableSubscriptionOptions,
  SseEvent,
  SubscribeOptions,
} from './subscribe.ts';
export { checkTxFileSignature } from './tx-file-signature.ts';
export type { TxFileSigner } from './tx-file-signature.ts';
export { joinGroup, keyFingerprint, newGroup, newIdentity, recipientOf } from './keys-and-groups.ts';
export type {
  GroupBundle,
  GroupKeys,
  GroupMembership,
  PrivateIdentity,
  PublicIdentity,
} from './keys-and-groups.ts';
export {
  loadGroup,
  loadIdentity,
  loadPublicKey,
  PRIVATE_KEY_FILE,
  PUBLIC_KEY_FILE,
  readJsonFile,
  saveGroup,
  saveIdentity,
  savePublicKey,
} from './key-files.ts';
export { buildGroupTxFile, builtTxFile, openGroupTxFile } from './tx-files.ts';
export type {
  BlockRef,
  BuildTxFileInput,
  BuiltTxFile,
  OpenedTxFile,
  TxFile,
  TxFileContent,
} from './tx-files.ts';
export { checkReceipt, checkReceiptWeb, parseRelayKey } from './receipts.ts';
export type { RelayPublicKey, RelayReceipt } from './receipts.ts';
export { RelayClient } from './relay-client.ts';
export type { RelayClientOptions, SubmittedTxFile } from './relay-client.ts';
export { RelayGrpcClient } from './relay-grpc-client.ts';
export type { RelayGrpcClientOptions } from './relay-grpc-client.ts';
export {
  currentKey,
  fingerprintBytes32,
  fingerprintHex,
  keyHistory,
  keyRegistryAt,
  lookupKey,
  registryCall,
} from './key-transparency.ts';
export type { EventPlace, KeyEvent, KeyLookup, PublishedKey, RegistryAt } from './key-transparency.ts';
export { checkContinuity, continuityFrom } from './key-continuity.ts';
export type { Continuity, PinnedKey } from './key-continuity.ts';
export { checkContact } from './contact-check.ts';
export { fetchKeyFile, storeKeyFile } from './key-file-client.ts';
export type { FetchedKeyFile, KeyFileStore } from './key-file-client.ts';
export type { ContactCheck, ContactCheckOptions } from './contact-check.ts';
export { publishKey, registryRequest, revokeKey, rotateKey, signRotation } from './key-publishing.ts';
export type { KeyChange, KeyPublishing, KeyToPublish } from './key-publishing.ts';
export { rotationSignerOf } from './rotation-signer.ts';
export { SponsorClient } from './sponsor-client.ts';
export type {
  BallotRequestBody,
  SponsorClientOptions,
  Sponsorship,
  SponsorshipRequestBody,
} from './sponsor-client.ts';
export { signForwardRequest } from './forward-request.ts';
export type { ForwardCall, TypedDataSigner } from './forward-request.ts';
export { anchorOn, fetchGroupFiles, fetchVerifiedTxFile, onDeadlineChain } from './group-files.ts';
export type { DeadlineChain, FetchedTxFile, GroupFilesSource, UnverifiedTxFile } from './group-files.ts';
export { castVote, closeVoting, newVoting, tallyVoting } from './voting-node.ts';
export type { AnchoredTally, Recount, SendingOptions, SentTxFile, TxFileSender } from './voting.ts';
