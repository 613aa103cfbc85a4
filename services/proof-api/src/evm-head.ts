/**
 * The current head of the served EVM chain, for counting proofs' confirmations; the endpoints
 * must serve the configured chain id (checked once, see CachedHead).
 */
import { ChainError, ChainErrorCode, JsonRpcPool } from '@anchorpost/chains';
import { CachedHead } from './cached-head.ts';

export interface EvmHeadOptions {
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  readonly rpcTimeoutMs?: number | undefined;
  readonly cacheMs: number;
}

export class EvmHead {
  readonly chainId: string;
  readonly #expectedChainId: number;
  readonly #rpc: JsonRpcPool;
  readonly #head: CachedHead;

  constructor(options: EvmHeadOptions) {
    this.#expectedChainId = options.chainId;
    this.chainId = String(options.chainId);
    this.#rpc = new JsonRpcPool({ urls: options.rpcUrls, timeoutMs: options.rpcTimeoutMs });
    this.#head = new CachedHead(
      () => this.#check(),
      () => this.#blockNumber(),
      options.cacheMs,
    );
  }

  /** The head block number, at most `cacheMs` old. */
  current(): Promise<number> {
    return this.#head.current();
  }

  /** A fresh read (readiness). */
  read(): Promise<number> {
    return this.#head.read();
  }

  async #blockNumber(): Promise<number> {
    const quantity = await this.#rpc.request<string>('eth_blockNumber', []);
    const head = /^0x[0-9a-f]{1,16}$/i.test(quantity) ? Number(BigInt(quantity)) : Number.NaN;
    if (!Number.isSafeInteger(head)) {
      throw new ChainError(ChainErrorCode.RpcError, `eth_blockNumber answered ${JSON.stringify(quantity)}`);
    }
    return head;
  }

  async #check(): Promise<void> {
    const served = Number(BigInt(await this.#rpc.request<string>('eth_chainId', [])));
    if (served !== this.#expectedChainId) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `RPC serves chain ${served}, configured ${this.#expectedChainId}`,
      );
    }
  }
}
