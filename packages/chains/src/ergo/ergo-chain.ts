/**
 * ErgoChain: the AnchorChain port on Ergo, with the marker-token chain of ADR 0012.
 *
 * Each request runs through the state machine of anchor-request.ts, one persisted step at a time:
 * - PENDING: ask the chain first (the node's index of the marker's boxes): already anchored with
 *   our root → adopt (MINED); with another root → FAILED. Otherwise build the anchoring
 *   transaction on the current anchor box (the tip), sign it, persist SUBMITTED with the signed
 *   transaction, and only then broadcast. A transaction the node refuses goes back to PENDING.
 * - SUBMITTED: in a block (node index) → MINED. In the mempool → wait. Unknown to the node
 *   (dropped, crash before broadcast, rolled back) → broadcast the very same transaction again; if
 *   the node refuses it, its input is gone for good (the chain moved on) → PENDING, and the next
 *   tip is used.
 * - MINED / CONFIRMED: the block must stay on the best chain; if not, back to SUBMITTED (our
 *   transaction goes out again) or PENDING (an adopted anchor). ≥ `confirmations` → CONFIRMED;
 *   ≥ `finalityDepth` → FINALIZED.
 * Transactions in flight chain on each other (each spends the anchor box the previous one
 * creates), so they are followed and re-broadcast in the order they were sent. The token exists
 * once, so two anchoring transactions can never both spend the same anchor box: whatever happens,
 * the anchor chain on Ergo stays one line, and a sequence found on it is adopted, never sent again.
 */
import type { AnchorChain, AnchorTransition } from '../anchor-chain.ts';
import { AnchorState, checkAnchorRequest, newAnchorRecord, transition } from '../anchor-request.ts';
import type {
  AnchorAttempt,
  AnchorInclusion,
  AnchorProblem,
  AnchorRecord,
  AnchorRecordChange,
  AnchorRequest,
} from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import type { ChainAnchorPage, ChainHead } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { holdsMarker } from './anchor-box.ts';
import { buildAnchorTransaction } from './anchor-transaction.ts';
import { ErgoChainReader, isoTime } from './ergo-chain-reader.ts';
import type { ErgoChainReaderOptions } from './ergo-chain-reader.ts';
import { parseErgoJson, toBigInt } from './ergo-json.ts';
import type { ErgoWallet } from './ergo-wallet.ts';
import type { ErgoBoxJson, ErgoHeader, ErgoTransactionJson } from './node-types.ts';

export interface ErgoChainOptions extends ErgoChainReaderOptions {
  /** Signs anchoring transactions; must hold the marker token (its address guards the anchor box). */
  readonly wallet: ErgoWallet;
  readonly store: AnchorRequestStore;
  /** Confirmations (the block itself counts) before CONFIRMED. Default 10, the seed's trusted depth. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when rollbacks stop being watched. Default 30 (≥ confirmations). */
  readonly finalityDepth?: number;
  /** Miner's fee per anchoring transaction, nanoERG. Default 1,100,000 (0.0011 ERG, ergo-lib's suggestion). */
  readonly fee?: bigint;
  /** When the anchor box's float is below this, token-free wallet boxes are spent into it. Default 0.05 ERG. */
  readonly topUpBelow?: bigint;
  /** Anchoring transactions in flight at once (a chain of unconfirmed transactions). Default 16. */
  readonly maxInFlight?: number;
  readonly now?: () => Date;
}

interface TickContext {
  readonly headHeight: number;
  /** The last 10 headers, for signing; read once per tick when something is sent. */
  lastHeaders: ErgoHeader[] | undefined;
  /** The anchor box the next transaction spends (undefined: not known yet this tick). */
  tip: ErgoBoxJson | undefined;
  /** Wallet boxes spent by transactions of ours in flight: never offered as top-ups. */
  readonly spentByUs: Set<string>;
  readonly transitions: AnchorTransition[];
  stopSubmitting: boolean;
}

const PAGE = 100;
const MAX_STEPS_PER_TICK = 4;

export class ErgoChain implements AnchorChain {
  readonly id: string;
  readonly reader: ErgoChainReader;
  readonly wallet: ErgoWallet;
  readonly #store: AnchorRequestStore;
  readonly #confirmations: number;
  readonly #finalityDepth: number;
  readonly #fee: bigint;
  readonly #topUpBelow: bigint;
  readonly #maxInFlight: number;
  readonly #now: () => Date;
  #ticking: Promise<AnchorTransition[]> | undefined;

  constructor(options: ErgoChainOptions) {
    this.reader = new ErgoChainReader(options);
    this.id = this.reader.id;
    this.wallet = options.wallet;
    this.#store = options.store;
    this.#confirmations = atLeast(options.confirmations ?? 10, 1, 'confirmations');
    this.#finalityDepth = atLeast(
      options.finalityDepth ?? Math.max(30, this.#confirmations),
      this.#confirmations,
      'finalityDepth',
    );
    this.#fee = options.fee ?? 1_100_000n;
    if (this.#fee < 0n) throw new ChainError(ChainErrorCode.BadConfig, 'fee: expected >= 0');
    this.#topUpBelow = options.topUpBelow ?? 50_000_000n;
    this.#maxInFlight = atLeast(options.maxInFlight ?? 16, 1, 'maxInFlight');
    this.#now = options.now ?? (() => new Date());
    if (options.wallet.network !== options.network) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `the wallet is for ${options.wallet.network}, the chain is ${options.network}`,
      );
    }
  }

  head(): Promise<ChainHead> {
    return this.reader.head();
  }

  confirmations(blockNumber: number, blockHash?: string): Promise<number> {
    return this.reader.confirmations(blockNumber, blockHash);
  }

  readAnchors(fromBlock: number, toBlock: number): AsyncIterable<ChainAnchorPage> {
    return this.reader.readAnchors(fromBlock, toBlock);
  }

  async anchor(request: AnchorRequest): Promise<AnchorRecord> {
    const checked = checkAnchorRequest(request);
    const stored = await this.#store.create(newAnchorRecord(this.id, checked, this.#now()));
    if (stored.root !== checked.root || stored.batchCid !== checked.batchCid) {
      throw new ChainError(
        ChainErrorCode.Conflict,
        `sequence ${checked.sequence} is already requested with root ${stored.root} and batch ${stored.batchCid}`,
      );
    }
    return stored;
  }

  status(sequence: number): Promise<AnchorRecord | undefined> {
    return this.#store.get(this.id, sequence);
  }

  async retry(sequence: number): Promise<AnchorRecord> {
    const record = await this.#store.get(this.id, sequence);
    if (record === undefined)
      throw new ChainError(ChainErrorCode.NotFound, `no anchor request for sequence ${sequence}`);
    if (record.state !== AnchorState.Failed) return record;
    const next = transition(
      record,
      AnchorState.Pending,
      { failure: null, nonce: null, attempts: [] },
      this.#now(),
    );
    await this.#store.update(next);
    return next;
  }

  /** Concurrent calls share one run: a tick never overlaps another. */
  tick(): Promise<AnchorTransition[]> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<AnchorTransition[]> {
    const head = await this.reader.head();
    const ctx: TickContext = {
      headHeight: head.number,
      lastHeaders: undefined,
      tip: undefined,
      spentByUs: new Set(),
      transitions: [],
      stopSubmitting: false,
    };
    // Pass 1: everything sent, in the order it was sent (a child's input is its parent's output).
    const open: AnchorRecord[] = [];
    for await (const record of this.#open()) open.push(record);
    const sent = open
      .filter((r) => r.state !== AnchorState.Pending)
      .sort((a, b) => sentAt(a).localeCompare(sentAt(b)) || a.sequence - b.sequence);
    let inFlight = 0;
    let newest: AnchorRecord | undefined;
    for (const record of sent) {
      const after = await this.#advance(record, ctx, false);
      if (after.state === AnchorState.Submitted) inFlight++;
      const attempt = after.attempts.at(-1);
      if (attempt !== undefined && after.state !== AnchorState.Pending) {
        for (const input of signedTransaction(attempt).inputs) ctx.spentByUs.add(input.boxId);
        newest = after;
      }
    }
    // Pass 2: new submissions, lowest sequence first, each on the anchor box the previous one made.
    for (const record of open) {
      if (record.state !== AnchorState.Pending) continue;
      if (inFlight >= this.#maxInFlight || ctx.stopSubmitting) break;
      if (ctx.tip === undefined) ctx.tip = await this.#findTip(newest);
      const after = await this.#advance(record, ctx, true);
      if (after.state === AnchorState.Submitted) inFlight++;
    }
    return ctx.transitions;
  }

  async *#open(): AsyncGenerator<AnchorRecord> {
    let afterSequence = -1;
    for (;;) {
      const page = await this.#store.listOpen(this.id, { afterSequence, limit: PAGE });
      yield* page;
      if (page.length < PAGE) return;
      afterSequence = page.at(-1)!.sequence;
    }
  }

  async #advance(record: AnchorRecord, ctx: TickContext, mayLeavePending: boolean): Promise<AnchorRecord> {
    let current = record;
    for (let step = 0; step < MAX_STEPS_PER_TICK; step++) {
      if (current.state === AnchorState.Pending && (!mayLeavePending || step > 0)) return current;
      let next: AnchorRecord;
      try {
        next = await this.#step(current, ctx);
      } catch (error) {
        if (!(error instanceof ChainError) || !error.retryable) throw error;
        if (error.code === ChainErrorCode.Unavailable || error.code === ChainErrorCode.StoreConflict)
          throw error;
        if (error.code === ChainErrorCode.InsufficientFunds) ctx.stopSubmitting = true;
        return this.#noteProblem(current, error);
      }
      if (next === current) return current;
      current = next;
    }
    return current;
  }

  #step(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    switch (record.state) {
      case AnchorState.Pending:
        return this.#submit(record, ctx);
      case AnchorState.Submitted:
        return this.#followSubmitted(record, ctx);
      case AnchorState.Mined:
      case AnchorState.Confirmed:
        return this.#followIncluded(record, ctx);
      default:
        return Promise.resolve(record);
    }
  }

  // ---- PENDING ----

  async #submit(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    const onChain = await this.reader.findAnchor(record.sequence);
    if (onChain !== undefined) {
      if (onChain.root !== record.root || onChain.batchCid !== record.batchCid) {
        return this.#move(
          record,
          AnchorState.Failed,
          {
            nonce: null,
            attempts: [],
            failure: this.#problem(
              new ChainError(
                ChainErrorCode.Conflict,
                `sequence ${record.sequence} is anchored on Ergo with root ${onChain.root} and batch ${onChain.batchCid}`,
              ),
            ),
          },
          ctx,
        );
      }
      const inclusion: AnchorInclusion = {
        txHash: onChain.txHash,
        blockNumber: onChain.blockNumber,
        blockHash: onChain.blockHash,
        blockTime: onChain.blockTime,
        logIndex: onChain.logIndex,
        adopted: true,
      };
      return this.#move(
        record,
        AnchorState.Mined,
        {
          inclusion,
          confirmations: this.#depth(onChain.blockNumber, ctx),
          nonce: null,
          attempts: [],
          lastError: null,
        },
        ctx,
      );
    }
    if (ctx.stopSubmitting) return record;
    const tip = ctx.tip;
    if (tip === undefined) {
      ctx.stopSubmitting = true;
      throw new ChainError(
        ChainErrorCode.RpcError,
        `no unspent box holds the marker token ${this.reader.tokenId}`,
      );
    }
    const topUp = toBigInt(tip.value) < this.#topUpBelow ? await this.#topUpBoxes(ctx) : [];
    ctx.lastHeaders ??= await this.reader.client.lastHeaders(10);
    const built = buildAnchorTransaction({
      wallet: this.wallet,
      tokenId: this.reader.tokenId,
      anchorBox: tip,
      topUp,
      request: record,
      height: ctx.headHeight,
      fee: this.#fee,
    });
    const signed = this.wallet.sign(built.unsigned, built.inputs, ctx.lastHeaders);
    const attempt: AnchorAttempt = {
      txHash: signed.txId,
      rawTransaction: signed.json,
      fees: { fee: this.#fee.toString() },
      submittedAt: this.#now().toISOString(),
    };
    // Persisted before it leaves this process: after a crash the same transaction goes out again.
    const submitted = await this.#move(
      record,
      AnchorState.Submitted,
      { attempts: [attempt], lastError: null },
      ctx,
    );
    for (const input of built.inputs) ctx.spentByUs.add(input.boxId);
    try {
      await this.reader.client.submitTransaction(signed.json);
    } catch (error) {
      if (error instanceof ChainError && error.code === ChainErrorCode.Rejected) {
        // Not in any mempool: forget it, and work the tip out afresh next tick.
        ctx.stopSubmitting = true;
        ctx.tip = undefined;
        return this.#move(
          submitted,
          AnchorState.Pending,
          { attempts: [], lastError: this.#problem(error) },
          ctx,
        );
      }
      throw error;
    }
    ctx.tip = createdAnchorBox(attempt, this.reader.tokenId);
    return submitted;
  }

  /**
   * The box holding the marker now: the one our newest transaction in flight creates, or else the
   * node's unspent marker box — in both cases only if the node (mempool included) has it unspent.
   */
  async #findTip(newest: AnchorRecord | undefined): Promise<ErgoBoxJson | undefined> {
    const attempt = newest?.attempts.at(-1);
    if (attempt !== undefined) {
      const created = createdAnchorBox(attempt, this.reader.tokenId);
      if (created !== undefined && (await this.reader.client.utxoWithPool(created.boxId)) !== undefined)
        return created;
    }
    for (const box of await this.reader.client.unspentBoxesByTokenId(this.reader.tokenId)) {
      if (!holdsMarker(box, this.reader.tokenId)) continue;
      const unspent = await this.reader.client.utxoWithPool(box.boxId);
      if (unspent !== undefined) return unspent;
    }
    return undefined;
  }

  async #topUpBoxes(ctx: TickContext): Promise<ErgoBoxJson[]> {
    const boxes = await this.reader.client.unspentBoxesByAddress(this.wallet.address);
    return boxes.filter((box) => box.assets.length === 0 && !ctx.spentByUs.has(box.boxId));
  }

  // ---- SUBMITTED ----

  async #followSubmitted(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    const attempt = record.attempts.at(-1);
    if (attempt === undefined) return this.#move(record, AnchorState.Pending, { attempts: [] }, ctx);
    const mined = await this.reader.client.indexedTransaction(attempt.txHash);
    if (mined !== undefined) {
      const headerId = await this.reader.client.bestHeaderIdAt(mined.inclusionHeight);
      if (headerId === mined.blockId) {
        const inclusion: AnchorInclusion = {
          txHash: attempt.txHash,
          blockNumber: mined.inclusionHeight,
          blockHash: mined.blockId,
          blockTime: isoTime(mined.timestamp),
          logIndex: mined.index,
          adopted: false,
        };
        return this.#move(
          record,
          AnchorState.Mined,
          { inclusion, confirmations: this.#depth(mined.inclusionHeight, ctx), lastError: null },
          ctx,
        );
      }
    }
    if ((await this.reader.client.unconfirmedTransaction(attempt.txHash)) !== undefined) return record;
    // Not in the pool and not indexed: it may be in a block the index has not reached yet (a
    // node's index trails the chain). Wait for the index rather than call it lost.
    const index = await this.reader.client.indexedHeight();
    if (index !== undefined && index.indexedHeight < index.fullHeight) return record;
    // Unknown to the node: dropped, never sent (crash), or returned by a rollback. Send it again.
    try {
      await this.reader.client.submitTransaction(attempt.rawTransaction);
      return record;
    } catch (error) {
      if (!(error instanceof ChainError) || error.code !== ChainErrorCode.Rejected) throw error;
      // Its input is spent or gone: this transaction can never be mined. Build anew on the tip.
      ctx.tip = undefined;
      return this.#move(record, AnchorState.Pending, { attempts: [], lastError: this.#problem(error) }, ctx);
    }
  }

  // ---- MINED / CONFIRMED ----

  async #followIncluded(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    const inclusion = record.inclusion;
    const headerId =
      inclusion === null ? undefined : await this.reader.client.bestHeaderIdAt(inclusion.blockNumber);
    if (inclusion === null || headerId !== inclusion.blockHash) {
      const back = record.attempts.length > 0 ? AnchorState.Submitted : AnchorState.Pending;
      return this.#move(
        record,
        back,
        {
          inclusion: null,
          confirmations: 0,
          lastError: this.#problem(
            new ChainError(
              ChainErrorCode.Reorganized,
              `block ${inclusion?.blockNumber ?? '?'} left the best chain`,
            ),
          ),
        },
        ctx,
      );
    }
    const depth = this.#depth(inclusion.blockNumber, ctx);
    if (record.state === AnchorState.Mined && depth >= this.#confirmations) {
      return this.#move(record, AnchorState.Confirmed, { confirmations: depth }, ctx);
    }
    if (record.state === AnchorState.Confirmed && depth >= this.#finalityDepth) {
      return this.#move(record, AnchorState.Finalized, { confirmations: depth }, ctx);
    }
    return record;
  }

  // ---- helpers ----

  async #move(
    record: AnchorRecord,
    to: AnchorState,
    change: AnchorRecordChange,
    ctx: TickContext,
  ): Promise<AnchorRecord> {
    const next = transition(record, to, change, this.#now());
    await this.#store.update(next);
    ctx.transitions.push({ sequence: next.sequence, from: record.state, to, record: next });
    return next;
  }

  async #noteProblem(record: AnchorRecord, error: ChainError): Promise<AnchorRecord> {
    const stored = (await this.#store.get(this.id, record.sequence)) ?? record;
    if (stored.lastError?.code === error.code && stored.lastError.message === error.message) return stored;
    const next = transition(stored, stored.state, { lastError: this.#problem(error) }, this.#now());
    await this.#store.update(next);
    return next;
  }

  #problem(error: ChainError): AnchorProblem {
    return { code: error.code, message: error.message, at: this.#now().toISOString() };
  }

  #depth(height: number, ctx: TickContext): number {
    return Math.max(0, ctx.headHeight - height + 1);
  }
}

function sentAt(record: AnchorRecord): string {
  return record.attempts[0]?.submittedAt ?? record.updatedAt;
}

function signedTransaction(attempt: AnchorAttempt): ErgoTransactionJson {
  return parseErgoJson(attempt.rawTransaction) as ErgoTransactionJson;
}

/** The anchor box a signed anchoring transaction of ours creates (output 0). */
function createdAnchorBox(attempt: AnchorAttempt, tokenId: string): ErgoBoxJson | undefined {
  const output = signedTransaction(attempt).outputs[0];
  return output !== undefined && holdsMarker(output, tokenId) ? output : undefined;
}

function atLeast(value: number, minimum: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new ChainError(
      ChainErrorCode.BadConfig,
      `${name}: expected an integer >= ${minimum}, got ${value}`,
    );
  }
  return value;
}
