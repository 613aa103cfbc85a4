/**
 * TEST DOUBLE of the ErgoBlockView port: a chain of made-up block ids in memory that a test mines,
 * rolls back and takes down, and that counts the lookups it answers. Never used by production code.
 */
import { createHash } from 'node:crypto';
import type { ErgoBlockView } from '../ergo-block-view.ts';
import { RelayError, RelayErrorCode } from '../relay-error.ts';

export class MemoryErgoBlockView implements ErgoBlockView {
  /** Block ids, the block at height h at index h - 1. */
  readonly #ids: string[] = [];
  #minted = 0;
  /** While true every call fails as an unreachable node does. */
  down = false;
  /** Calls answered (or refused while down), for tests of caching. */
  calls = 0;

  constructor(blocks = 0) {
    this.mine(blocks);
  }

  /** Adds `count` blocks on top; their ids. */
  mine(count = 1): string[] {
    const mined: string[] = [];
    for (let i = 0; i < count; i += 1) {
      this.#minted += 1;
      const id = createHash('sha256').update(`memory-ergo-block/${this.#minted}`).digest('hex');
      this.#ids.push(id);
      mined.push(id);
    }
    return mined;
  }

  /** Drops the newest `count` blocks (mine again for a fork with other ids). */
  rollback(count: number): void {
    this.#ids.length = Math.max(0, this.#ids.length - count);
  }

  /** The id at `height` as the double holds it, without counting a call. */
  idAt(height: number): string | undefined {
    return this.#ids[height - 1];
  }

  get height(): number {
    return this.#ids.length;
  }

  blockIdAt(height: number): Promise<string | undefined> {
    return this.#answer(() => (height >= 1 ? this.#ids[height - 1] : undefined));
  }

  tipHeight(): Promise<number> {
    return this.#answer(() => this.#ids.length);
  }

  async #answer<T>(value: () => T): Promise<T> {
    this.calls += 1;
    await Promise.resolve();
    if (this.down) {
      throw new RelayError(RelayErrorCode.ErgoNodeUnavailable, 'the memory Ergo node test double is down');
    }
    return value();
  }
}
