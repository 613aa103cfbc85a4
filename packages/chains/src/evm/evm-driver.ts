/**
 * The engine's driver for an EVM chain, for any request whose transaction a body describes
 * (evm-transaction-body.ts: the anchor contract's, or the sponsor's).
 * - What the chain already holds, the gas limit and what a receipt means are the body's.
 * - Nonces: the lowest nonce ≥ the account's latest one not held by a request in flight; a
 *   refused transaction gives its nonce back.
 * - Following: a receipt for any attempt → included; nonce used by someone else → lost. Not mined
 *   after `replaceAfterMs` → a replacement with the same nonce and fees +12.5% or more (up to the
 *   cap). A transaction the node does not know (dropped, crash before broadcast, reorg) is sent
 *   again.
 */
import { Transaction, getAddress } from 'ethers';
import type { AnchorAttempt, AnchorRecord, EngineRecord } from '../anchor-request.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type * as driver from '../engine/anchor-driver.ts';
import { atLeast } from '../engine/anchor-policy.ts';
import type { EvmChainReader } from './evm-chain-reader.ts';
import { broadcastRefusal } from './evm-node-errors.ts';
import type { EvmTransactionBody } from './evm-transaction-body.ts';
import { bumpedFees, initialFees } from './fee-policy.ts';
import type { Eip1559Fees, NetworkFees } from './fee-policy.ts';
import { RpcResponseError } from './json-rpc-pool.ts';
import { fromQuantity } from './rpc-types.ts';
import type { RpcBlock, RpcReceipt, RpcTransaction } from './rpc-types.ts';
import type { TransactionSigner } from './send-transaction.ts';

export interface EvmDriverOptions<Rec extends EngineRecord = AnchorRecord> {
  readonly reader: EvmChainReader;
  readonly signer: TransactionSigner;
  /** What each request's transaction is. */
  readonly body: EvmTransactionBody<Rec>;
  /** A transaction not mined after this long is replaced with higher fees. Default 3 minutes. */
  readonly replaceAfterMs?: number;
  /** Never offer more than this per gas (wei). Default 500 gwei. */
  readonly maxFeePerGasCap?: bigint;
  /** Tip floor (wei) when the node suggests less. Default 0. */
  readonly minPriorityFeePerGas?: bigint;
  readonly now?: () => Date;
}

/** Per-tick view of the chain and the account, read once and shared by all requests. */
export interface EvmTick extends driver.DriverTick {
  readonly head: RpcBlock;
  /** Account nonce as of the latest block, read before any receipt is looked at. */
  latestNonce: number;
  readonly usedNonces: Set<number>;
  network: NetworkFees | undefined;
  readonly blocks: Map<number, RpcBlock | null>;
}

/** Codes of a refused replacement (noted on the request), which counts as a try. */
const REFUSALS: ReadonlySet<string> = new Set([ChainErrorCode.Rejected, ChainErrorCode.InsufficientFunds]);

export class EvmDriver<Rec extends EngineRecord = AnchorRecord> implements driver.AnchorDriver<EvmTick, Rec> {
  readonly #reader: EvmChainReader;
  readonly #signer: TransactionSigner;
  readonly #body: EvmTransactionBody<Rec>;
  readonly #replaceAfterMs: number;
  readonly #maxFeePerGasCap: bigint;
  readonly #minPriorityFeePerGas: bigint;
  readonly #now: () => Date;
  #address: string | undefined;

  constructor(options: EvmDriverOptions<Rec>) {
    this.#reader = options.reader;
    this.#signer = options.signer;
    this.#body = options.body;
    this.#replaceAfterMs = atLeast(options.replaceAfterMs ?? 180_000, 0, 'replaceAfterMs');
    this.#maxFeePerGasCap = options.maxFeePerGasCap ?? 500_000_000_000n;
    this.#minPriorityFeePerGas = options.minPriorityFeePerGas ?? 0n;
    this.#now = options.now ?? (() => new Date());
  }

  async beginTick(): Promise<EvmTick> {
    const head = await this.#reader.latestBlock();
    return {
      head,
      headNumber: fromQuantity(head.number),
      latestNonce: await this.#latestNonce(),
      usedNonces: new Set(),
      network: undefined,
      blocks: new Map(),
    };
  }

  holds(record: Rec, tick: EvmTick): void {
    // Mined ones too: tick.latestNonce may predate their block.
    if (record.nonce !== null) tick.usedNonces.add(record.nonce);
  }

  findAnchor(record: Rec): Promise<ChainAnchor | undefined> {
    return this.#body.findOnChain(record);
  }

  async sign(record: Rec, tick: EvmTick): Promise<driver.SignOutcome> {
    const gasLimit = await this.#body.gasLimit(record, await this.#ownAddress());
    if (typeof gasLimit !== 'bigint') return gasLimit;
    const fees = initialFees(await this.#networkFees(tick), this.#feeCap(record));
    let nonce = tick.latestNonce;
    while (tick.usedNonces.has(nonce)) nonce++;
    const attempt = await this.#sign(record, nonce, gasLimit, fees);
    tick.usedNonces.add(nonce);
    return { kind: 'signed', attempt, nonce };
  }

  async broadcast(
    attempt: AnchorAttempt,
    purpose: driver.BroadcastPurpose,
    tick: EvmTick,
  ): Promise<driver.BroadcastOutcome> {
    const outcome = await this.#broadcast(attempt.rawTransaction);
    if (outcome.kind === 'refused' && purpose === 'first') {
      // Not in any mempool: the nonce is free again (or, taken by another, read afresh).
      tick.usedNonces.delete(Transaction.from(attempt.rawTransaction).nonce);
      if (outcome.error.code === ChainErrorCode.NonceConsumed) tick.latestNonce = await this.#latestNonce();
    }
    return outcome;
  }

  async follow(record: Rec, tick: EvmTick): Promise<driver.FollowOutcome> {
    const nonce = record.nonce;
    const latest = record.attempts.at(-1);
    if (nonce === null || latest === undefined) return { kind: 'lost' };
    for (const attempt of [...record.attempts].reverse()) {
      const receipt = await this.#reader.rpc.request<RpcReceipt | null>('eth_getTransactionReceipt', [
        attempt.txHash,
      ]);
      if (receipt !== null) return this.#body.onReceipt(record, receipt, tick.blocks);
    }
    // tick.latestNonce was read before these receipts: a nonce used by then with no receipt of
    // ours means another transaction took it, and none of our attempts can ever be mined.
    if (tick.latestNonce > nonce) {
      const taken = `nonce ${nonce} was used by a transaction that is not ours`;
      return { kind: 'lost', error: new ChainError(ChainErrorCode.NonceConsumed, taken) };
    }
    let capped = false;
    // A refused replacement counts as a try: wait a full period before the next one.
    const problem = record.lastError;
    const refusedAt = problem !== null && REFUSALS.has(problem.code) ? Date.parse(problem.at) : 0;
    const lastTry = Math.max(Date.parse(latest.submittedAt), refusedAt);
    if (this.#now().getTime() - lastTry >= this.#replaceAfterMs) {
      const fees = bumpedFees(feesOf(latest), await this.#networkFees(tick), this.#feeCap(record));
      if (fees !== undefined) {
        const gasLimit = BigInt(latest.fees.gasLimit ?? '0');
        return { kind: 'replacement', attempt: await this.#sign(record, nonce, gasLimit, fees) };
      }
      capped = true; // at the cap: keep waiting (and keep it broadcast)
    }
    let refused: ChainError | undefined;
    const known = await this.#reader.rpc.request<RpcTransaction | null>('eth_getTransactionByHash', [
      latest.txHash,
    ]);
    if (known === null) {
      // Dropped from the mempool, never broadcast (crash), or returned by a reorg: send it again.
      const outcome = await this.#broadcast(latest.rawTransaction);
      if (outcome.kind === 'refused') refused = outcome.error;
    }
    if (capped) {
      // The cap is the reason, even when the node also refuses the (now underpriced) original.
      throw new ChainError(
        ChainErrorCode.FeeCapReached,
        `nonce ${nonce}: not mined yet and a replacement would exceed maxFeePerGasCap ${this.#feeCap(record)}` +
          (refused === undefined ? '' : `; the node refuses the current offer: ${refused.message}`),
      );
    }
    if (refused !== undefined) throw refused;
    return { kind: 'waiting' };
  }

  async blockHash(blockNumber: number, tick: EvmTick): Promise<string | undefined> {
    if (!tick.blocks.has(blockNumber))
      tick.blocks.set(blockNumber, await this.#reader.blockByNumber(blockNumber));
    return tick.blocks.get(blockNumber)?.hash.toLowerCase();
  }

  /** The driver's cap, or the request's own when lower. */
  #feeCap(record: Rec): bigint {
    const own = this.#body.maxFeePerGas(record);
    return own !== undefined && own < this.#maxFeePerGasCap ? own : this.#maxFeePerGasCap;
  }

  async #ownAddress(): Promise<string> {
    this.#address ??= getAddress(await this.#signer.getAddress()).toLowerCase();
    return this.#address;
  }

  async #latestNonce(): Promise<number> {
    const address = await this.#ownAddress();
    return fromQuantity(
      await this.#reader.rpc.request<string>('eth_getTransactionCount', [address, 'latest']),
    );
  }

  async #networkFees(tick: EvmTick): Promise<NetworkFees> {
    if (tick.network === undefined) {
      const suggested = BigInt(await this.#reader.rpc.request<string>('eth_maxPriorityFeePerGas', []));
      const floor = this.#minPriorityFeePerGas;
      tick.network = {
        baseFeePerGas: BigInt(tick.head.baseFeePerGas ?? '0x0'),
        priorityFeePerGas: suggested > floor ? suggested : floor,
      };
    }
    return tick.network;
  }

  async #sign(record: Rec, nonce: number, gasLimit: bigint, fees: Eip1559Fees): Promise<AnchorAttempt> {
    const rawTransaction = await this.#signer.signTransaction({
      type: 2,
      chainId: BigInt(this.#reader.chainId),
      nonce,
      ...this.#body.call(record),
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

  /** Refused is the node's answer; a transport failure (answer unknown) is thrown. */
  async #broadcast(rawTransaction: string): Promise<driver.BroadcastOutcome> {
    try {
      await this.#reader.rpc.request<string>('eth_sendRawTransaction', [rawTransaction]);
      return { kind: 'accepted' };
    } catch (error) {
      if (!(error instanceof RpcResponseError)) {
        throw error instanceof ChainError ? error : new ChainError(ChainErrorCode.RpcError, String(error));
      }
      const code = broadcastRefusal(error.message);
      if (code === 'known') return { kind: 'accepted' };
      return { kind: 'refused', error: new ChainError(code, error.message, { cause: error }) };
    }
  }
}

function feesOf(attempt: AnchorAttempt): Eip1559Fees {
  return {
    maxFeePerGas: BigInt(attempt.fees.maxFeePerGas ?? '0'),
    maxPriorityFeePerGas: BigInt(attempt.fees.maxPriorityFeePerGas ?? '0'),
  };
}
