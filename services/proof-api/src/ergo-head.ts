/**
 * The Ergo side of the proof API: the head height of the served network (confirmations of Ergo
 * anchors are counted from it) and the time of a block by height (the lower end of a proof's time
 * window, from the tx-file's `trustedblock`). The node is checked once to be on the configured
 * network; a head read serves `cacheMs`; block times below the trusted depth never change and are
 * kept in a bounded cache.
 */
import { ChainError, ChainErrorCode, ErgoNodeClient, isoTime } from '@anchorpost/chains';
import type { ErgoNetwork } from '@anchorpost/chains';

export interface ErgoHeadOptions {
  readonly nodeUrls: readonly string[];
  readonly network: ErgoNetwork;
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly cacheMs: number;
}

/** Blocks this deep are taken as settled for the time cache (the seed's trusted depth). */
const SETTLED_DEPTH = 10;
const MAX_CACHED_TIMES = 10_000;

export class ErgoHead {
  readonly network: ErgoNetwork;
  readonly #client: ErgoNodeClient;
  readonly #cacheMs: number;
  readonly #times = new Map<number, string>();
  #checked: Promise<void> | undefined;
  #cached: { at: number; head: Promise<number> } | undefined;

  constructor(options: ErgoHeadOptions) {
    this.network = options.network;
    this.#client = new ErgoNodeClient({
      urls: options.nodeUrls,
      retries: 1,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    this.#cacheMs = options.cacheMs;
  }

  /** The head height, at most `cacheMs` old. */
  current(): Promise<number> {
    const now = Date.now();
    if (this.#cached !== undefined && now - this.#cached.at < this.#cacheMs) return this.#cached.head;
    const head = this.read();
    this.#cached = { at: now, head };
    head.catch(() => {
      if (this.#cached?.head === head) this.#cached = undefined;
    });
    return head;
  }

  /** A fresh read (readiness). */
  async read(): Promise<number> {
    this.#checked ??= this.#check().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    await this.#checked;
    const info = await this.#client.info();
    if (info.fullHeight === null)
      throw new ChainError(ChainErrorCode.Unavailable, 'the Ergo node has no full blocks yet');
    return info.fullHeight;
  }

  /** The best chain's block time at `height` (RFC 3339), or undefined above the head. */
  async blockTime(height: number): Promise<string | undefined> {
    const known = this.#times.get(height);
    if (known !== undefined) return known;
    const id = await this.#client.bestHeaderIdAt(height);
    if (id === undefined) return undefined;
    const header = await this.#client.header(id);
    if (header === undefined) return undefined;
    const time = isoTime(header.timestamp);
    if ((await this.current()) - height + 1 >= SETTLED_DEPTH) {
      if (this.#times.size >= MAX_CACHED_TIMES) this.#times.delete(this.#times.keys().next().value!);
      this.#times.set(height, time);
    }
    return time;
  }

  async #check(): Promise<void> {
    const info = await this.#client.info();
    if (info.network !== undefined && info.network !== this.network) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `the Ergo node is on ${info.network}, configured ${this.network}`,
      );
    }
  }
}
