/** The JSON-RPC shapes this adapter reads (quantities are 0x-hex strings). */

export interface RpcBlock {
  readonly number: string;
  readonly hash: string;
  readonly parentHash: string;
  readonly timestamp: string;
  readonly baseFeePerGas?: string;
}

export interface RpcLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockNumber: string;
  readonly blockHash: string;
  readonly transactionHash: string;
  readonly logIndex: string;
  readonly removed?: boolean;
}

export interface RpcReceipt {
  readonly transactionHash: string;
  readonly blockNumber: string;
  readonly blockHash: string;
  readonly status: string;
  readonly gasUsed: string;
  readonly effectiveGasPrice?: string;
  readonly contractAddress: string | null;
  readonly logs: readonly RpcLog[];
}

export interface RpcTransaction {
  readonly hash: string;
  readonly nonce: string;
  readonly blockNumber: string | null;
}

export const toQuantity = (value: number | bigint): string => `0x${value.toString(16)}`;
export const fromQuantity = (value: string): number => {
  const number = Number(BigInt(value));
  if (!Number.isSafeInteger(number)) throw new RangeError(`quantity ${value} is not a safe integer`);
  return number;
};
