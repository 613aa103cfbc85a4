/**
 * What an EVM request's transaction is, apart from how it is sent: EvmDriver signs, nonces, fees,
 * replacements and re-broadcasts for any request; a body says where the transaction goes, with
 * which data and gas limit, what the chain already holds for the request, and what a receipt means.
 * The anchor contract's body is AnchorContractBody (below); the sponsor's is in its own package.
 */
import type { AnchorRecord, EngineRecord } from '../anchor-request.ts';
import type { ChainAnchor } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { FollowOutcome, SignOutcome } from '../engine/anchor-driver.ts';
import { decodeAnchoredLog, encodeAnchorCall } from './anchor-contract.ts';
import type { EvmChainReader } from './evm-chain-reader.ts';
import { simulationVerdict } from './evm-node-errors.ts';
import { RpcResponseError } from './json-rpc-pool.ts';
import { fromQuantity } from './rpc-types.ts';
import type { RpcBlock, RpcReceipt } from './rpc-types.ts';

export interface EvmTransactionBody<Rec extends EngineRecord> {
  /** Where the request's transaction goes and what it calls (value is always 0). */
  call(record: Rec): { readonly to: string; readonly data: string };
  /** The first transaction's gas limit, or why not to sign it now (wait) or ever (failed). */
  gasLimit(record: Rec, from: string): Promise<bigint | Exclude<SignOutcome, { kind: 'signed' | 'blocked' }>>;
  /** A fee cap of this request's own, below the driver's (undefined: the driver's alone). */
  maxFeePerGas(record: Rec): bigint | undefined;
  /** What the chain holds for the request whoever sent it (undefined: nothing, or not knowable). */
  findOnChain(record: Rec): Promise<ChainAnchor | undefined>;
  /** What a receipt of one of the request's attempts means. */
  onReceipt(record: Rec, receipt: RpcReceipt, blocks: Map<number, RpcBlock | null>): Promise<FollowOutcome>;
}

const GAS_MARGIN_PERCENT = 125n;

/** The AnchorpostAnchor contract's `anchor(root, batchCid, sequence)`. */
export class AnchorContractBody implements EvmTransactionBody<AnchorRecord> {
  readonly #reader: EvmChainReader;

  constructor(reader: EvmChainReader) {
    this.#reader = reader;
  }

  call(record: AnchorRecord): { to: string; data: string } {
    return {
      to: this.#reader.contractAddress,
      data: encodeAnchorCall(record.root, record.batchCid, record.sequence),
    };
  }

  /** Simulated: a revert fails the request (or, AlreadyAnchored, waits to adopt); +25 % margin. */
  async gasLimit(
    record: AnchorRecord,
    from: string,
  ): Promise<bigint | { kind: 'wait' } | { kind: 'failed'; error: ChainError }> {
    try {
      const call = { from, ...this.call(record) };
      const gas = BigInt(await this.#reader.rpc.request<string>('eth_estimateGas', [call]));
      return (gas * GAS_MARGIN_PERCENT) / 100n;
    } catch (error) {
      if (!(error instanceof RpcResponseError)) throw error;
      const verdict = simulationVerdict(error, this.#reader.contractAddress);
      if (verdict.kind === 'already-anchored') return { kind: 'wait' };
      if (verdict.kind === 'failed') return verdict;
      throw verdict.error;
    }
  }

  maxFeePerGas(): undefined {
    return undefined;
  }

  async findOnChain(record: AnchorRecord): Promise<ChainAnchor | undefined> {
    // One eth_call usually settles it; the event is searched only when the sequence is taken.
    if ((await this.#reader.anchoredRoot(record.sequence)) === undefined) return undefined;
    const anchor = await this.#reader.findAnchor(record.sequence);
    if (anchor === undefined) {
      throw new ChainError(
        ChainErrorCode.RpcError,
        `sequence ${record.sequence} is anchored but its event was not found`,
      );
    }
    return anchor;
  }

  async onReceipt(
    record: AnchorRecord,
    receipt: RpcReceipt,
    blocks: Map<number, RpcBlock | null>,
  ): Promise<FollowOutcome> {
    if (fromQuantity(receipt.status) === 1) {
      const event = receipt.logs
        .filter((log) => log.address.toLowerCase() === this.#reader.contractAddress)
        .map(decodeAnchoredLog)
        .find((e) => e?.sequence === record.sequence);
      const anchor = event === undefined ? undefined : await this.#reader.toChainAnchor(event, blocks);
      if (anchor !== undefined) {
        const { txHash, blockNumber, blockHash, blockTime, logIndex } = anchor;
        return { kind: 'included', inclusion: { txHash, blockNumber, blockHash, blockTime, logIndex } };
      }
      if (event !== undefined) return { kind: 'waiting' }; // receipt from a block just reorganized away: look again
    }
    // Reverted (or no event): the nonce is spent. PENDING asks the contract what happened —
    // anchored by someone else (adopt), or a reason that fails the request.
    const reverted = `transaction ${receipt.transactionHash} reverted`;
    return { kind: 'lost', error: new ChainError(ChainErrorCode.Reverted, reverted) };
  }
}
