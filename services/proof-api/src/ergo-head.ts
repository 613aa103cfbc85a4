/**
 * The Ergo side of the proof API: the head height of the served network (confirmations of Ergo
 * anchors are counted from it) and the time of the tx-file's `trustedblock` (the lower end of a
 * proof's time window) when the best chain holds that block at its height. The node's network is
 * checked when the service starts (`checkNetwork`), never by a request; a head read serves
 * `cacheMs`; blocks below the trusted depth never change and are kept in a bounded cache.
 */
import {
  ChainError,
  ChainErrorCode,
  checkErgoNodeNetwork,
  ErgoNodeClient,
  isoTime,
} from '@anchorpost/chains';
import type { ErgoNetwork } from '@anchorpost/chains';
import { CachedHead } from './cached-head.ts';

export interface ErgoHeadOptions {
  readonly nodeUrls: readonly string[];
  readonly network: ErgoNetwork;
  readonly apiKey?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly cacheMs: number;
}

/** Blocks this deep are taken as settled for the time cache (the seed's trusted depth). */
const SETTLED_DEPTH = 10;
const MAX_CACHED_TIMES = 10_000;

export class ErgoHead {
  readonly network: ErgoNetwork;
  readonly #client: ErgoNodeClient;
  readonly #head: CachedHead;
  readonly #blocks = new Map<number, { id: string; time: string }>();

  constructor(options: ErgoHeadOptions) {
    this.network = options.network;
    this.#client = new ErgoNodeClient({
      urls: options.nodeUrls,
      retries: 1,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
    });
    this.#head = new CachedHead(undefined, () => this.#fullHeight(), options.cacheMs);
  }

  /** The head height, at most `cacheMs` old. */
  current(): Promise<number> {
    return this.#head.current();
  }

  /** A fresh read (readiness). */
  read(): Promise<number> {
    return this.#head.read();
  }

  async #fullHeight(): Promise<number> {
    const info = await this.#client.info();
    if (info.fullHeight === null)
      throw new ChainError(ChainErrorCode.Unavailable, 'the Ergo node has no full blocks yet');
    return info.fullHeight;
  }

  /**
   * The time (RFC 3339) of block `blockId` when it is the best chain's block at `height`;
   * undefined above the head or for another block (the proof then states no time, and a verifier
   * refuses the block anyway).
   */
  async blockTime(height: number, blockId: string): Promise<string | undefined> {
    const known = this.#blocks.get(height) ?? (await this.#readBlock(height));
    return known?.id === blockId ? known.time : undefined;
  }

  async #readBlock(height: number): Promise<{ id: string; time: string } | undefined> {
    const id = await this.#client.bestHeaderIdAt(height);
    if (id === undefined) return undefined;
    const header = await this.#client.header(id);
    if (header === undefined) return undefined;
    const block = { id, time: isoTime(header.timestamp) };
    if ((await this.current()) - height + 1 >= SETTLED_DEPTH) {
      if (this.#blocks.size >= MAX_CACHED_TIMES) this.#blocks.delete(this.#blocks.keys().next().value!);
      this.#blocks.set(height, block);
    }
    return block;
  }

  /** Refuses a node on another network (BAD_CONFIG ANCHORPOST_ERGO_NETWORK); once, at start. */
  checkNetwork(): Promise<void> {
    return checkErgoNodeNetwork(this.#client, this.network);
  }
}
