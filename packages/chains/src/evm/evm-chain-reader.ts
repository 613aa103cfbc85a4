/**
 * The read side of an EVM chain (ChainReader): head, confirmations and the `Anchored` events of
 * the configured anchor contract, read page by page and checked against the canonical chain.
 */
import { getAddress } from 'ethers';
import type { ChainAnchor, ChainAnchorPage, ChainHead, ChainReader } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import {
  ANCHORED_TOPIC,
  anchorContractInterface,
  decodeAnchoredLog,
  sequenceTopic,
} from './anchor-contract.ts';
import type { AnchoredEvent } from './anchor-contract.ts';
import { JsonRpcPool } from './json-rpc-pool.ts';
import { fromQuantity, toQuantity } from './rpc-types.ts';
import type { RpcBlock, RpcLog } from './rpc-types.ts';

export interface EvmChainReaderOptions {
  /** Tried in order; a failing endpoint is skipped (see JsonRpcPool). */
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  readonly contractAddress: string;
  /** Block of the contract's deployment: nothing before it is read. Default 0. */
  readonly deployBlock?: number | undefined;
  /** Blocks per eth_getLogs call; keeps every answer small. Default 2,000. */
  readonly logPageBlocks?: number | undefined;
  readonly rpcTimeoutMs?: number | undefined;
  /** Store/proof key of the chain; default `evm:<chainId>`. */
  readonly id?: string;
}

const READ_RETRIES_ON_REORG = 3;

export class EvmChainReader implements ChainReader {
  readonly id: string;
  readonly chainId: number;
  readonly contractAddress: string;
  readonly deployBlock: number;
  readonly rpc: JsonRpcPool;
  readonly #logPageBlocks: number;
  #checked: Promise<void> | undefined;

  constructor(options: EvmChainReaderOptions) {
    if (!Number.isSafeInteger(options.chainId) || options.chainId <= 0) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `chainId: expected a positive integer, got ${options.chainId}`,
      );
    }
    try {
      this.contractAddress = getAddress(options.contractAddress).toLowerCase();
    } catch (cause) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `contractAddress: not an address: ${options.contractAddress}`,
        {
          cause,
        },
      );
    }
    this.deployBlock = positiveOrZero(options.deployBlock ?? 0, 'deployBlock');
    this.#logPageBlocks = positiveOrZero(options.logPageBlocks ?? 2_000, 'logPageBlocks');
    if (this.#logPageBlocks === 0)
      throw new ChainError(ChainErrorCode.BadConfig, 'logPageBlocks: must be > 0');
    this.chainId = options.chainId;
    this.id = options.id ?? `evm:${options.chainId}`;
    this.rpc = new JsonRpcPool({ urls: options.rpcUrls, timeoutMs: options.rpcTimeoutMs });
  }

  /** Checks once that the endpoints serve the configured chain and that the contract exists. */
  ensureReady(): Promise<void> {
    this.#checked ??= this.#check().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    return this.#checked;
  }

  async head(): Promise<ChainHead> {
    const block = await this.latestBlock();
    return { number: fromQuantity(block.number), hash: block.hash.toLowerCase(), time: blockTime(block) };
  }

  async latestBlock(): Promise<RpcBlock> {
    await this.ensureReady();
    const block = await this.rpc.request<RpcBlock | null>('eth_getBlockByNumber', ['latest', false]);
    if (block === null) throw new ChainError(ChainErrorCode.RpcError, 'node returned no latest block');
    return block;
  }

  /** The canonical block at `number`, or null above the head. */
  async blockByNumber(number: number): Promise<RpcBlock | null> {
    await this.ensureReady();
    return this.rpc.request<RpcBlock | null>('eth_getBlockByNumber', [toQuantity(number), false]);
  }

  async confirmations(blockNumber: number, blockHash?: string): Promise<number> {
    const head = await this.head();
    if (blockNumber > head.number) return 0;
    if (blockHash !== undefined) {
      const block = await this.blockByNumber(blockNumber);
      if (block === null || block.hash.toLowerCase() !== blockHash.toLowerCase()) return 0;
    }
    return head.number - blockNumber + 1;
  }

  async *readAnchors(fromBlock: number, toBlock: number): AsyncGenerator<ChainAnchorPage> {
    positiveOrZero(fromBlock, 'fromBlock', ChainErrorCode.InvalidRequest);
    positiveOrZero(toBlock, 'toBlock', ChainErrorCode.InvalidRequest);
    if (fromBlock > toBlock)
      throw new ChainError(ChainErrorCode.InvalidRequest, `fromBlock ${fromBlock} > toBlock ${toBlock}`);
    const end = Math.min(toBlock, (await this.head()).number);
    for (let start = Math.max(fromBlock, 0); start <= end; start += this.#logPageBlocks) {
      const pageEnd = Math.min(start + this.#logPageBlocks - 1, end);
      yield { fromBlock: start, toBlock: pageEnd, anchors: await this.#readPage(start, pageEnd) };
    }
  }

  /** The root anchored for `sequence` (64 hex), or undefined while the sequence is free. */
  async anchoredRoot(sequence: number): Promise<string | undefined> {
    await this.ensureReady();
    const data = anchorContractInterface.encodeFunctionData('anchoredRoot', [sequence]);
    const result = await this.rpc.request<string>('eth_call', [{ to: this.contractAddress, data }, 'latest']);
    const [root] = anchorContractInterface.decodeFunctionResult('anchoredRoot', result) as unknown as [
      string,
    ];
    const hex = root.slice(2).toLowerCase();
    return /^0+$/.test(hex) ? undefined : hex;
  }

  /**
   * The canonical `Anchored` event of `sequence`, searched from the head back to the deploy block
   * (an anchor being adopted is almost always recent, so this usually takes one page).
   */
  async findAnchor(sequence: number): Promise<ChainAnchor | undefined> {
    const head = await this.head();
    for (let end = head.number; end >= this.deployBlock; end -= this.#logPageBlocks) {
      const start = Math.max(this.deployBlock, end - this.#logPageBlocks + 1);
      const anchors = await this.#readPage(start, end, sequenceTopic(sequence));
      const found = anchors.find((a) => a.sequence === sequence);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Completes an event with its block time, checking that its block is canonical. */
  async toChainAnchor(
    event: AnchoredEvent,
    blocks = new Map<number, RpcBlock | null>(),
  ): Promise<ChainAnchor | undefined> {
    let block = blocks.get(event.blockNumber);
    if (block === undefined) {
      block = await this.blockByNumber(event.blockNumber);
      blocks.set(event.blockNumber, block);
    }
    if (block === null || block.hash.toLowerCase() !== event.blockHash) return undefined;
    return { ...event, blockTime: blockTime(block) };
  }

  async #readPage(fromBlock: number, toBlock: number, sequence?: string): Promise<ChainAnchor[]> {
    for (let attempt = 0; attempt < READ_RETRIES_ON_REORG; attempt++) {
      const logs = await this.rpc.request<RpcLog[]>('eth_getLogs', [
        {
          address: this.contractAddress,
          topics: sequence === undefined ? [ANCHORED_TOPIC] : [ANCHORED_TOPIC, null, sequence],
          fromBlock: toQuantity(fromBlock),
          toBlock: toQuantity(toBlock),
        },
      ]);
      const blocks = new Map<number, RpcBlock | null>();
      const anchors: ChainAnchor[] = [];
      let consistent = true;
      for (const log of logs) {
        // The node filtered by address already; a wrong answer must still not become an anchor.
        if (log.address.toLowerCase() !== this.contractAddress || log.removed === true) continue;
        const event = decodeAnchoredLog(log);
        if (event === undefined) continue;
        const anchor = await this.toChainAnchor(event, blocks);
        if (anchor === undefined) {
          consistent = false; // its block left the canonical chain while we read: read again
          break;
        }
        anchors.push(anchor);
      }
      if (consistent) return anchors.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
    }
    throw new ChainError(
      ChainErrorCode.Reorganized,
      `blocks ${fromBlock}-${toBlock} kept changing while being read`,
    );
  }

  async #check(): Promise<void> {
    const chainId = await this.rpc.request<string>('eth_chainId', []);
    if (Number(BigInt(chainId)) !== this.chainId) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `RPC serves chain ${Number(BigInt(chainId))}, configured ${this.chainId}`,
      );
    }
    const code = await this.rpc.request<string>('eth_getCode', [this.contractAddress, 'latest']);
    if (code === '0x' || code === '') {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `no contract at ${this.contractAddress} on chain ${this.chainId}`,
      );
    }
  }
}

export function blockTime(block: RpcBlock): string {
  return new Date(fromQuantity(block.timestamp) * 1000).toISOString();
}

function positiveOrZero(
  value: number,
  name: string,
  code: typeof ChainErrorCode.BadConfig | typeof ChainErrorCode.InvalidRequest = ChainErrorCode.BadConfig,
): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new ChainError(code, `${name}: expected an integer >= 0, got ${value}`);
  return value;
}
