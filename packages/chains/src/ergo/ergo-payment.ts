/**
 * A plain ERG payment from a wallet: token-free wallet boxes selected for the amount and the fee,
 * one output to the payee, the change back to the wallet; signed with the wallet's key against
 * the node's last headers and submitted. What the treasury sends the anchorer's Ergo address (the
 * float its anchoring transactions draw on, ADR 0012). The wallet's boxes a pooled transaction
 * spends already are left out (two payments in one block do not double-spend). And an address's
 * balance as the node's pool will leave it: a payment accepted but not mined yet counts, so a
 * second look before the next block does not pay again.
 */
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { BuiltTransaction } from './anchor-transaction.ts';
import { rethrow, sum, value } from './box-values.ts';
import { ERGO_INDEX_PAGE } from './ergo-node-client.ts';
import type { ErgoNodeClient } from './ergo-node-client.ts';
import { toErgoBoxes } from './ergo-wallet.ts';
import type { ErgoWallet } from './ergo-wallet.ts';
import type { ErgoBoxJson } from './node-types.ts';

/** The miner's fee of a payment, nanoERG: the node's usual minimum. */
export const ERGO_PAYMENT_FEE = 1_100_000n;

/** Pays `amount` nanoERG to `to` from the wallet's token-free boxes, the change back to the wallet. */
export function buildPaymentTransaction(options: {
  readonly wallet: ErgoWallet;
  readonly walletBoxes: readonly ErgoBoxJson[];
  readonly to: string;
  readonly amount: bigint;
  readonly height: number;
  readonly fee: bigint;
}): BuiltTransaction {
  const { wallet, height, fee, amount } = options;
  const candidates = options.walletBoxes.filter((box) => box.assets.length === 0);
  try {
    const selection = new ergo.SimpleBoxSelector().select(
      toErgoBoxes(candidates),
      value(amount + fee),
      new ergo.Tokens(),
    );
    const payee = ergo.Address.from_base58(options.to);
    const output = new ergo.ErgoBoxCandidateBuilder(
      value(amount),
      ergo.Contract.pay_to_address(payee),
      height,
    );
    const outputs = new ergo.ErgoBoxCandidates(output.build());
    const unsigned = ergo.TxBuilder.new(selection, outputs, height, value(fee), wallet.libAddress).build();
    const byId = new Map(candidates.map((box) => [box.boxId, box]));
    const inputs: ErgoBoxJson[] = [];
    for (let i = 0; i < selection.boxes().len(); i++)
      inputs.push(byId.get(selection.boxes().get(i).box_id().to_str())!);
    return { unsigned, inputs };
  } catch (error) {
    return rethrow(`payment of ${amount} nanoERG to ${options.to}`, error);
  }
}

/** Builds, signs and submits a payment (buildPaymentTransaction); its transaction id. */
export async function sendErgoPayment(options: {
  readonly client: ErgoNodeClient;
  readonly wallet: ErgoWallet;
  readonly to: string;
  readonly amount: bigint;
  readonly fee?: bigint;
}): Promise<string> {
  const { client, wallet } = options;
  const headers = await client.lastHeaders(10);
  const built = buildPaymentTransaction({
    wallet,
    walletBoxes: await unspentBoxes(client, wallet.address, { excludeMempoolSpent: true }),
    to: options.to,
    amount: options.amount,
    height: Math.max(...headers.map((h) => h.height)),
    fee: options.fee ?? ERGO_PAYMENT_FEE,
  });
  const signed = wallet.sign(built.unsigned, built.inputs, headers);
  return client.submitTransaction(signed.json);
}

/** Every unspent box of `address`, page by page (`pool`: as ErgoNodeClient.unspentBoxesByAddress). */
export async function unspentBoxes(
  client: ErgoNodeClient,
  address: string,
  pool: Parameters<ErgoNodeClient['unspentBoxesByAddress']>[3] = {},
): Promise<ErgoBoxJson[]> {
  const boxes: ErgoBoxJson[] = [];
  for (let offset = 0; ; offset += ERGO_INDEX_PAGE) {
    const page = await client.unspentBoxesByAddress(address, offset, ERGO_INDEX_PAGE, pool);
    boxes.push(...page);
    if (page.length < ERGO_INDEX_PAGE) return boxes;
  }
}

/** The nanoERG `address` holds (the anchor box's float included), once the node's pool is mined. */
export async function ergoBalance(client: ErgoNodeClient, address: string): Promise<bigint> {
  return sum(await unspentBoxes(client, address, { includeUnconfirmed: true, excludeMempoolSpent: true }));
}
