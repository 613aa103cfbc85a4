/**
 * EvmChain: the AnchorChain port on an EVM chain with the AnchorpostAnchor contract.
 *
 * Each request runs through the state machine of anchor-request.ts, one persisted step at a time:
 * - PENDING: ask the contract first (`anchoredRoot`): already anchored with our root → adopt the
 *   event (MINED); with another root → FAILED. Otherwise simulate, pick the lowest free nonce, sign,
 *   persist SUBMITTED with the signed transaction, and only then broadcast. A broadcast the node
 *   rejects hands the nonce back (PENDING): no nonce is burned.
 * - SUBMITTED: a receipt for any attempt → MINED. Nonce used by someone else → PENDING. Not mined
 *   after `replaceAfterMs` → a replacement with the same nonce and fees +12.5% or more (up to the
 *   cap). A transaction the node does not know (dropped, crash before broadcast, reorg) is sent again.
 * - MINED / CONFIRMED: its block must stay canonical; if not, back to SUBMITTED (our transaction is
 *   broadcast again) or PENDING (an adopted anchor). ≥ `confirmations` → CONFIRMED;
 *   ≥ `finalityDepth` → FINALIZED, no longer watched.
 * The contract refuses a second anchor for a sequence, so whatever happens the batch is on chain
 * once; the state machine's job is to get it there and to notice when it is gone.
 * One writer per chain account (the anchorer is a leader-elected singleton); the store's
 * compare-and-swap stops a second writer that slipped through.
 */
import { Transaction, getAddress } from 'ethers';
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
import { decodeAnchoredLog, decodeAnchorRevert, encodeAnchorCall } from './anchor-contract.ts';
import { EvmChainReader } from './evm-chain-reader.ts';
import type { EvmChainReaderOptions } from './evm-chain-reader.ts';
import { bumpedFees, initialFees } from './fee-policy.ts';
import type { Eip1559Fees, NetworkFees } from './fee-policy.ts';
import { RpcResponseError } from './json-rpc-pool.ts';
import { fromQuantity } from './rpc-types.ts';
import type { RpcBlock, RpcReceipt, RpcTransaction } from './rpc-types.ts';
import type { TransactionSigner } from './send-transaction.ts';

export interface EvmChainOptions extends EvmChainReaderOptions {
  /** Signs anchor transactions; must be an authorized submitter of the contract. */
  readonly signer: TransactionSigner;
  readonly store: AnchorRequestStore;
  /** Confirmations (the block itself counts as one) before CONFIRMED. Default 12. */
  readonly confirmations?: number;
  /** Confirmations before FINALIZED, when reorgs stop being watched. Default 64 (≥ confirmations). */
  readonly finalityDepth?: number;
  /** A transaction not mined after this long is replaced with higher fees. Default 3 minutes. */
  readonly replaceAfterMs?: number;
  /** Never offer more than this per gas (wei). Default 500 gwei. */
  readonly maxFeePerGasCap?: bigint;
  /** Tip floor (wei) when the node suggests less. Default 0. */
  readonly minPriorityFeePerGas?: bigint;
  /** Transactions in flight at once (distinct nonces). Default 16. */
  readonly maxInFlight?: number;
  /** Clock, for tests. */
  readonly now?: () => Date;
}

/** Per-tick view of the chain and the account, read once and shared by all requests. */
interface TickContext {
  readonly head: RpcBlock;
  readonly headNumber: number;
  /** Account nonce as of the latest block, read before any receipt is looked at. */
  latestNonce: number;
  readonly usedNonces: Set<number>;
  network: NetworkFees | undefined;
  readonly blocks: Map<number, RpcBlock | null>;
  readonly transitions: AnchorTransition[];
  /** Set when sending is pointless this tick (e.g. no funds). */
  stopSubmitting: boolean;
}

type BroadcastOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'rejected'; readonly error: ChainError }
  | { readonly kind: 'unknown'; readonly error: ChainError };

const PAGE = 100;
/** Steps one request may take in one tick (e.g. MINED → reorg → SUBMITTED → rebroadcast). */
const MAX_STEPS_PER_TICK = 4;
const GAS_MARGIN_PERCENT = 125n;

export class EvmChain implements AnchorChain {
  readonly id: string;
  readonly reader: EvmChainReader;
  readonly #signer: TransactionSigner;
  readonly #store: AnchorRequestStore;
  readonly #confirmations: number;
  readonly #finalityDepth: number;
  readonly #replaceAfterMs: number;
  readonly #maxFeePerGasCap: bigint;
  readonly #minPriorityFeePerGas: bigint;
  readonly #maxInFlight: number;
  readonly #now: () => Date;
  #address: string | undefined;
  #ticking: Promise<AnchorTransition[]> | undefined;

  constructor(options: EvmChainOptions) {
    this.reader = new EvmChainReader(options);
    this.id = this.reader.id;
    this.#signer = options.signer;
    this.#store = options.store;
    this.#confirmations = atLeast(options.confirmations ?? 12, 1, 'confirmations');
    this.#finalityDepth = atLeast(
      options.finalityDepth ?? Math.max(64, this.#confirmations),
      this.#confirmations,
      'finalityDepth',
    );
    this.#replaceAfterMs = atLeast(options.replaceAfterMs ?? 180_000, 0, 'replaceAfterMs');
    this.#maxFeePerGasCap = options.maxFeePerGasCap ?? 500_000_000_000n;
    this.#minPriorityFeePerGas = options.minPriorityFeePerGas ?? 0n;
    this.#maxInFlight = atLeast(options.maxInFlight ?? 16, 1, 'maxInFlight');
    this.#now = options.now ?? (() => new Date());
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
    const address = await this.#ownAddress();
    const head = await this.reader.latestBlock();
    const ctx: TickContext = {
      head,
      headNumber: fromQuantity(head.number),
      latestNonce: fromQuantity(
        await this.reader.rpc.request<string>('eth_getTransactionCount', [address, 'latest']),
      ),
      usedNonces: new Set(),
      network: undefined,
      blocks: new Map(),
      transitions: [],
      stopSubmitting: false,
    };
    // Pass 1: everything in flight or included, so that the nonces in use are known before
    // pass 2 hands out new ones.
    let inFlight = 0;
    for await (const record of this.#open()) {
      if (record.state === AnchorState.Pending) continue;
      const after = await this.#advance(record, ctx, false);
      // Mined ones too: ctx.latestNonce may predate their block.
      if (after.nonce !== null) ctx.usedNonces.add(after.nonce);
      if (after.state === AnchorState.Submitted) inFlight++;
    }
    // Pass 2: new submissions, lowest sequence first, as long as there is room.
    for await (const record of this.#open()) {
      if (record.state !== AnchorState.Pending) continue;
      if (inFlight >= this.#maxInFlight || ctx.stopSubmitting) break;
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

  /** Takes as many steps as possible without waiting; records retryable problems on the request. */
  async #advance(record: AnchorRecord, ctx: TickContext, mayLeavePending: boolean): Promise<AnchorRecord> {
    let current = record;
    for (let step = 0; step < MAX_STEPS_PER_TICK; step++) {
      if (current.state === AnchorState.Pending && (!mayLeavePending || step > 0)) return current;
      let next: AnchorRecord;
      try {
        next = await this.#step(current, ctx);
      } catch (error) {
        // Connectivity and store conflicts end the tick; anything else specific to this request
        // is noted on it and retried next tick.
        if (!(error instanceof ChainError) || !error.retryable) throw error;
        if (error.code === ChainErrorCode.Unavailable || error.code === ChainErrorCode.StoreConflict)
          throw error;
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
    const onChain = await this.reader.anchoredRoot(record.sequence);
    if (onChain !== undefined) return this.#adoptOrFail(record, onChain, ctx);
    if (ctx.stopSubmitting) return record;

    const address = await this.#ownAddress();
    const data = encodeAnchorCall(record.root, record.batchCid, record.sequence);
    let gas: bigint;
    try {
      gas = BigInt(
        await this.reader.rpc.request<string>('eth_estimateGas', [
          { from: address, to: this.reader.contractAddress, data },
        ]),
      );
    } catch (error) {
      const failure = this.#revertFailure(error);
      if (failure === 'already-anchored') return record; // anchored meanwhile: adopted next tick
      if (failure !== undefined)
        return this.#move(record, AnchorState.Failed, { failure: this.#problem(failure) }, ctx);
      throw error;
    }
    const fees = initialFees(await this.#networkFees(ctx), this.#maxFeePerGasCap);
    let nonce = ctx.latestNonce;
    while (ctx.usedNonces.has(nonce)) nonce++;
    const attempt = await this.#sign(record, nonce, (gas * GAS_MARGIN_PERCENT) / 100n, fees);
    // Persisted before it leaves this process: after a crash the next run knows the nonce and
    // can broadcast the very same transaction again.
    const submitted = await this.#move(
      record,
      AnchorState.Submitted,
      { nonce, attempts: [attempt], lastError: null },
      ctx,
    );
    ctx.usedNonces.add(nonce);
    const outcome = await this.#broadcast(attempt.rawTransaction);
    if (outcome.kind === 'accepted') return submitted;
    if (outcome.kind === 'unknown') throw outcome.error;
    // The node refused it, so it is not in any mempool: give the nonce back.
    ctx.usedNonces.delete(nonce);
    if (outcome.error.code === ChainErrorCode.InsufficientFunds) ctx.stopSubmitting = true;
    if (outcome.error.code === ChainErrorCode.NonceConsumed) await this.#refreshNonce(ctx);
    return this.#backToPending(submitted, outcome.error, ctx);
  }

  async #adoptOrFail(record: AnchorRecord, onChainRoot: string, ctx: TickContext): Promise<AnchorRecord> {
    if (onChainRoot !== record.root) {
      return this.#move(
        record,
        AnchorState.Failed,
        {
          nonce: null,
          attempts: [],
          failure: this.#problem(
            new ChainError(
              ChainErrorCode.Conflict,
              `sequence ${record.sequence} is anchored on chain with root ${onChainRoot}, not ${record.root}`,
            ),
          ),
        },
        ctx,
      );
    }
    const anchor = await this.reader.findAnchor(record.sequence);
    if (anchor === undefined) {
      throw new ChainError(
        ChainErrorCode.RpcError,
        `sequence ${record.sequence} is anchored but its event was not found`,
      );
    }
    const inclusion: AnchorInclusion = {
      txHash: anchor.txHash,
      blockNumber: anchor.blockNumber,
      blockHash: anchor.blockHash,
      blockTime: anchor.blockTime,
      logIndex: anchor.logIndex,
      adopted: true,
    };
    return this.#move(
      record,
      AnchorState.Mined,
      {
        inclusion,
        confirmations: this.#depth(anchor.blockNumber, ctx),
        nonce: null,
        attempts: [],
        lastError: null,
      },
      ctx,
    );
  }

  // ---- SUBMITTED ----

  async #followSubmitted(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    const nonce = record.nonce;
    const latest = record.attempts.at(-1);
    if (nonce === null || latest === undefined) {
      return this.#move(record, AnchorState.Pending, { nonce: null, attempts: [] }, ctx);
    }
    for (const attempt of [...record.attempts].reverse()) {
      const receipt = await this.reader.rpc.request<RpcReceipt | null>('eth_getTransactionReceipt', [
        attempt.txHash,
      ]);
      if (receipt !== null) return this.#onReceipt(record, receipt, ctx);
    }
    // ctx.latestNonce was read before these receipts: a nonce used by then with no receipt of
    // ours means another transaction took it, and none of our attempts can ever be mined.
    if (ctx.latestNonce > nonce) {
      return this.#backToPending(
        record,
        new ChainError(
          ChainErrorCode.NonceConsumed,
          `nonce ${nonce} was used by a transaction that is not ours`,
        ),
        ctx,
      );
    }
    let capped = false;
    // A refused replacement counts as a try: wait a full period before the next one.
    const lastTry = Math.max(
      Date.parse(latest.submittedAt),
      record.lastError?.code === ChainErrorCode.Rejected ? Date.parse(record.lastError.at) : 0,
    );
    if (this.#now().getTime() - lastTry >= this.#replaceAfterMs) {
      const replaced = await this.#replace(record, nonce, latest, ctx);
      if (replaced !== undefined) return replaced;
      capped = true;
    }
    let refused: ChainError | undefined;
    const known = await this.reader.rpc.request<RpcTransaction | null>('eth_getTransactionByHash', [
      latest.txHash,
    ]);
    if (known === null) {
      // Dropped from the mempool, never broadcast (crash), or returned by a reorg: send it again.
      const outcome = await this.#broadcast(latest.rawTransaction);
      if (outcome.kind === 'unknown') throw outcome.error;
      if (outcome.kind === 'rejected') refused = outcome.error;
    }
    if (capped) {
      // The cap is the reason, even when the node also refuses the (now underpriced) original.
      throw new ChainError(
        ChainErrorCode.FeeCapReached,
        `nonce ${nonce}: not mined yet and a replacement would exceed maxFeePerGasCap ${this.#maxFeePerGasCap}` +
          (refused === undefined ? '' : `; the node refuses the current offer: ${refused.message}`),
      );
    }
    if (refused !== undefined) throw refused;
    return record;
  }

  async #replace(
    record: AnchorRecord,
    nonce: number,
    latest: AnchorAttempt,
    ctx: TickContext,
  ): Promise<AnchorRecord | undefined> {
    const previous = feesOf(latest);
    const fees = bumpedFees(previous, await this.#networkFees(ctx), this.#maxFeePerGasCap);
    if (fees === undefined) return undefined; // at the cap: keep waiting (and keep it broadcast)
    const attempt = await this.#sign(record, nonce, BigInt(latest.fees.gasLimit ?? '0'), fees);
    const replacing = await this.#move(
      record,
      AnchorState.Submitted,
      { attempts: [...record.attempts, attempt], lastError: null },
      ctx,
    );
    const outcome = await this.#broadcast(attempt.rawTransaction);
    if (outcome.kind === 'accepted') return replacing;
    if (outcome.kind === 'unknown') throw outcome.error;
    // Refused: forget this attempt, so the next tick tries again from the one that is out there.
    return this.#move(
      replacing,
      AnchorState.Submitted,
      { attempts: record.attempts, lastError: this.#problem(outcome.error) },
      ctx,
    );
  }

  async #onReceipt(record: AnchorRecord, receipt: RpcReceipt, ctx: TickContext): Promise<AnchorRecord> {
    if (fromQuantity(receipt.status) === 1) {
      const event = receipt.logs
        .filter((log) => log.address.toLowerCase() === this.reader.contractAddress)
        .map(decodeAnchoredLog)
        .find((e) => e?.sequence === record.sequence);
      const anchor = event === undefined ? undefined : await this.reader.toChainAnchor(event, ctx.blocks);
      if (anchor !== undefined) {
        const inclusion: AnchorInclusion = {
          txHash: anchor.txHash,
          blockNumber: anchor.blockNumber,
          blockHash: anchor.blockHash,
          blockTime: anchor.blockTime,
          logIndex: anchor.logIndex,
          adopted: false,
        };
        return this.#move(
          record,
          AnchorState.Mined,
          { inclusion, confirmations: this.#depth(anchor.blockNumber, ctx), lastError: null },
          ctx,
        );
      }
      if (event !== undefined) return record; // receipt from a block just reorganized away: look again
    }
    // Reverted (or no event): the nonce is spent. PENDING asks the contract what happened —
    // anchored by someone else (adopt), or a reason that fails the request.
    return this.#backToPending(
      record,
      new ChainError(ChainErrorCode.Reverted, `transaction ${receipt.transactionHash} reverted`),
      ctx,
    );
  }

  // ---- MINED / CONFIRMED ----

  async #followIncluded(record: AnchorRecord, ctx: TickContext): Promise<AnchorRecord> {
    const inclusion = record.inclusion;
    const block = inclusion === null ? null : await this.#block(inclusion.blockNumber, ctx);
    if (inclusion === null || block === null || block.hash.toLowerCase() !== inclusion.blockHash) {
      // Reorganized away. Our own transaction goes out again with its nonce; an adopted anchor
      // is looked up afresh.
      const back =
        record.attempts.length > 0 && record.nonce !== null ? AnchorState.Submitted : AnchorState.Pending;
      return this.#move(
        record,
        back,
        {
          inclusion: null,
          confirmations: 0,
          lastError: this.#problem(
            new ChainError(
              ChainErrorCode.Reorganized,
              `block ${inclusion?.blockNumber ?? '?'} left the canonical chain`,
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

  /** Back to PENDING with the nonce released: the next tick asks the contract, then submits afresh. */
  #backToPending(record: AnchorRecord, error: ChainError, ctx: TickContext): Promise<AnchorRecord> {
    return this.#move(
      record,
      AnchorState.Pending,
      { nonce: null, attempts: [], lastError: this.#problem(error) },
      ctx,
    );
  }

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

  /** Writes a retryable problem onto the stored record (only when it changes, to spare the store). */
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

  #depth(blockNumber: number, ctx: TickContext): number {
    return Math.max(0, ctx.headNumber - blockNumber + 1);
  }

  async #block(number: number, ctx: TickContext): Promise<RpcBlock | null> {
    if (!ctx.blocks.has(number)) ctx.blocks.set(number, await this.reader.blockByNumber(number));
    return ctx.blocks.get(number) ?? null;
  }

  async #ownAddress(): Promise<string> {
    this.#address ??= getAddress(await this.#signer.getAddress()).toLowerCase();
    return this.#address;
  }

  async #refreshNonce(ctx: TickContext): Promise<void> {
    const address = await this.#ownAddress();
    ctx.latestNonce = fromQuantity(
      await this.reader.rpc.request<string>('eth_getTransactionCount', [address, 'latest']),
    );
  }

  async #networkFees(ctx: TickContext): Promise<NetworkFees> {
    if (ctx.network === undefined) {
      const suggested = BigInt(await this.reader.rpc.request<string>('eth_maxPriorityFeePerGas', []));
      ctx.network = {
        baseFeePerGas: BigInt(ctx.head.baseFeePerGas ?? '0x0'),
        priorityFeePerGas: suggested > this.#minPriorityFeePerGas ? suggested : this.#minPriorityFeePerGas,
      };
    }
    return ctx.network;
  }

  async #sign(
    record: AnchorRecord,
    nonce: number,
    gasLimit: bigint,
    fees: Eip1559Fees,
  ): Promise<AnchorAttempt> {
    const rawTransaction = await this.#signer.signTransaction({
      type: 2,
      chainId: BigInt(this.reader.chainId),
      nonce,
      to: this.reader.contractAddress,
      data: encodeAnchorCall(record.root, record.batchCid, record.sequence),
      value: 0n,
      gasLimit,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    return {
      txHash: Transaction.from(rawTransaction).hash!.toLowerCase(),
      rawTransaction,
      fees: {
        maxFeePerGas: fees.maxFeePerGas.toString(),
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
        gasLimit: gasLimit.toString(),
      },
      submittedAt: this.#now().toISOString(),
    };
  }

  async #broadcast(rawTransaction: string): Promise<BroadcastOutcome> {
    try {
      await this.reader.rpc.request<string>('eth_sendRawTransaction', [rawTransaction]);
      return { kind: 'accepted' };
    } catch (error) {
      if (!(error instanceof RpcResponseError)) {
        const cause =
          error instanceof ChainError ? error : new ChainError(ChainErrorCode.RpcError, String(error));
        return { kind: 'unknown', error: cause };
      }
      const message = error.message;
      if (/already known|known transaction|already imported|already exists/i.test(message))
        return { kind: 'accepted' };
      if (/nonce too low|nonce has already been used|already been used/i.test(message)) {
        return {
          kind: 'rejected',
          error: new ChainError(ChainErrorCode.NonceConsumed, message, { cause: error }),
        };
      }
      if (/insufficient funds/i.test(message)) {
        return {
          kind: 'rejected',
          error: new ChainError(ChainErrorCode.InsufficientFunds, message, { cause: error }),
        };
      }
      return { kind: 'rejected', error: new ChainError(ChainErrorCode.Rejected, message, { cause: error }) };
    }
  }

  /**
   * Maps a failed simulation to a reason that fails the request, 'already-anchored' for a race
   * the next tick resolves, or undefined for errors that are not reverts (retry).
   */
  #revertFailure(error: unknown): ChainError | 'already-anchored' | undefined {
    if (!(error instanceof RpcResponseError)) return undefined;
    const revert = decodeAnchorRevert(error.data);
    if (revert === undefined) {
      // Code 3 is "execution reverted" with data we could not decode: still a revert.
      return error.rpcCode === 3
        ? new ChainError(ChainErrorCode.Reverted, error.message, { cause: error })
        : undefined;
    }
    switch (revert.name) {
      case 'AlreadyAnchored':
        return 'already-anchored';
      case 'NotSubmitter':
        return new ChainError(
          ChainErrorCode.NotSubmitter,
          `${String(revert.args[0])} may not anchor on ${this.reader.contractAddress}`,
        );
      case 'ZeroRoot':
      case 'EmptyBatchCid':
      case 'BatchCidTooLong':
        return new ChainError(
          ChainErrorCode.InvalidRequest,
          `the contract refused the request: ${revert.name}`,
        );
      default:
        return new ChainError(ChainErrorCode.Reverted, `the contract refused the request: ${revert.name}`);
    }
  }
}

function feesOf(attempt: AnchorAttempt): Eip1559Fees {
  return {
    maxFeePerGas: BigInt(attempt.fees.maxFeePerGas ?? '0'),
    maxPriorityFeePerGas: BigInt(attempt.fees.maxPriorityFeePerGas ?? '0'),
  };
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
