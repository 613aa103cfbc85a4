/**
 * What the tests of the Ergo node test double share: wallets derived as EIP-3 says, HTTP calls that
 * keep big numbers exact, and transactions built and signed with ergo-lib.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { ErgoDevnet } from '../src/index.ts';

// shared/ sits beside the repository (as in CI), or where ANCHORPOST_SHARED_DIR says.
const FIXTURES = join(
  process.env.ANCHORPOST_SHARED_DIR ?? join(import.meta.dirname, '../../../../shared'),
  'fixtures/ergo',
);
if (!existsSync(FIXTURES))
  throw new Error(`the real Ergo node JSON is not at ${FIXTURES}: shared/ must sit beside the repository`);
export const fixture = (path: string): string => readFileSync(join(FIXTURES, path), 'utf8');

/** The BIP-39 test phrase: every wallet here is one of its EIP-3 addresses. */
const PHRASE =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

export interface TestWallet {
  readonly address: ergo.Address;
  readonly base58: string;
  readonly tree: string;
  readonly wallet: ergo.Wallet;
}

/**
 * The key at m/44'/429'/0'/0/`index` of the test phrase, signing with that key — derived and then
 * given to Wallet.from_secrets (Wallet.from_mnemonic would sign with the root key).
 */
export function walletAt(index: number): TestWallet {
  const master = ergo.ExtSecretKey.derive_master(ergo.Mnemonic.to_seed(PHRASE, ''));
  const key = master.derive(ergo.DerivationPath.new(0, new Uint32Array([index])));
  const secret = ergo.SecretKey.dlog_from_bytes(key.secret_key_bytes());
  const secrets = new ergo.SecretKeys();
  secrets.add(secret);
  const address = secret.get_address();
  return {
    address,
    base58: address.to_base58(ergo.NetworkPrefix.Testnet),
    tree: address.to_ergo_tree().to_base16_bytes(),
    wallet: ergo.Wallet.from_secrets(secrets),
  };
}

export const nano = (n: bigint): ergo.BoxValue => ergo.BoxValue.from_i64(ergo.I64.from_str(n.toString()));
export const FEE = 1_100_000n;

/** JSON.parse keeping integers above 2^53 exact (as bigints). */
export function parseExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '')
      ? BigInt(context!.source!)
      : value,
  );
}

export interface Answer<T = Record<string, unknown>> {
  readonly status: number;
  readonly text: string;
  readonly body: T;
}

export async function get<T = Record<string, unknown>>(devnet: ErgoDevnet, path: string): Promise<Answer<T>> {
  const response = await fetch(devnet.url + path);
  const text = await response.text();
  return { status: response.status, text, body: parseExact(text) as T };
}

export async function post<T = Record<string, unknown>>(
  devnet: ErgoDevnet,
  path: string,
  body: string,
  contentType = 'application/json',
): Promise<Answer<T>> {
  const response = await fetch(devnet.url + path, {
    method: 'POST',
    body,
    headers: { 'content-type': contentType },
  });
  const text = await response.text();
  return { status: response.status, text, body: parseExact(text) as T };
}

/** The signing context a client builds: the last ten headers, newest first. */
export async function signingContext(devnet: ErgoDevnet): Promise<ergo.ErgoStateContext> {
  const { body } = await get<unknown[]>(devnet, '/blocks/lastHeaders/10');
  const headers = ergo.BlockHeaders.from_json(body.reverse());
  return new ergo.ErgoStateContext(
    ergo.PreHeader.from_block_header(headers.get(0)),
    headers,
    ergo.Parameters.default_parameters(),
  );
}

export interface Signed {
  readonly json: string;
  readonly id: string;
}

/** A box's JSON text without losing big numbers. */
export function boxText(box: unknown): string {
  return JSON.stringify(box, (_key, v: unknown) =>
    typeof v === 'bigint' ? (JSON as unknown as { rawJSON(s: string): unknown }).rawJSON(v.toString()) : v,
  );
}

/**
 * Pays `amount` to `to` out of `boxes` (all owned by `from`), the fee to the miners, the change back
 * to `from` (tokens included). Optionally mints an EIP-4 token in the payment box.
 */
export async function pay(
  devnet: ErgoDevnet,
  from: TestWallet,
  boxes: readonly unknown[],
  to: ergo.Address,
  amount: bigint,
  options: {
    mint?: { amount: bigint; name: string; description: string; decimals: number };
    tokens?: { tokenId: string; amount: bigint };
    fee?: bigint;
  } = {},
): Promise<Signed> {
  const inputs = ergo.ErgoBoxes.empty();
  for (const box of boxes) inputs.add(ergo.ErgoBox.from_json(boxText(box)));
  const builder = new ergo.ErgoBoxCandidateBuilder(
    nano(amount),
    ergo.Contract.pay_to_address(to),
    devnet.height,
  );
  if (options.mint !== undefined) {
    builder.mint_token(
      new ergo.Token(
        ergo.TokenId.from_str(inputs.get(0).box_id().to_str()),
        ergo.TokenAmount.from_i64(ergo.I64.from_str(options.mint.amount.toString())),
      ),
      options.mint.name,
      options.mint.description,
      options.mint.decimals,
    );
  }
  const moved = new ergo.Tokens();
  if (options.tokens !== undefined) {
    const token = new ergo.Token(
      ergo.TokenId.from_str(options.tokens.tokenId),
      ergo.TokenAmount.from_i64(ergo.I64.from_str(options.tokens.amount.toString())),
    );
    builder.add_token(token.id(), token.amount());
    moved.add(token);
  }
  const fee = options.fee ?? FEE;
  const selection = new ergo.SimpleBoxSelector().select(inputs, nano(amount + fee), moved);
  const unsigned = ergo.TxBuilder.new(
    selection,
    new ergo.ErgoBoxCandidates(builder.build()),
    devnet.height,
    nano(fee),
    from.address,
  ).build();
  const signed = from.wallet.sign_transaction(
    await signingContext(devnet),
    unsigned,
    inputs,
    ergo.ErgoBoxes.empty(),
  );
  return { json: signed.to_json(), id: signed.id().to_str() };
}

/** Signs whatever `outputs` say, past the builder's balance checks (to make transactions a node must refuse). */
export async function signRaw(
  devnet: ErgoDevnet,
  from: TestWallet,
  boxes: readonly unknown[],
  outputs: ergo.ErgoBoxCandidates,
): Promise<Signed> {
  const inputs = new ergo.UnsignedInputs();
  const libBoxes = ergo.ErgoBoxes.empty();
  for (const box of boxes) {
    const libBox = ergo.ErgoBox.from_json(boxText(box));
    libBoxes.add(libBox);
    inputs.add(new ergo.UnsignedInput(libBox.box_id(), new ergo.ContextExtension()));
  }
  const unsigned = new ergo.UnsignedTransaction(inputs, new ergo.DataInputs(), outputs);
  const signed = from.wallet.sign_transaction(
    await signingContext(devnet),
    unsigned,
    libBoxes,
    ergo.ErgoBoxes.empty(),
  );
  return { json: signed.to_json(), id: signed.id().to_str() };
}

/** The output of `signed` at `index`, parsed exactly. */
export function outputOf(signed: Signed, index: number): Record<string, unknown> {
  const tx = parseExact(signed.json) as { outputs: Record<string, unknown>[] };
  return tx.outputs[index]!;
}

export function outputTo(signed: Signed, tree: string): Record<string, unknown> {
  const tx = parseExact(signed.json) as { outputs: Record<string, unknown>[] };
  const box = tx.outputs.find((output) => output.ergoTree === tree);
  if (box === undefined) throw new Error(`no output to ${tree}`);
  return box;
}
