/**
 * The sponsor accounts' transactions, found by reading every block's transactions from a cursor
 * persisted in PostgreSQL (`database.sponsorAudit`), up to `finalityDepth` below the head and at
 * most `maxBlocks` blocks a step: whatever an account sent (a forwarded request, a ballot, a
 * transfer made by hand with its key) is kept, to be checked against the sponsorships. A restart
 * resumes after the cursor. The first block read must have the cursor's block as its parent, and
 * each the one before it: otherwise the chain was reorganized below the cursor, and the step reads
 * again from `rewindBlocks` back (a reorg in the middle of a step: the step is dropped and redone).
 */
import type { JsonRpcPool } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { auditStep, rewindFrom, sponsorTransactionsIn } from '@anchorpost/sponsor-core';
import type { AuditCursor, ScannedBlock, SponsorAccountTransaction } from '@anchorpost/sponsor-core';

export interface AccountTransactionsObserver {
  /** Blocks read (each one `eth_getBlockByNumber`). */
  read?(blocks: number, cursor: AuditCursor): void;
  /** A reorg below the cursor: reading again from `fromBlock`. */
  rewound?(cursor: AuditCursor, fromBlock: number): void;
}

interface RpcBlock {
  readonly number: string;
  readonly hash: string;
  readonly parentHash: string;
  readonly transactions: readonly { hash: string; from: string; to: string | null; input: string }[];
}

const CURSOR_ID = 'ledger-audit';

export interface AccountTransactionsOptions {
  readonly rpc: Pick<JsonRpcPool, 'request'>;
  readonly store: Database['sponsorAudit'];
  readonly accounts: ReadonlySet<string>;
  readonly startBlock: number;
  readonly finalityDepth: number;
  readonly maxBlocks: number;
  readonly rewindBlocks: number;
  readonly observer?: AccountTransactionsObserver;
}

export class AccountTransactions {
  readonly #o: AccountTransactionsOptions;

  constructor(options: AccountTransactionsOptions) {
    this.#o = options;
  }

  /** One bounded step: reads the next final blocks after the cursor; false when there were none. */
  async step(): Promise<boolean> {
    const o = this.#o;
    const head = Number(await o.rpc.request<string>('eth_blockNumber', []));
    const cursor = (await o.store.cursor(CURSOR_ID)) ?? undefined;
    const plan = auditStep({
      cursor,
      startBlock: o.startBlock,
      lastFinal: head - o.finalityDepth,
      maxBlocks: o.maxBlocks,
    });
    if (plan.kind === 'idle') return false;
    const blocks: ScannedBlock[] = [];
    for (let n = plan.from; n <= plan.to; n++) {
      const block = await this.#block(n);
      if (blocks.length === 0) {
        const rewind = rewindFrom(cursor, block, o.startBlock, o.rewindBlocks);
        if (rewind !== undefined) return this.#rewind(cursor!, rewind);
      } else if (block.parentHash !== blocks.at(-1)!.hash) {
        return true; // reorganized while being read: the next step reads again
      }
      blocks.push(block);
    }
    const last = blocks.at(-1)!;
    const found: SponsorAccountTransaction[] = blocks.flatMap((b) => sponsorTransactionsIn(b, o.accounts));
    const next = { block: last.number, blockHash: last.hash };
    await o.store.record(CURSOR_ID, plan.from, next, found);
    o.observer?.read?.(blocks.length, next);
    return true;
  }

  /** Steps until the cursor is at the last final block, at most `steps` times. */
  async catchUp(steps: number): Promise<void> {
    for (let i = 0; i < steps && (await this.step()); i++);
  }

  async #rewind(cursor: AuditCursor, fromBlock: number): Promise<boolean> {
    const o = this.#o;
    const before = fromBlock - 1;
    // Before the start block the cursor is not checked (rewindFrom): block -1 has no hash.
    const blockHash = before < 0 ? '' : (await this.#block(before)).hash;
    o.observer?.rewound?.(cursor, fromBlock);
    await o.store.record(CURSOR_ID, fromBlock, { block: before, blockHash }, []);
    return true;
  }

  async #block(n: number): Promise<ScannedBlock> {
    const block = await this.#o.rpc.request<RpcBlock | null>('eth_getBlockByNumber', [
      `0x${n.toString(16)}`,
      true,
    ]);
    if (block === null) throw new Error(`the node has no block ${n}, under its head`);
    return {
      number: Number(block.number),
      hash: block.hash.toLowerCase(),
      parentHash: block.parentHash.toLowerCase(),
      transactions: block.transactions,
    };
  }
}
