/**
 * Reading AnchorpostKeyRegistry over JSON-RPC: an identity's current key (`keyOf`) and its
 * history, from the registry's events alone (storage keeps only the current key).
 */
import { JsonRpcPool } from '@anchorpost/chains';
import { forwarderCalls } from '@anchorpost/sponsor-core';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { zeroPadValue } from 'ethers';
import type { Result } from 'ethers';

const NO_FINGERPRINT = `0x${'00'.repeat(32)}`;

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

interface EventPlace {
  readonly block: number;
  readonly txHash: string;
  readonly logIndex: number;
}

/** A bytes32 fingerprint as the 64 hex characters of a key file's `id`, and back. */
export const fingerprintHex = (bytes32: string): string => bytes32.slice(2).toLowerCase();
export const fingerprintBytes32 = (hex: string): string => `0x${hex.toLowerCase()}`;

async function call(at: RegistryAt, to: string, data: string): Promise<string> {
  return at.rpc.request<string>('eth_call', [{ to, data }, 'latest']);
}

/** The identity's current key, or undefined when it has none (never registered, or revoked). */
export async function currentKey(at: RegistryAt, identity: string): Promise<PublishedKey | undefined> {
  const result = await call(at, at.registry, registry.encodeFunctionData('keyOf', [identity]));
  const [fingerprint, suite, keyCid, rotationSigner] = (
    registry.decodeFunctionResult('keyOf', result)[0] as Result
  ).toArray() as [string, string, string, string];
  if (fingerprint === NO_FINGERPRINT) return undefined;
  return { fingerprint: fingerprintHex(fingerprint), suite, keyCid, rotationSigner };
}

/** How many rotations the identity has made: the `rotation` field its next Rotation signs. */
export async function rotationsOf(at: RegistryAt, identity: string): Promise<bigint> {
  const result = await call(at, at.registry, registry.encodeFunctionData('rotations', [identity]));
  return registry.decodeFunctionResult('rotations', result)[0] as bigint;
}

/** The forwarder the registry trusts: the only one whose requests name the user, not the sponsor. */
export async function trustedForwarderOf(at: RegistryAt): Promise<string> {
  const result = await call(at, at.registry, registry.encodeFunctionData('trustedForwarder', []));
  return registry.decodeFunctionResult('trustedForwarder', result)[0] as string;
}

export async function forwarderNonceOf(at: RegistryAt, forwarder: string, user: string): Promise<bigint> {
  const result = await call(at, forwarder, forwarderCalls.encodeFunctionData('nonces', [user]));
  return forwarderCalls.decodeFunctionResult('nonces', result)[0] as bigint;
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

/**
 * Whether the identity's current key descends from `expected` by signed rotations only: the
 * current line of history starts at the latest registration (a revoke and a new register break
 * the signed chain). `unknown` when the identity never published `expected` at all.
 */
export function continuityFrom(
  history: readonly KeyEvent[],
  expected: string,
): 'current' | 'signed-rotation' | 'unsigned-change' | 'revoked' | 'unknown' {
  const last = history.at(-1);
  if (last === undefined) return 'unknown';
  if (last.event === 'revoked') return 'revoked';
  if (last.fingerprint === expected) return 'current';
  const lineStart = history.findLastIndex((event) => event.event === 'registered');
  if (history.slice(lineStart).some((event) => event.event !== 'revoked' && event.fingerprint === expected))
    return 'signed-rotation';
  return history.some((event) => event.fingerprint === expected) ? 'unsigned-change' : 'unknown';
}
