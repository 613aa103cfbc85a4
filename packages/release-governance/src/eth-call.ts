/** Read-only contract calls over the RPC pool (eth_call at the latest block), decoded by the ABI. */
import type { Interface, Result } from 'ethers';
import type { JsonRpcPool } from '@anchorpost/chains';

export async function ethCall(
  rpc: JsonRpcPool,
  to: string,
  contract: Interface,
  name: string,
  args: readonly unknown[],
): Promise<Result> {
  const data = contract.encodeFunctionData(name, args);
  const result = await rpc.request<string>('eth_call', [{ to, data }, 'latest']);
  return contract.decodeFunctionResult(name, result);
}
