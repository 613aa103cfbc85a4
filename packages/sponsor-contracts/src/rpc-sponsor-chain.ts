/**
 * The sponsor's chain checks over JSON-RPC (the SponsorChain port of @anchorpost/sponsor-core,
 * implemented structurally: an adapter may not depend on a core package). A node's refusal — a
 * revert in eth_call or eth_estimateGas — is an answer with the decoded reason; a node that cannot
 * be reached is thrown as the pool's ChainError.
 */
import { ChainErrorCode, RpcResponseError } from '@anchorpost/chains';
import type { JsonRpcPool } from '@anchorpost/chains';
import { anchorpostForwarderInterface, decodeSponsorRevert } from './contracts.ts';

export interface ForwardRequestFields {
  readonly from: string;
  readonly to: string;
  readonly value: bigint;
  readonly gas: bigint;
  readonly deadline: bigint;
  readonly data: string;
  readonly signature: string;
}

export interface TransactionFields {
  readonly to: string;
  readonly data: string;
  readonly value: bigint;
}

type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

function quantity(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** The node's refusal, named by the contract's custom error when it is one of ours. */
function refusal(error: RpcResponseError): string {
  const revert = decodeSponsorRevert(error.data);
  return revert === undefined ? error.message : `${revert.name}(${revert.args.map(String).join(', ')})`;
}

function isRefusal(error: unknown): error is RpcResponseError {
  return error instanceof RpcResponseError && error.code === ChainErrorCode.RpcError;
}

export class RpcSponsorChain {
  readonly #rpc: JsonRpcPool;

  constructor(rpc: JsonRpcPool) {
    this.#rpc = rpc;
  }

  async verifyForwardRequest(forwarder: string, request: ForwardRequestFields): Promise<boolean> {
    const data = anchorpostForwarderInterface.encodeFunctionData('verify', [request]);
    const result = await this.#rpc.request<string>('eth_call', [{ to: forwarder, data }, 'latest']);
    return anchorpostForwarderInterface.decodeFunctionResult('verify', result)[0] as boolean;
  }

  async call(from: string, transaction: TransactionFields): Promise<Verdict> {
    try {
      await this.#rpc.request<string>('eth_call', [this.#call(from, transaction), 'latest']);
      return { ok: true };
    } catch (error) {
      if (isRefusal(error)) return { ok: false, reason: refusal(error) };
      throw error;
    }
  }

  async estimateGas(
    from: string,
    transaction: TransactionFields,
  ): Promise<{ readonly ok: true; readonly gas: bigint } | { readonly ok: false; readonly reason: string }> {
    try {
      const gas = await this.#rpc.request<string>('eth_estimateGas', [this.#call(from, transaction)]);
      return { ok: true, gas: BigInt(gas) };
    } catch (error) {
      if (isRefusal(error)) return { ok: false, reason: refusal(error) };
      throw error;
    }
  }

  /** Twice the latest base fee plus the node's suggested tip: room for the base fee to rise. */
  async maxFeePerGas(): Promise<bigint> {
    const [block, tip] = await Promise.all([
      this.#rpc.request<{ baseFeePerGas?: string }>('eth_getBlockByNumber', ['latest', false]),
      this.#rpc.request<string>('eth_maxPriorityFeePerGas', []),
    ]);
    return BigInt(block.baseFeePerGas ?? '0x0') * 2n + BigInt(tip);
  }

  #call(from: string, transaction: TransactionFields): Record<string, string> {
    return { from, to: transaction.to, data: transaction.data, value: quantity(transaction.value) };
  }
}
