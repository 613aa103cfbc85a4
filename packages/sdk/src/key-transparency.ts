/**
 * Key transparency, read: an identity's current key in AnchorpostKeyRegistry (`keyOf`) and its
 * history, from the registry's events alone (storage keeps only the current key), over the chain's
 * JSON-RPC; and the contact check — is the key I knew for this identity still its key, or did it
 * lead to the current one by rotations the old key signed? Node and browsers (ethers decodes the ABI).
 */
import { JsonRpcPool } from '@anchorpost/chains/readers';
import type { Result } from 'ethers/abi';
import { checkContinuity } from './key-continuity.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

const NO_FINGERPRINT = `0x${'00'.repeat(32)}`;

/** The registry's ABI and ethers, loaded on the first lookup: an app that never looks up does not pay for them. */
async function registryAbi() {
  const [{ anchorpostKeyRegistryInterface }, { zeroPadValue }] = await Promise.all([
    import('@anchorpost/sponsor-contracts/key-registry-abi'),
    import('ethers/utils'),
  ]);
  return { registry: anchorpostKeyRegistryInterface, zeroPadValue };
}

export interface RegistryAt {
  readonly rpc: JsonRpcPool;
  readonly registry: string;
}

export interface PublishedKey {
  /** 64 hex characters, as `anchorpost keys new` prints it. */
  readonly fingerprint: string;
  readonly suite: string;
  readonly keyCid: string;
  readonly rotationSigner: string;
}

export type KeyEvent =
  | ({ readonly event: 'registered' } & PublishedKey & EventPlace)
  | ({ readonly event: 'rotated'; readonly oldFingerprint: string } & PublishedKey & EventPlace)
  | ({ readonly event: 'revoked'; readonly fingerprint: string } & EventPlace);

export interface EventPlace {
  readonly block: number;
  readonly txHash: string;
  readonly logIndex: number;
}

/** A bytes32 fingerprint as the 64 hex characters of a key file's `id`, and back. */
export const fingerprintHex = (bytes32: string): string => bytes32.slice(2).toLowerCase();
export const fingerprintBytes32 = (hex: string): string => `0x${hex.toLowerCase()}`;

export async function registryCall(at: RegistryAt, to: string, data: string): Promise<string> {
  return at.rpc.request<string>('eth_call', [{ to, data }, 'latest']);
}

/** The identity's current key, or undefined when it has none (never registered, or revoked). */
export async function currentKey(at: RegistryAt, identity: string): Promise<PublishedKey | undefined> {
  const { registry } = await registryAbi();
  const result = await registryCall(at, at.registry, registry.encodeFunctionData('keyOf', [identity]));
  const [fingerprint, suite, keyCid, rotationSigner] = (
    registry.decodeFunctionResult('keyOf', result)[0] as Result
  ).toArray() as [string, string, string, string];
  if (fingerprint === NO_FINGERPRINT) return undefined;
  return { fingerprint: fingerprintHex(fingerprint), suite, keyCid, rotationSigner };
}

interface RpcLog {
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
}

/** Every register, rotate and revoke of the identity, in chain order. */
export async function keyHistory(at: RegistryAt, identity: string, fromBlock: bigint): Promise<KeyEvent[]> {
  const { registry, zeroPadValue } = await registryAbi();
  const logs = await at.rpc.request<RpcLog[]>('eth_getLogs', [
    {
      address: at.registry,
      fromBlock: `0x${fromBlock.toString(16)}`,
      toBlock: 'latest',
      topics: [null, zeroPadValue(identity.toLowerCase(), 32)],
    },
  ]);
  const ordered = [...logs].sort(
    (a, b) =>
      Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)) ||
      Number(BigInt(a.logIndex) - BigInt(b.logIndex)),
  );
  return ordered.flatMap((log): KeyEvent[] => {
    const parsed = registry.parseLog(log);
    if (parsed === null) return [];
    const place = {
      block: Number(BigInt(log.blockNumber)),
      txHash: log.transactionHash,
      logIndex: Number(BigInt(log.logIndex)),
    };
    const args = parsed.args;
    switch (parsed.name) {
      case 'KeyRegistered':
        return [
          {
            event: 'registered',
            fingerprint: fingerprintHex(args.getValue('fingerprint') as string),
            suite: args.getValue('suite') as string,
            keyCid: args.getValue('keyCid') as string,
            rotationSigner: args.getValue('rotationSigner') as string,
            ...place,
          },
        ];
      case 'KeyRotated':
        return [
          {
            event: 'rotated',
            oldFingerprint: fingerprintHex(args.getValue('oldFingerprint') as string),
            fingerprint: fingerprintHex(args.getValue('newFingerprint') as string),
            suite: args.getValue('suite') as string,
            keyCid: args.getValue('keyCid') as string,
            rotationSigner: args.getValue('rotationSigner') as string,
            ...place,
          },
        ];
      case 'KeyRevoked':
        return [
          { event: 'revoked', fingerprint: fingerprintHex(args.getValue('fingerprint') as string), ...place },
        ];
      default:
        return [];
    }
  });
}

/** What the registry says of an identity, checked against the key the caller knew. */
export interface KeyLookup {
  readonly identity: string;
  readonly key: PublishedKey;
  /** The event that installed the current key (the last of its history). */
  readonly since: KeyEvent | undefined;
  /** With `expect`: how the expected key leads to the current one, when it is not the current one. */
  readonly note: string | undefined;
}

/**
 * The identity's current key; with `expect` (a fingerprint, 64 hex characters) the contact check
 * too (`checkContinuity`). Fails with NO_KEY_REGISTERED, KEY_REVOKED, KEY_CHANGED_UNSIGNED or
 * EXPECTED_KEY_UNKNOWN (the identity never published that key).
 */
export async function lookupKey(
  at: RegistryAt,
  identity: string,
  options: { expect?: string | undefined; fromBlock?: bigint | undefined } = {},
): Promise<KeyLookup> {
  const history = await keyHistory(at, identity, options.fromBlock ?? 0n);
  const key = await currentKey(at, identity);
  const expect = options.expect?.toLowerCase();
  const note = expect === undefined ? undefined : checkContinuity(history, identity, expect);
  if (key === undefined)
    throw new SdkError(SdkErrorCode.NoKeyRegistered, `${identity} has no published key`, { field: identity });
  return { identity, key, since: history.at(-1), note };
}

/** A registry on a chain node: `rpcUrl` (JSON-RPC) and the registry's address. */
export function keyRegistryAt(rpcUrl: string, registry: string): RegistryAt {
  return { rpc: new JsonRpcPool({ urls: [rpcUrl] }), registry };
}
