/**
 * Checks the blocks a tx-file names against the relay's Ergo chain, on the accept path: each of
 * `lastblock` and `trustedblock` is at or below the tip (BLOCK_ABOVE_TIP) and is the best chain's
 * block at its height (BLOCK_NOT_ON_CHAIN), and the trustedblock is at most `trustedblockMaxAge`
 * blocks below the tip (TRUSTEDBLOCK_TOO_OLD). That makes a file's "sent after its trustedblock"
 * true when the relay accepts it, and keeps files from claiming a time long past.
 *
 * No HTTP call per file: the tip is read at most every `tipRefreshMs` (and once sooner, at most
 * every MIN_TIP_REFRESH_MS, when a file names a newer block); ids are kept per height, until
 * evicted once `stableDepth` deep (a block that deep does not change), for `tipRefreshMs` above
 * that. Only heights inside the window can be asked about (the window is checked first, and
 * `trustedblock` ≤ `lastblock` ≤ tip), so the cache, sized to the window, bounds the node calls a
 * sender can cause. Lookups of one height share one call; at most `maxConcurrentLookups` run at
 * once, and a full queue is ERGO_NODE_UNAVAILABLE — as is any node failure: refused, never
 * accepted unchecked.
 */
import type { BlockRef, TxBlockchain } from '@anchorpost/protocol';
import type { ErgoBlockView } from './ergo-block-view.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface ErgoBlockCheckOptions {
  readonly view: ErgoBlockView;
  /** How many blocks below the tip a `trustedblock` may be (the protocol's own depth is 10). */
  readonly trustedblockMaxAge: number;
  /** How long a read of the tip serves; default 2 s. */
  readonly tipRefreshMs?: number;
  /** Confirmations from which a block id is kept until evicted; default 10. */
  readonly stableDepth?: number;
  /** Node lookups in flight at once; default 8. */
  readonly maxConcurrentLookups?: number;
  /** Milliseconds clock; default `performance.now`. */
  readonly now?: () => number;
}

/** A file naming a block above the tip reads the tip again, but not more often than this. */
const MIN_TIP_REFRESH_MS = 250;
/** Lookups waiting for a slot before new ones are refused. */
const MAX_WAITING_LOOKUPS = 1_000;

interface KnownId {
  readonly id: string | undefined;
  readonly at: number;
  readonly stable: boolean;
}

export class ErgoBlockCheck {
  readonly #view: ErgoBlockView;
  readonly #maxAge: number;
  readonly #tipRefreshMs: number;
  readonly #stableDepth: number;
  readonly #maxLookups: number;
  readonly #now: () => number;
  readonly #maxCached: number;
  /** Insertion order is recency: a hit moves its entry to the end. */
  readonly #ids = new Map<number, KnownId>();
  readonly #pending = new Map<number, Promise<string | undefined>>();
  readonly #waiting: (() => void)[] = [];
  #active = 0;
  #tip: { height: number; at: number } | undefined;
  #tipRead: Promise<number> | undefined;

  constructor(options: ErgoBlockCheckOptions) {
    this.#view = options.view;
    this.#maxAge = positive('trustedblockMaxAge', options.trustedblockMaxAge, 0);
    this.#tipRefreshMs = positive('tipRefreshMs', options.tipRefreshMs ?? 2_000, 1);
    this.#stableDepth = positive('stableDepth', options.stableDepth ?? 10, 1);
    this.#maxLookups = positive('maxConcurrentLookups', options.maxConcurrentLookups ?? 8, 1);
    this.#now = options.now ?? (() => performance.now());
    // Every height a file can ask about, and a margin for the tip moving meanwhile.
    this.#maxCached = this.#maxAge + this.#stableDepth + 64;
  }

  /** Resolves when both blocks are on the chain and the trustedblock is inside the window. */
  async check(blockchain: TxBlockchain): Promise<void> {
    const refs = [
      ['blockchain.lastblock', blockchain.lastblock],
      ['blockchain.trustedblock', blockchain.trustedblock],
    ] as const;
    const tip = await this.#tipFor(Math.max(blockchain.lastblock.height, blockchain.trustedblock.height));
    for (const [field, ref] of refs) {
      if (ref.height > tip) throw aboveTip(field, ref, tip);
    }
    const age = tip - blockchain.trustedblock.height;
    if (age > this.#maxAge) {
      throw new RelayError(
        RelayErrorCode.TrustedblockTooOld,
        `trustedblock ${blockchain.trustedblock.height} is ${age} blocks below the tip ${tip}; at most ${this.#maxAge} are accepted — build the file on a recent block`,
        { field: 'blockchain.trustedblock.height' },
      );
    }
    for (const [field, ref] of refs) {
      const id = await this.#idAt(ref.height, tip);
      // No block there any more: the chain just got shorter; the sender's view may be newer.
      if (id === undefined) throw aboveTip(field, ref, tip);
      if (id !== ref.signature.toLowerCase()) {
        throw new RelayError(
          RelayErrorCode.BlockNotOnChain,
          `${field.slice('blockchain.'.length)} ${ref.height} names block ${ref.signature}, but the chain's block there is ${id}`,
          { field: `${field}.signature` },
        );
      }
    }
  }

  /** The tip, read again when stale, or (rate-limited) when a file names a block above it. */
  async #tipFor(needed: number): Promise<number> {
    const now = this.#now();
    const known = this.#tip;
    if (known !== undefined) {
      const age = now - known.at;
      if (age < this.#tipRefreshMs && (needed <= known.height || age < MIN_TIP_REFRESH_MS)) {
        return known.height;
      }
    }
    this.#tipRead ??= this.#lookup(() => this.#view.tipHeight())
      .then((height) => {
        this.#tip = { height, at: this.#now() };
        return height;
      })
      .finally(() => {
        this.#tipRead = undefined;
      });
    return this.#tipRead;
  }

  async #idAt(height: number, tip: number): Promise<string | undefined> {
    const known = this.#ids.get(height);
    if (known !== undefined && (known.stable || this.#now() - known.at < this.#tipRefreshMs)) {
      this.#ids.delete(height);
      this.#ids.set(height, known);
      return known.id;
    }
    let pending = this.#pending.get(height);
    if (pending === undefined) {
      pending = this.#lookup(() => this.#view.blockIdAt(height)).finally(() => this.#pending.delete(height));
      this.#pending.set(height, pending);
    }
    const id = await pending;
    this.#remember(height, {
      id,
      at: this.#now(),
      stable: id !== undefined && tip - height + 1 >= this.#stableDepth,
    });
    return id;
  }

  #remember(height: number, known: KnownId): void {
    this.#ids.delete(height);
    this.#ids.set(height, known);
    while (this.#ids.size > this.#maxCached) this.#ids.delete(this.#ids.keys().next().value!);
  }

  /** One node call, inside the concurrency bound. */
  async #lookup<T>(call: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#maxLookups) {
      if (this.#waiting.length >= MAX_WAITING_LOOKUPS) {
        throw new RelayError(
          RelayErrorCode.ErgoNodeUnavailable,
          'too many block lookups are waiting for the Ergo node; try again',
        );
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return await call();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = this.#waiting.shift();
      if (next === undefined) this.#active -= 1;
      else next();
    }
  }
}

function aboveTip(field: string, ref: BlockRef, tip: number): RelayError {
  return new RelayError(
    RelayErrorCode.BlockAboveTip,
    `${field.slice('blockchain.'.length)} ${ref.height} is above the relay's chain tip ${tip}; try again once its node has the block`,
    { field: `${field}.height` },
  );
}

function positive(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > 100_000_000) {
    throw new RelayError(
      RelayErrorCode.BadConfig,
      `${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}
