// A contract call sent by a test's own funded account (ethers), awaited until mined.
import type { ContractTransactionResponse } from 'ethers';

export async function mined(sent: Promise<unknown>): Promise<void> {
  await ((await sent) as ContractTransactionResponse).wait();
}
