/**
 * Key transparency, written: an identity's key registered in AnchorpostKeyRegistry, rotated (the
 * Rotation signed by the old key's rotation signer) and revoked, each through the sponsor so that
 * the identity's account holds and pays nothing. The registry is read first, and what it would
 * refuse is refused here with its own code before the sponsor is asked: a second registration
 * (KEY_ALREADY_REGISTERED), a rotation or revoke of a key that is not the current one
 * (NOT_CURRENT_KEY), a rotation with nothing registered (NO_KEY_REGISTERED). No Node built-in:
 * the same code runs in Node (the CLI's `keys publish`) and in browsers (`@anchorpost/sdk/browser-keys`).
 *
 * With `keyFiles` (the relay), publishing and rotating first store the new key's public key file
 * (`POST /v1/key-files`, its exact bytes; their CID must be `keyCid`, KEY_FILE_MISMATCH otherwise)
 * and only then ask the sponsor, so the CID the registry names can be fetched by the time anyone
 * sees it registered. A store that fails sends nothing (no transaction, no charge): retry the same
 * call. A registration whose file is missing (a call without `keyFiles`, a relay that lost it)
 * is repaired by publishing the same key again: the registry already holds exactly this key
 * (fingerprint and CID), so its file is stored and nothing is sent, and KEY_ALREADY_REGISTERED
 * says so. The store is idempotent (the same bytes are the same CID), so every retry is safe.
 */
import { fingerprintWeb as fingerprint } from '@anchorpost/protocol/web';
import type { PrivateIdentity } from '@anchorpost/protocol/web';
import { signForwardRequest } from './forward-request.ts';
import type { TypedDataSigner } from './forward-request.ts';
import { fileCid } from './file-cid.ts';
import { storeKeyFile, type KeyFileStore } from './key-file-store.ts';
import { currentKey, fingerprintBytes32, registryCall } from './key-transparency.ts';
import type { PublishedKey, RegistryAt } from './key-transparency.ts';
import { rotationSignerOf } from './rotation-signer.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import type { Sponsorship, SponsorClient, SponsorshipRequestBody } from './sponsor-client.ts';

/**
 * The inner call's gas. Measured on anvil (eth_estimateGas less the 21,000 base, calldata
 * included): a register with a 59-byte CIDv1 142,057, with the longest suite and CID the registry
 * takes (128 bytes each) 279,547; a rotation mostly overwrites slots already written.
 */
const INNER_GAS = 300_000n;
const TTL_SECONDS = 600n;
const DEFAULT_TIMEOUT_MS = 120_000;

/** A key to publish: the identity and the CID of the exact bytes of its public key file. */
export interface KeyToPublish {
  readonly identity: PrivateIdentity;
  /** What a reader fetches to get the key the fingerprint names (`fileCid(public-key.json bytes)`). */
  readonly keyCid: string;
  /** The exact bytes `keyCid` names (`public-key.json`): stored first when `keyFiles` is given. */
  readonly publicKeyFile?: Uint8Array;
}

export interface KeyPublishing {
  /** The registry and a chain node (`keyRegistryAt(rpcUrl, address)`). */
  readonly registry: RegistryAt;
  /** The tenant's sponsor. */
  readonly sponsor: SponsorClient;
  /** The account key: the identity on chain, which signs the forward request and needs no ETH. */
  readonly account: TypedDataSigner;
  /**
   * Where the key file is stored before the key is registered (the relay, with the tenant's API
   * key). Without it, making `keyCid` fetchable is the caller's business.
   */
  readonly keyFiles?: KeyFileStore;
  /** How long to wait for the transaction to be mined (default 120 s), then WAIT_TIMEOUT. */
  readonly timeoutMs?: number;
  /** Told once the sponsor accepted the request, before the wait (keep the digest to ask again). */
  readonly onSubmitted?: (sponsorship: Sponsorship) => void;
}

/** A key change mined: the identity (the account's address) and its sponsorship. */
export interface KeyChange {
  readonly identity: string;
  readonly action: 'publish' | 'rotate' | 'revoke';
  readonly sponsorship: Sponsorship;
}

async function registryAbi() {
  return (await import('@anchorpost/sponsor-contracts/key-registry-abi')).anchorpostKeyRegistryInterface;
}

async function readRegistry(at: RegistryAt, name: string, args: unknown[]): Promise<unknown> {
  const registry = await registryAbi();
  const result = await registryCall(at, at.registry, registry.encodeFunctionData(name, args));
  return registry.decodeFunctionResult(name, result)[0];
}

/**
 * Stores `key`'s public key file through `options.keyFiles`, when given: its bytes must be the
 * CID `key.keyCid` (KEY_FILE_MISMATCH), else what the registry names is not what was stored.
 */
async function storeFile(options: KeyPublishing, key: KeyToPublish): Promise<void> {
  if (options.keyFiles === undefined) return;
  if (key.publicKeyFile === undefined || (await fileCid(key.publicKeyFile)) !== key.keyCid)
    throw new SdkError(
      SdkErrorCode.KeyFileMismatch,
      `publicKeyFile must be the exact bytes of ${key.keyCid}, to store before registering it`,
      { field: 'publicKeyFile' },
    );
  await storeKeyFile(options.keyFiles, key.publicKeyFile);
}

/** KEY_ALREADY_REGISTERED; when the key registered is `key` itself, its file is stored first (the repair). */
async function alreadyRegistered(
  options: KeyPublishing,
  current: PublishedKey,
  key: KeyToPublish,
): Promise<SdkError> {
  const identity = options.account.address;
  const same =
    current.fingerprint === (await fingerprint(key.identity.public)) && current.keyCid === key.keyCid;
  if (same && options.keyFiles !== undefined) {
    await storeFile(options, key);
    return new SdkError(
      SdkErrorCode.KeyAlreadyRegistered,
      `${identity} has published this key already; its key file ${key.keyCid} is stored, nothing was sent`,
      { field: 'key' },
    );
  }
  return new SdkError(
    SdkErrorCode.KeyAlreadyRegistered,
    `${identity} has published ${current.fingerprint}; rotate it to replace it`,
    { field: 'key' },
  );
}

/**
 * Registers `key` for the account, its key file stored first when `options.keyFiles` is given:
 * KEY_ALREADY_REGISTERED when it has one (rotate it instead; if it is this very key, its file is
 * stored again and nothing is sent).
 */
export async function publishKey(options: KeyPublishing, key: KeyToPublish): Promise<KeyChange> {
  const identity = options.account.address;
  const current = await currentKey(options.registry, identity);
  if (current !== undefined) throw await alreadyRegistered(options, current, key);
  await storeFile(options, key);
  const args = [
    fingerprintBytes32(await fingerprint(key.identity.public)),
    key.identity.public.suite,
    key.keyCid,
    (await rotationSignerOf(key.identity)).address,
  ];
  return sponsored(options, 'publish', 'register', args);
}

/**
 * Replaces the current key `old` by `next`, the Rotation signed by `old`'s rotation signer (so
 * only who holds the old private key can rotate), `next`'s key file stored first when
 * `options.keyFiles` is given. NO_KEY_REGISTERED or NOT_CURRENT_KEY (field `oldKey`) when `old`
 * is not the key published now.
 */
export async function rotateKey(
  options: KeyPublishing,
  old: PrivateIdentity,
  next: KeyToPublish,
): Promise<KeyChange> {
  const at = options.registry;
  const identity = options.account.address;
  const current = await currentKey(at, identity);
  if (current === undefined)
    throw new SdkError(SdkErrorCode.NoKeyRegistered, `${identity} has no key to rotate`, { field: 'oldKey' });
  const oldId = await fingerprint(old.public);
  const signer = await rotationSignerOf(old);
  if (current.fingerprint !== oldId || current.rotationSigner !== signer.address) {
    throw new SdkError(
      SdkErrorCode.NotCurrentKey,
      `${oldId} is not the key ${identity} has published (${current.fingerprint}); a rotation must be signed by the current key`,
      { field: 'oldKey' },
    );
  }
  await storeFile(options, next);
  return sponsored(options, 'rotate', 'rotate', await signRotation(at, identity, old, next));
}

/**
 * The arguments of the registry's `rotate` for `identity`: the Rotation from `old` to `next`
 * (EIP-712, bound to the chain, the registry and the identity's rotation count), signed by
 * `old`'s rotation signer. Nothing is checked here: `rotateKey` checks `old` is current first,
 * and the registry reverts a Rotation its current key did not sign.
 */
export async function signRotation(
  at: RegistryAt,
  identity: string,
  old: PrivateIdentity,
  next: KeyToPublish,
): Promise<unknown[]> {
  const { ROTATION_TYPES, keyRegistryDomain } =
    await import('@anchorpost/sponsor-contracts/key-registry-abi');
  const chainId = BigInt(await at.rpc.request<string>('eth_chainId', []));
  const change = {
    identity,
    oldFingerprint: fingerprintBytes32(await fingerprint(old.public)),
    newFingerprint: fingerprintBytes32(await fingerprint(next.identity.public)),
    newSuite: next.identity.public.suite,
    newKeyCid: next.keyCid,
    newRotationSigner: (await rotationSignerOf(next.identity)).address,
    rotation: (await readRegistry(at, 'rotations', [identity])) as bigint,
  };
  const signer = await rotationSignerOf(old);
  const signature = await signer.signTypedData(
    keyRegistryDomain(chainId, at.registry),
    ROTATION_TYPES,
    change,
  );
  return [change.newFingerprint, change.newSuite, change.newKeyCid, change.newRotationSigner, signature];
}

/** Withdraws the current key, named to guard against withdrawing another: NOT_CURRENT_KEY otherwise. */
export async function revokeKey(options: KeyPublishing, key: PrivateIdentity): Promise<KeyChange> {
  const identity = options.account.address;
  const current = await currentKey(options.registry, identity);
  if (current?.fingerprint !== (await fingerprint(key.public)))
    throw new SdkError(SdkErrorCode.NotCurrentKey, `${identity} has not published this key`, {
      field: 'key',
    });
  return sponsored(options, 'revoke', 'revoke', []);
}

/**
 * The forward request calling the registry's `name` with `args` as the account (EIP-712, signed by
 * `options.account`): the body `SponsorClient.submit` posts.
 */
export async function registryRequest(
  options: Pick<KeyPublishing, 'registry' | 'account'>,
  name: 'register' | 'rotate' | 'revoke',
  args: unknown[],
): Promise<SponsorshipRequestBody> {
  const at = options.registry;
  const registry = await registryAbi();
  const forwarder = (await readRegistry(at, 'trustedForwarder', [])) as string;
  return signForwardRequest(at.rpc, options.account, {
    forwarder,
    to: at.registry,
    data: registry.encodeFunctionData(name, args),
    gas: INNER_GAS,
    ttlSeconds: TTL_SECONDS,
  });
}

async function sponsored(
  options: KeyPublishing,
  action: KeyChange['action'],
  name: 'register' | 'rotate' | 'revoke',
  args: unknown[],
): Promise<KeyChange> {
  const posted = await options.sponsor.submit(await registryRequest(options, name, args));
  options.onSubmitted?.(posted);
  const sponsorship = await options.sponsor.untilMined(posted.digest, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    callee: 'the registry',
  });
  return { identity: options.account.address, action, sponsorship };
}
