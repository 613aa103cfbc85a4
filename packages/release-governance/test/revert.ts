/** Test helper: the custom error a transaction reverted with, by name. */
import assert from 'node:assert/strict';
import { RpcResponseError, sendTransactionAndWait } from '@anchorpost/chains';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import type { Interface } from 'ethers';
import { decodeReleaseRevert } from '../src/contracts.ts';

/** Awaits a transaction sent straight to a contract (no client pre-checks) and returns its revert's name. */
export async function revertOf(sending: Promise<unknown>): Promise<string> {
  try {
    await sending;
  } catch (error) {
    assert.ok(error instanceof RpcResponseError, String(error));
    const revert = decodeReleaseRevert(error.data);
    assert.ok(revert, `undecodable revert: ${error.message}`);
    return revert.name;
  }
  return assert.fail('the transaction did not revert');
}

/** Sends `name(args)` to the contract and waits for its receipt. */
export async function send(
  rpc: JsonRpcPool,
  signer: TransactionSigner,
  to: string,
  contract: Interface,
  name: string,
  args: readonly unknown[],
): Promise<void> {
  await sendTransactionAndWait(rpc, signer, { to, data: contract.encodeFunctionData(name, args) });
}
