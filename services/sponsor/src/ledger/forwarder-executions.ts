/**
 * The forwarder's `ExecutedForwardRequest` events, read from the chain's RPC block range by block
 * range up to `finalityDepth` below the head (a reorg cannot take them back), each with the account
 * that sent its transaction. The cursor is kept in memory: a restart reads from `fromBlock` again.
 */
import type { JsonRpcPool } from '@anchorpost/chains';
import { anchorpostForwarderInterface as forwarder } from '@anchorpost/sponsor-contracts';
import type { ForwardedExecution } from '@anchorpost/sponsor-core';

const EXECUTED = forwarder.getEvent('ExecutedForwardRequest')!;
/** Blocks per `eth_getLogs`: within what public RPC providers allow. */
const RANGE = 2_000;

interface RpcLog {
  readonly transactionHash: string;
  readonly blockNumber: string;
  readonly topics: readonly string[];
  readonly data: string;
}

export class ForwarderExecutions {
  readonly #rpc: Pick<JsonRpcPool, 'request'>;
  readonly #forwarder: string;
  readonly #finalityDepth: number;
  readonly #found: ForwardedExecution[] = [];
  #next: number;

  constructor(options: {
    readonly rpc: Pick<JsonRpcPool, 'request'>;
    readonly forwarder: string;
    readonly fromBlock: number;
    readonly finalityDepth: number;
  }) {
    this.#rpc = options.rpc;
    this.#forwarder = options.forwarder;
    this.#finalityDepth = options.finalityDepth;
    this.#next = options.fromBlock;
  }

  /** Every execution from `fromBlock` to the last final block, reading only the blocks not read yet. */
  async read(): Promise<readonly ForwardedExecution[]> {
    const head = Number(await this.#rpc.request<string>('eth_blockNumber', []));
    const last = head - this.#finalityDepth;
    while (this.#next <= last) {
      const to = Math.min(last, this.#next + RANGE - 1);
      const logs = await this.#rpc.request<RpcLog[]>('eth_getLogs', [
        {
          address: this.#forwarder,
          topics: [EXECUTED.topicHash],
          fromBlock: `0x${this.#next.toString(16)}`,
          toBlock: `0x${to.toString(16)}`,
        },
      ]);
      for (const log of logs) this.#found.push(await this.#execution(log));
      this.#next = to + 1;
    }
    return this.#found;
  }

  async #execution(log: RpcLog): Promise<ForwardedExecution> {
    const tx = await this.#rpc.request<{ from: string } | null>('eth_getTransactionByHash', [
      log.transactionHash,
    ]);
    if (tx === null) throw new Error(`the node has no transaction ${log.transactionHash} of a final log`);
    const decoded = forwarder.decodeEventLog(EXECUTED, log.data, log.topics);
    return {
      txHash: log.transactionHash.toLowerCase(),
      blockNumber: Number(log.blockNumber),
      account: tx.from,
      signer: String(decoded.getValue('signer')),
    };
  }
}
