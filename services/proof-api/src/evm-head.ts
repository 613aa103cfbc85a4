/**
 * The current head of the served EVM chain, for counting proofs' confirmations. The endpoints are
 * checked once to serve the configured chain id; a read is reused for `cacheMs` so a burst of
 * proof requests costs one RPC call.
 */
import { ChainError, ChainErrorCode, JsonRpcPool } from '@anchorpost/chains';

export interface EvmHeadOptions {
  readonly rpcUrls: readonly string[];
  readonly chainId: number;
  readonly rpcTimeoutMs?: number;
  readonly cacheMs: number;
}

export class EvmHead {
  readonly chainId: string;
  readonly #expectedChainId: number;
  readonly #rpc: JsonRpcPool;
  readonly #cacheMs: number;
  #checked: Promise<void> | undefined;
  #cached: { at: number; head: Promise<number> } | undefined;

  constructor(options: EvmHeadOptions) {
    this.#expectedChainId = options.chainId;
    this.chainId = String(options.chainId);
    this.#rpc = new JsonRpcPool({
      urls: options.rpcUrls,
      ...(options.rpcTimeoutMs === undefined ? {} : { timeoutMs: options.rpcTimeoutMs }),
    });
    this.#cacheMs = options.cacheMs;
  }

  /** The head block number, at most `cacheMs` old. */
  current(): Promise<number> {
    const now = Date.now();
    if (this.#cached !== undefined && now - this.#cached.at < this.#cacheMs) return this.#cached.head;
    const head = this.read();
    this.#cached = { at: now, head };
    // A failed read is not reused.
    head.catch(() => {
      if (this.#cached?.head === head) this.#cached = undefined;
    });
    return head;
  }

  /** A fresh read (readiness). */
  async read(): Promise<number> {
    this.#checked ??= this.#check().catch((error: unknown) => {
      this.#checked = undefined;
      throw error;
    });
    await this.#checked;
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
