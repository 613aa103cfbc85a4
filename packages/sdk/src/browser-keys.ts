/**
 * @anchorpost/sdk/browser-keys — key transparency from a page: an identity's key published in
 * AnchorpostKeyRegistry, rotated (the Rotation signed by the old key's rotation signer) and
 * revoked, each as an EIP-712 forward request the user's account signs and the tenant's sponsor
 * sends and pays for, the key file stored on the platform first (`keyFiles`, the relay); and the registry read back (current key, history, the contact check). The
 * same code the CLI's `anchorpost keys publish | rotate | revoke | lookup` runs in Node (ethers
 * v6, WebCrypto, `fetch`); no Node built-in is reachable from here (test/browser-bundle.test.ts).
 * An entry of its own: ethers and the registry's ABI would weigh on the others.
 */
import { toPublicKeyFileWeb, type PrivateIdentity } from '@anchorpost/protocol/web';
import { fileCid } from './file-cid.ts';
import { jsonFileText } from './json-file-text.ts';
import type { KeyToPublish } from './key-publishing.ts';

export { publishKey, registryRequest, revokeKey, rotateKey, signRotation } from './key-publishing.ts';
export type { KeyChange, KeyPublishing, KeyToPublish } from './key-publishing.ts';
export { rotationSignerOf } from './rotation-signer.ts';
export { checkContinuity, continuityFrom } from './key-continuity.ts';
export type { Continuity, PinnedKey } from './key-continuity.ts';
export { checkContact } from './contact-check.ts';
export type { ContactCheck, ContactCheckOptions } from './contact-check.ts';
export {
  currentKey,
  fingerprintBytes32,
  fingerprintHex,
  keyHistory,
  keyRegistryAt,
  lookupKey,
} from './key-transparency.ts';
export type { EventPlace, KeyEvent, KeyLookup, PublishedKey, RegistryAt } from './key-transparency.ts';
export { storeKeyFile } from './key-file-store.ts';
export type { KeyFileStore } from './key-file-store.ts';
export { SponsorClient } from './sponsor-client.ts';
export type { SponsorClientOptions, Sponsorship, SponsorshipRequestBody } from './sponsor-client.ts';
export { signForwardRequest } from './forward-request.ts';
export type { ForwardCall, TypedDataSigner } from './forward-request.ts';
export { isSdkError, SdkError, SdkErrorCode } from './sdk-error.ts';
export type { PrivateIdentity, PublicIdentity } from '@anchorpost/protocol/web';

/**
 * An identity ready to publish, with its `public-key.json` as `anchorpost keys new` writes it
 * (`publishKey` stores these bytes through `keyFiles`: `keyCid` is their CID).
 */
export async function keyToPublishWeb(
  identity: PrivateIdentity,
): Promise<KeyToPublish & { readonly publicKeyFile: Uint8Array }> {
  const publicKeyFile = new TextEncoder().encode(jsonFileText(await toPublicKeyFileWeb(identity.public)));
  return { identity, keyCid: await fileCid(publicKeyFile), publicKeyFile };
}
