/**
 * Whether a key (by fingerprint) is some identity's current key in AnchorpostKeyRegistry, for a
 * reader that knows the key but not the identity — the relay, which sees a tx-file's client key.
 * The registry's storage is by identity, so the identities come from the events that set a key
 * (`KeyRegistered` and `KeyRotated` index the fingerprint), and `keyOf` of each says whether it is
 * still theirs (a rotation away or a revocation leaves the event but changes the key).
 */
import type { JsonRpcPool } from '@anchorpost/chains';
import type { Result } from 'ethers';
import { anchorpostKeyRegistryInterface as registry } from './contracts.ts';

/** Identities asked about per key at most (the newest first): one key under many is an oddity. */
const MAX_IDENTITIES = 16;

interface RpcLog {
  readonly topics: readonly string[];
  readonly blockNumber: string;
  readonly logIndex: string;
}

export interface KeyRegistryReaderOptions {
  readonly rpc: JsonRpcPool;
  readonly registry: string;
  /** Where the registry's events start. */
  readonly deployBlock: number;
}

export class KeyRegistryReader {
  readonly #options: KeyRegistryReaderOptions;

  constructor(options: KeyRegistryReaderOptions) {
    this.#options = options;
  }

  /** `fingerprint`: 64 hex characters (a key file's id). Throws when the chain cannot be asked. */
  async isCurrentKey(fingerprint: string): Promise<boolean> {
    if (!/^[0-9a-f]{64}$/.test(fingerprint)) return false;
    const bytes32 = `0x${fingerprint}`;
    const registered = registry.getEvent('KeyRegistered')!.topicHash;
    const rotated = registry.getEvent('KeyRotated')!.topicHash;
    const [set, rotatedTo] = await Promise.all([
      this.#logs([registered, null, bytes32]),
      this.#logs([rotated, null, null, bytes32]),
    ]);
    const newestFirst = [...set, ...rotatedTo].sort(
      (a, b) =>
        Number(BigInt(b.blockNumber) - BigInt(a.blockNumber)) ||
        Number(BigInt(b.logIndex) - BigInt(a.logIndex)),
    );
    const identities = [...new Set(newestFirst.map((log) => `0x${log.topics[1]!.slice(26)}`))];
    for (const identity of identities.slice(0, MAX_IDENTITIES)) {
      if ((await this.#currentFingerprint(identity)) === bytes32) return true;
    }
    return false;
  }

  async #logs(topics: readonly (string | null)[]): Promise<RpcLog[]> {
    const { rpc, deployBlock } = this.#options;
    return rpc.request<RpcLog[]>('eth_getLogs', [
      {
        address: this.#options.registry,
        fromBlock: `0x${deployBlock.toString(16)}`,
        toBlock: 'latest',
        topics,
      },
    ]);
  }

  async #currentFingerprint(identity: string): Promise<string> {
    const result = await this.#options.rpc.request<string>('eth_call', [
      { to: this.#options.registry, data: registry.encodeFunctionData('keyOf', [identity]) },
      'latest',
    ]);
    const key = registry.decodeFunctionResult('keyOf', result)[0] as Result;
    return (key.toArray()[0] as string).toLowerCase();
  }
}
