/**
 * What every package that ships contracts does with them from TypeScript: deploy one from its
 * bytecode (by hand or in a test, through sendTransactionAndWait), and read a custom error out of
 * revert data against the contracts' interfaces.
 */
import { getAddress } from 'ethers';
import type { Interface } from 'ethers';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { JsonRpcPool } from './json-rpc-pool.ts';
import { fromQuantity } from './rpc-types.ts';
import { sendTransactionAndWait, type TransactionSigner } from './send-transaction.ts';

export interface DeployedContract {
  /** Checksummed. */
  readonly address: string;
  readonly txHash: string;
  /** Where to start reading its events. */
  readonly blockNumber: number;
}

/** Sends a contract creation (`data`: bytecode and encoded constructor arguments) and waits for it. */
export async function deployContract(
  rpc: JsonRpcPool,
  signer: TransactionSigner,
  data: string,
): Promise<DeployedContract> {
  const receipt = await sendTransactionAndWait(rpc, signer, { to: null, data });
  if (receipt.contractAddress === null) {
    throw new ChainError(ChainErrorCode.Reverted, `${receipt.transactionHash} created no contract`);
  }
  return {
    address: getAddress(receipt.contractAddress),
    txHash: receipt.transactionHash.toLowerCase(),
    blockNumber: fromQuantity(receipt.blockNumber),
  };
}

export interface DecodedRevert {
  readonly name: string;
  readonly args: readonly unknown[];
}

/**
 * The custom error in revert data (a hex string, or an RPC error's `data` object), if it is one
 * of `contracts`' errors; the first that knows it wins (a revert deep in a call chain surfaces
 * through every contract above it).
 */
export function decodeCustomError(contracts: readonly Interface[], data: unknown): DecodedRevert | undefined {
  // Nodes send revert data either bare or wrapped as `{ data }`.
  const hex: unknown = typeof data === 'object' && data !== null && 'data' in data ? data.data : data;
  if (typeof hex !== 'string' || !/^0x[0-9a-fA-F]{8}/.test(hex)) return undefined;
  for (const contract of contracts) {
    try {
      const parsed = contract.parseError(hex);
      if (parsed !== null) return { name: parsed.name, args: [...parsed.args] };
    } catch {
      // Not this contract's error; try the next.
    }
  }
  return undefined;
}
