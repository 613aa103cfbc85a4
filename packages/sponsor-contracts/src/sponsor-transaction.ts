/**
 * The sponsor's transactions through the one engine (ADR 0019, ADR 0023): an accepted
 * sponsorship becomes a request of a RequestEngine whose EvmDriver sends the reserved transaction
 * — persisted before broadcast, nonce claimed in the record, fee bumps, re-broadcasts, reorgs —
 * and whose body says what a sponsored transaction is:
 * - to, data and gas limit exactly as reserved (no margin: the reservation is the cap), and fees
 *   never above the reserved maxFeePerGas (a bump beyond it waits: FEE_CAP_REACHED);
 * - nothing to find on chain by sequence: only our own attempts put it there;
 * - any receipt is the outcome, reverted or not: a mined revert is charged, never sent again.
 * One engine per sponsor account (its id names the chain and the account), one writer each.
 */
import {
  ChainError,
  ChainErrorCode,
  EvmChainReader,
  EvmDriver,
  RequestEngine,
  newEngineRecord,
} from '@anchorpost/chains';
import type {
  EngineRecord,
  EvmTick,
  EvmTransactionBody,
  FollowOutcome,
  RequestStore,
  TransactionSigner,
} from '@anchorpost/chains';

/** A sponsored transaction to send: the sequence orders one account's transactions. */
export interface SponsorTransactionRequest {
  readonly sequence: number;
  /** The sponsorship's EIP-712 digest: where the receipt is settled. */
  readonly digest: string;
  readonly to: string;
  readonly data: string;
  /** Decimal strings: the record is persisted as JSON. */
  readonly gasLimit: string;
  readonly maxFeePerGas: string;
}

export type SponsorTransactionRecord = EngineRecord<SponsorTransactionRequest>;

interface Block {
  readonly hash: string;
  readonly timestamp: string;
}

interface Receipt {
  readonly transactionHash: string;
  readonly blockNumber: string;
  readonly blockHash: string;
  readonly status: string;
  readonly gasUsed: string;
  readonly effectiveGasPrice?: string;
}

class SponsorTransactionBody implements EvmTransactionBody<SponsorTransactionRecord> {
  readonly #reader: EvmChainReader;

  constructor(reader: EvmChainReader) {
    this.#reader = reader;
  }

  call(record: SponsorTransactionRecord): { to: string; data: string } {
    return { to: record.to, data: record.data };
  }

  gasLimit(record: SponsorTransactionRecord): Promise<bigint> {
    return Promise.resolve(BigInt(record.gasLimit));
  }

  maxFeePerGas(record: SponsorTransactionRecord): bigint {
    return BigInt(record.maxFeePerGas);
  }

  findOnChain(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  async onReceipt(
    _record: SponsorTransactionRecord,
    receipt: Receipt,
    blocks: Map<number, Block | null>,
  ): Promise<FollowOutcome> {
    const blockNumber = Number(BigInt(receipt.blockNumber));
    if (!blocks.has(blockNumber)) blocks.set(blockNumber, await this.#reader.blockByNumber(blockNumber));
    const block = blocks.get(blockNumber);
    // A receipt from a block just reorganized away: look again next tick.
    if (
      block === null ||
      block === undefined ||
      block.hash.toLowerCase() !== receipt.blockHash.toLowerCase()
    ) {
      return { kind: 'waiting' };
    }
    return {
      kind: 'included',
      inclusion: {
        txHash: receipt.transactionHash.toLowerCase(),
        blockNumber,
        blockHash: block.hash.toLowerCase(),
        blockTime: new Date(Number(BigInt(block.timestamp)) * 1000).toISOString(),
        logIndex: 0,
      },
    };
  }
}

export interface SponsorTransactionEngineOptions {
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  /** The forwarder: its code on chain is how the endpoints are checked to serve the right chain. */
  readonly forwarder: string;
  /** The sponsor account that pays. */
  readonly signer: TransactionSigner;
  readonly store: RequestStore<SponsorTransactionRecord>;
  readonly confirmations: number;
  readonly finalityDepth: number;
  readonly replaceAfterMs?: number;
  readonly now?: () => Date;
}

/** What the ledger charges for a mined sponsored transaction, read from its receipt. */
export interface SponsorCharge {
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  /** The outer transaction's status (the user's call may have failed either way). */
  readonly succeeded: boolean;
}

export class SponsorTransactionEngine extends RequestEngine<EvmTick, SponsorTransactionRecord> {
  readonly #reader: EvmChainReader;

  private constructor(reader: EvmChainReader, id: string, options: SponsorTransactionEngineOptions) {
    super({
      id,
      store: options.store,
      driver: new EvmDriver<SponsorTransactionRecord>({
        reader,
        signer: options.signer,
        body: new SponsorTransactionBody(reader),
        ...(options.replaceAfterMs === undefined ? {} : { replaceAfterMs: options.replaceAfterMs }),
        ...(options.now === undefined ? {} : { now: options.now }),
      }),
      confirmations: options.confirmations,
      finalityDepth: options.finalityDepth,
      ...(options.now === undefined ? {} : { now: options.now }),
      // Never called: nothing is found on chain by sequence.
      matchesOnChain: () => false,
    });
    this.#reader = reader;
  }

  static async open(options: SponsorTransactionEngineOptions): Promise<SponsorTransactionEngine> {
    const reader = new EvmChainReader({
      rpcUrls: options.rpcUrls,
      chainId: options.chainId,
      contractAddress: options.forwarder,
    });
    const account = (await options.signer.getAddress()).toLowerCase();
    return new SponsorTransactionEngine(reader, `evm:${options.chainId}:${account}`, options);
  }

  /** Records the transaction PENDING (idempotent per sequence); the next ticks send and follow it. */
  async submit(request: SponsorTransactionRequest): Promise<SponsorTransactionRecord> {
    const stored = await this.create(newEngineRecord(this.id, { ...request }, this.now()));
    if (stored.digest !== request.digest) {
      throw new ChainError(
        ChainErrorCode.Conflict,
        `sequence ${request.sequence} is already taken by sponsorship ${stored.digest}`,
      );
    }
    return stored;
  }

  /** The charge of a MINED (or later) record: gasUsed × effectiveGasPrice of the attempt that was mined. */
  async charge(record: SponsorTransactionRecord): Promise<SponsorCharge> {
    if (record.inclusion === null) {
      throw new ChainError(ChainErrorCode.NotFound, `sequence ${record.sequence} is not mined`);
    }
    const receipt = await this.#reader.rpc.request<Receipt | null>('eth_getTransactionReceipt', [
      record.inclusion.txHash,
    ]);
    if (receipt?.effectiveGasPrice === undefined) {
      throw new ChainError(
        ChainErrorCode.RpcError,
        `no receipt with a gas price for ${record.inclusion.txHash}`,
      );
    }
    return {
      txHash: record.inclusion.txHash,
      gasUsed: BigInt(receipt.gasUsed),
      effectiveGasPrice: BigInt(receipt.effectiveGasPrice),
      succeeded: receipt.status === '0x1',
    };
  }
}
