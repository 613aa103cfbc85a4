/**
 * The anchoring engine's driver for Ergo, with the marker-token chain of ADR 0012.
 * - The chain is asked first (the node's index of the marker's boxes) whether a sequence is taken.
 * - A transaction spends the current anchor box (the tip) and creates the next one, so
 *   transactions in flight chain on each other: the tip is the box our newest transaction in
 *   flight creates, else the node's unspent marker box.
 * - Following: in a block (node index) → included; in the mempool, or in a block the index has
 *   not reached → wait; unknown to the node (dropped, crash before broadcast, rolled back) → the
 *   very same transaction again; if the node refuses it, its input is gone for good → lost, and
 *   the next submission works the tip out afresh.
 * The token exists once, so two anchoring transactions can never both spend the same anchor box:
 * whatever happens, the anchor chain on Ergo stays one line.
 */
import type { AnchorAttempt, AnchorRecord } from '../anchor-request.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type * as driver from '../engine/anchor-driver.ts';
import { holdsMarker } from './anchor-box.ts';
import { buildAnchorTransaction } from './anchor-transaction.ts';
import { isoTime } from './ergo-chain-reader.ts';
import type { ErgoChainReader } from './ergo-chain-reader.ts';
import { parseErgoJson, toBigInt } from './ergo-json.ts';
import type { ErgoWallet } from './ergo-wallet.ts';
import type { ErgoBoxJson, ErgoHeader, ErgoTransactionJson } from './node-types.ts';

export interface ErgoDriverOptions {
  readonly reader: ErgoChainReader;
  /** Signs anchoring transactions; must hold the marker token (its address guards the anchor box). */
  readonly wallet: ErgoWallet;
  /** Miner's fee per anchoring transaction, nanoERG. Default 1,100,000 (0.0011 ERG, ergo-lib's suggestion). */
  readonly fee?: bigint;
  /** When the anchor box's float is below this, token-free wallet boxes are spent into it. Default 0.05 ERG. */
  readonly topUpBelow?: bigint;
  readonly now?: () => Date;
}

export interface ErgoTick extends driver.DriverTick {
  /** The last 10 headers, for signing; read once per tick when something is sent. */
  lastHeaders: ErgoHeader[] | undefined;
  /** The anchor box the next transaction spends (undefined: not known yet this tick). */
  tip: ErgoBoxJson | undefined;
  /** Our newest transaction in flight or included: its anchor box is the tip, if still unspent. */
  newest: AnchorAttempt | undefined;
  /** Wallet boxes spent by transactions of ours in flight: never offered as top-ups. */
  readonly spentByUs: Set<string>;
}

export class ErgoDriver implements driver.AnchorDriver<ErgoTick> {
  readonly #reader: ErgoChainReader;
  readonly #wallet: ErgoWallet;
  readonly #fee: bigint;
  readonly #topUpBelow: bigint;
  readonly #now: () => Date;

  constructor(options: ErgoDriverOptions) {
    if (options.wallet.network !== options.reader.network) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `the wallet is for ${options.wallet.network}, the chain is ${options.reader.network}`,
      );
    }
    this.#reader = options.reader;
    this.#wallet = options.wallet;
    this.#fee = options.fee ?? 1_100_000n;
    if (this.#fee < 0n) throw new ChainError(ChainErrorCode.BadConfig, 'fee: expected >= 0');
    this.#topUpBelow = options.topUpBelow ?? 50_000_000n;
    this.#now = options.now ?? (() => new Date());
  }

  async beginTick(): Promise<ErgoTick> {
    const head = await this.#reader.head();
    return {
      headNumber: head.number,
      lastHeaders: undefined,
      tip: undefined,
      newest: undefined,
      spentByUs: new Set(),
    };
  }

  holds(record: AnchorRecord, tick: ErgoTick): void {
    const attempt = record.attempts.at(-1);
    if (attempt === undefined) return;
    for (const input of signedTransaction(attempt).inputs) tick.spentByUs.add(input.boxId);
    tick.newest = attempt;
  }

  findAnchor(record: AnchorRecord): Promise<ChainAnchor | undefined> {
    return this.#reader.findAnchor(record.sequence);
  }

  async sign(record: AnchorRecord, tick: ErgoTick): Promise<driver.SignOutcome> {
    const [wallet, fee, tokenId] = [this.#wallet, this.#fee, this.#reader.tokenId];
    tick.tip ??= await this.#findTip(tick.newest);
    const tip = tick.tip;
    if (tip === undefined) {
      const error = new ChainError(
        ChainErrorCode.RpcError,
        `no unspent box holds the marker token ${tokenId}`,
      );
      return { kind: 'blocked', error };
    }
    const topUp = toBigInt(tip.value) < this.#topUpBelow ? await this.#topUpBoxes(tick) : [];
    tick.lastHeaders ??= await this.#reader.client.lastHeaders(10);
    const height = tick.headNumber;
    const built = buildAnchorTransaction({
      wallet,
      tokenId,
      anchorBox: tip,
      topUp,
      request: record,
      height,
      fee,
    });
    const signed = wallet.sign(built.unsigned, built.inputs, tick.lastHeaders);
    for (const input of built.inputs) tick.spentByUs.add(input.boxId);
    const attempt: AnchorAttempt = {
      txHash: signed.txId,
      rawTransaction: signed.json,
      fees: { fee: fee.toString() },
      submittedAt: this.#now().toISOString(),
    };
    return { kind: 'signed', attempt, nonce: null };
  }

  async broadcast(
    attempt: AnchorAttempt,
    purpose: driver.BroadcastPurpose,
    tick: ErgoTick,
  ): Promise<driver.BroadcastOutcome> {
    const refused = await this.#submit(attempt);
    if (refused !== undefined) {
      // Not in any mempool: the tip is worked out afresh, and nothing more goes out on it this tick.
      tick.tip = undefined;
      return { kind: 'refused', error: refused, stopSubmitting: true };
    }
    if (purpose === 'first') tick.tip = createdAnchorBox(attempt, this.#reader.tokenId);
    return { kind: 'accepted' };
  }

  async follow(record: AnchorRecord, tick: ErgoTick): Promise<driver.FollowOutcome> {
    const client = this.#reader.client;
    const attempt = record.attempts.at(-1);
    if (attempt === undefined) return { kind: 'lost' };
    const mined = await client.indexedTransaction(attempt.txHash);
    if (mined !== undefined && (await client.bestHeaderIdAt(mined.inclusionHeight)) === mined.blockId) {
      const inclusion = {
        txHash: attempt.txHash,
        blockNumber: mined.inclusionHeight,
        blockHash: mined.blockId,
        blockTime: isoTime(mined.timestamp),
        logIndex: mined.index,
      };
      return { kind: 'included', inclusion };
    }
    if ((await client.unconfirmedTransaction(attempt.txHash)) !== undefined) return { kind: 'waiting' };
    // Not in the pool and not indexed: it may be in a block the index has not reached yet (a
    // node's index trails the chain). Wait for the index rather than call it lost.
    const index = await client.indexedHeight();
    if (index !== undefined && index.indexedHeight < index.fullHeight) return { kind: 'waiting' };
    // Unknown to the node: dropped, never sent (crash), or returned by a rollback. Send it again.
    const refused = await this.#submit(attempt);
    if (refused === undefined) return { kind: 'waiting' };
    // Its input is spent or gone: this transaction can never be mined. Build anew on the tip.
    tick.tip = undefined;
    return { kind: 'lost', error: refused };
  }

  blockHash(blockNumber: number): Promise<string | undefined> {
    return this.#reader.client.bestHeaderIdAt(blockNumber);
  }

  /** The node's refusal, or undefined when it took the transaction (or had it already). */
  async #submit(attempt: AnchorAttempt): Promise<ChainError | undefined> {
    try {
      await this.#reader.client.submitTransaction(attempt.rawTransaction);
      return undefined;
    } catch (error) {
      if (error instanceof ChainError && error.code === ChainErrorCode.Rejected) return error;
      throw error;
    }
  }

  /**
   * The box holding the marker now: the one our newest transaction in flight creates, or else the
   * node's unspent marker box — in both cases only if the node (mempool included) has it unspent.
   */
  async #findTip(newest: AnchorAttempt | undefined): Promise<ErgoBoxJson | undefined> {
    const { client, tokenId } = this.#reader;
    const created = newest === undefined ? undefined : createdAnchorBox(newest, tokenId);
    if (created !== undefined && (await client.utxoWithPool(created.boxId)) !== undefined) return created;
    for (const box of await client.unspentBoxesByTokenId(tokenId)) {
      if (!holdsMarker(box, tokenId)) continue;
      const unspent = await client.utxoWithPool(box.boxId);
      if (unspent !== undefined) return unspent;
    }
    return undefined;
  }

  async #topUpBoxes(tick: ErgoTick): Promise<ErgoBoxJson[]> {
    const boxes = await this.#reader.client.unspentBoxesByAddress(this.#wallet.address);
    return boxes.filter((box) => box.assets.length === 0 && !tick.spentByUs.has(box.boxId));
  }
}

function signedTransaction(attempt: AnchorAttempt): ErgoTransactionJson {
  return parseErgoJson(attempt.rawTransaction) as ErgoTransactionJson;
}

/** The anchor box a signed anchoring transaction of ours creates (output 0). */
function createdAnchorBox(attempt: AnchorAttempt, tokenId: string): ErgoBoxJson | undefined {
  const output = signedTransaction(attempt).outputs[0];
  return output !== undefined && holdsMarker(output, tokenId) ? output : undefined;
}
