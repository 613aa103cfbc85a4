/**
 * The two transactions of the Ergo anchoring design (ADR 0012), unsigned:
 * - mint: spends wallet boxes, creates the first anchor box holding the new marker token (amount
 *   1, EIP-4 name/description/decimals in R4–R6) and the ERG float that pays later fees, plus change;
 * - anchor: spends the current anchor box (and, to top the float up, token-free wallet boxes),
 *   creates the next anchor box with the token, the anchor in R4–R6 and the float less the fee,
 *   and the miner's fee box. One transaction per batch; no change box: the float stays put.
 */
import * as ergo from 'ergo-lib-wasm-nodejs';
import type { AnchorRequest } from '../anchor-request.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { encodeAnchorRegisters, holdsMarker } from './anchor-box.ts';
import { rethrow, sum, value } from './box-values.ts';
import { toBigInt } from './ergo-json.ts';
import { toErgoBoxes } from './ergo-wallet.ts';
import type { ErgoWallet } from './ergo-wallet.ts';
import type { ErgoBoxJson } from './node-types.ts';

/** The marker's EIP-4 metadata. */
export interface MarkerToken {
  readonly name: string;
  readonly description: string;
}

export interface BuiltTransaction {
  readonly unsigned: ergo.UnsignedTransaction;
  /** The boxes spent, in input order (what signing needs). */
  readonly inputs: readonly ErgoBoxJson[];
}

/** Mints the marker into the first anchor box, which holds `float` nanoERG; the token id is the first input's box id. */
export function buildMintTransaction(options: {
  readonly wallet: ErgoWallet;
  readonly walletBoxes: readonly ErgoBoxJson[];
  readonly height: number;
  readonly fee: bigint;
  readonly float: bigint;
  readonly token: MarkerToken;
}): BuiltTransaction & { readonly tokenId: string } {
  const { wallet, height, fee, float } = options;
  // Wallet boxes with tokens stay out: they would need outputs of their own.
  const candidates = options.walletBoxes.filter((box) => box.assets.length === 0);
  try {
    const selection = new ergo.SimpleBoxSelector().select(
      toErgoBoxes(candidates),
      value(float + fee),
      new ergo.Tokens(),
    );
    const first = selection.boxes().get(0);
    const tokenId = first.box_id().to_str();
    const builder = new ergo.ErgoBoxCandidateBuilder(
      value(float),
      ergo.Contract.pay_to_address(wallet.libAddress),
      height,
    );
    builder.mint_token(
      new ergo.Token(ergo.TokenId.from_str(tokenId), ergo.TokenAmount.from_i64(ergo.I64.from_str('1'))),
      options.token.name,
      options.token.description,
      0,
    );
    const outputs = new ergo.ErgoBoxCandidates(builder.build());
    const unsigned = ergo.TxBuilder.new(selection, outputs, height, value(fee), wallet.libAddress).build();
    const byId = new Map(candidates.map((box) => [box.boxId, box]));
    const inputs: ErgoBoxJson[] = [];
    for (let i = 0; i < selection.boxes().len(); i++)
      inputs.push(byId.get(selection.boxes().get(i).box_id().to_str())!);
    return { unsigned, inputs, tokenId };
  } catch (error) {
    return rethrow('mint transaction', error);
  }
}

/**
 * The anchoring transaction for `request`: spends `anchorBox` (which must hold the marker) and any
 * `topUp` boxes (token-free wallet boxes), and puts everything less `fee` into the next anchor box.
 */
export function buildAnchorTransaction(options: {
  readonly wallet: ErgoWallet;
  readonly tokenId: string;
  readonly anchorBox: ErgoBoxJson;
  readonly topUp?: readonly ErgoBoxJson[];
  readonly request: AnchorRequest;
  readonly height: number;
  readonly fee: bigint;
}): BuiltTransaction {
  const { wallet, tokenId, anchorBox, request, height, fee } = options;
  if (!holdsMarker(anchorBox, tokenId)) {
    throw new ChainError(
      ChainErrorCode.InvalidRequest,
      `box ${anchorBox.boxId} does not hold the marker token ${tokenId}`,
    );
  }
  const topUp = (options.topUp ?? []).filter(
    (box) => box.assets.length === 0 && box.boxId !== anchorBox.boxId,
  );
  const inputs = [anchorBox, ...topUp];
  const float = sum(inputs) - fee;
  const short = (minimum: bigint): ChainError =>
    new ChainError(
      ChainErrorCode.InsufficientFunds,
      `the anchor box float (${sum(inputs)} nanoERG) cannot pay the fee ${fee} and keep the box minimum ${minimum}: top up ${wallet.address}`,
    );
  if (float <= 0n) throw short(0n);
  try {
    const builder = new ergo.ErgoBoxCandidateBuilder(
      value(float),
      ergo.Contract.pay_to_address(wallet.libAddress),
      height,
    );
    builder.add_token(ergo.TokenId.from_str(tokenId), ergo.TokenAmount.from_i64(ergo.I64.from_str('1')));
    const registers = encodeAnchorRegisters(request);
    builder.set_register_value(
      ergo.NonMandatoryRegisterId.R4,
      ergo.Constant.decode_from_base16(registers.R4),
    );
    builder.set_register_value(
      ergo.NonMandatoryRegisterId.R5,
      ergo.Constant.decode_from_base16(registers.R5),
    );
    builder.set_register_value(
      ergo.NonMandatoryRegisterId.R6,
      ergo.Constant.decode_from_base16(registers.R6),
    );
    const minimum = toBigInt(builder.calc_min_box_value().as_i64().to_str());
    if (float < minimum) throw short(minimum);
    const outputs = new ergo.ErgoBoxCandidates(builder.build());
    const selection = new ergo.BoxSelection(toErgoBoxes(inputs), new ergo.ErgoBoxAssetsDataList());
    const unsigned = ergo.TxBuilder.new(selection, outputs, height, value(fee), wallet.libAddress).build();
    return { unsigned, inputs };
  } catch (error) {
    if (error instanceof ChainError) throw error;
    return rethrow(`anchor transaction for sequence ${request.sequence}`, error);
  }
}

/** The next anchor box a signed anchoring transaction creates (its output 0). */
export function createdAnchorBoxId(signedJson: string): string {
  return ergo.Transaction.from_json(signedJson).outputs().get(0).box_id().to_str();
}
