/**
 * The Ergo node TEST DOUBLE's chain on disk, so that the double can be killed and started again
 * on the same folder and come back with the same chain — what a real node does after a restart,
 * which keeps its blocks and loses its mempool. An append-only file of JSON lines: first the
 * chain's identity (network, start height, the faucet's secret, the launch time), then one line
 * per block mined (its header and each transaction as ergo-lib's JSON) and one per rollback.
 * Replaying the lines gives the blocks back; a last line cut short by a kill is ignored.
 *
 * The faucet's secret is a throw-away key of a test chain, written with mode 0600 in a folder the
 * test made. Nothing else of the double's state is kept: the pool and the index are rebuilt.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HeaderJson } from './block-header.ts';
import type { DevnetNetwork } from './ledger.ts';

const FILE = 'chain.jsonl';
const VERSION = 1;

/** What the chain is: a journal is only ever replayed under the same identity. */
export interface ChainIdentity {
  readonly network: DevnetNetwork;
  readonly startHeight: number;
}

/** A block as the journal keeps it: the header and each transaction's ergo-lib JSON. */
export interface JournalBlock {
  readonly header: HeaderJson;
  readonly txs: readonly string[];
}

/** The chain as the journal gives it back. */
export interface RestoredChain {
  readonly faucetSecret: Uint8Array;
  readonly launchTime: number;
  /** The best chain, oldest block first. */
  readonly blocks: readonly JournalBlock[];
  /** Blocks ever mined, those rolled back included (each header's nonce was one of them). */
  readonly made: number;
}

type Line =
  | {
      readonly kind: 'chain';
      readonly version: number;
      readonly network: DevnetNetwork;
      readonly startHeight: number;
      readonly faucetSecret: string;
      readonly launchTime: number;
    }
  | { readonly kind: 'block'; readonly header: HeaderJson; readonly txs: readonly string[] }
  | { readonly kind: 'rollback'; readonly count: number };

export class ChainJournal {
  readonly #file: string;

  private constructor(file: string) {
    this.#file = file;
  }

  /**
   * The journal in `dir` (made if missing) and the chain it holds, if any. Throws if it holds the
   * chain of another network or start height, or a line other than the last cannot be read.
   */
  static open(dir: string, identity: ChainIdentity): { journal: ChainJournal; restored?: RestoredChain } {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, FILE);
    const journal = new ChainJournal(file);
    if (!existsSync(file)) return { journal };
    const restored = replay(readFileSync(file, 'utf8'), identity, file);
    return restored === undefined ? { journal } : { journal, restored };
  }

  /** Starts the file of a new chain (replacing a file that held no chain line). */
  begin(identity: ChainIdentity, faucetSecret: Uint8Array, launchTime: number): void {
    const line: Line = {
      kind: 'chain',
      version: VERSION,
      network: identity.network,
      startHeight: identity.startHeight,
      faucetSecret: Buffer.from(faucetSecret).toString('hex'),
      launchTime,
    };
    writeFileSync(this.#file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
  }

  blockMined(block: JournalBlock): void {
    this.#append({ kind: 'block', header: block.header, txs: block.txs });
  }

  rolledBack(count: number): void {
    this.#append({ kind: 'rollback', count });
  }

  #append(line: Line): void {
    // A kill between two writes loses nothing written: the kernel has it (the double's chain need
    // not survive a machine crash, only its process).
    appendFileSync(this.#file, `${JSON.stringify(line)}\n`);
  }
}

function replay(text: string, identity: ChainIdentity, file: string): RestoredChain | undefined {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const parsed: Line[] = [];
  for (const [i, raw] of lines.entries()) {
    try {
      parsed.push(JSON.parse(raw) as Line);
    } catch (error) {
      // Only the last line can be cut short (a kill in the middle of a write).
      if (i === lines.length - 1) break;
      throw new Error(`${file}: line ${i + 1} is not JSON`, { cause: error });
    }
  }
  const [head, ...rest] = parsed;
  if (head === undefined) return undefined;
  if (head.kind !== 'chain' || head.version !== VERSION)
    throw new Error(`${file}: not a version ${VERSION} chain journal`);
  if (head.network !== identity.network || head.startHeight !== identity.startHeight) {
    throw new Error(
      `${file}: holds a ${head.network} chain from height ${head.startHeight}, not ${identity.network} from ${identity.startHeight}`,
    );
  }
  const blocks: JournalBlock[] = [];
  let made = 0;
  for (const line of rest) {
    if (line.kind === 'block') {
      blocks.push({ header: line.header, txs: line.txs });
      made += 1;
    } else if (line.kind === 'rollback') {
      blocks.splice(blocks.length - line.count, line.count);
    } else throw new Error(`${file}: a second chain line`);
  }
  return {
    faucetSecret: Uint8Array.from(Buffer.from(head.faucetSecret, 'hex')),
    launchTime: head.launchTime,
    blocks,
    made,
  };
}
