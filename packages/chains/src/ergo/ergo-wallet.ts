/**
 * The anchorer's Ergo key: a BIP-39 mnemonic, derived along EIP-3 (m/44'/429'/account'/0/index)
 * to one secret key. `Wallet.from_mnemonic` would sign with the root key (a different address
 * from what every Ergo wallet shows for the same phrase), so the key is derived first and the
 * wallet built with `Wallet.from_secrets`.
 */
import { Mnemonic as Bip39 } from 'ethers';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { stringifyErgoJson } from './ergo-json.ts';
import { networkPrefix, type ErgoNetwork } from './ergo-network.ts';
import type { ErgoBoxJson, ErgoHeader } from './node-types.ts';

export interface ErgoWalletOptions {
  readonly mnemonic: string;
  /** The BIP-39 passphrase ("mnemonic password"); empty by default, as in most wallets. */
  readonly password?: string;
  readonly network: ErgoNetwork;
  /** EIP-3 account (hardened). Default 0. */
  readonly account?: number;
  /** EIP-3 address index. Default 0. */
  readonly index?: number;
}

export class ErgoWallet {
  readonly network: ErgoNetwork;
  /** The P2PK address (base58, with the network's prefix). */
  readonly address: string;
  /** The address's ErgoTree, hex: what the wallet's boxes are guarded by. */
  readonly ergoTree: string;
  readonly derivationPath: string;
  readonly #wallet: ergo.Wallet;
  readonly #address: ergo.Address;

  private constructor(network: ErgoNetwork, path: string, secret: ergo.SecretKey) {
    this.network = network;
    this.derivationPath = path;
    this.#address = secret.get_address();
    this.address = this.#address.to_base58(networkPrefix(network));
    this.ergoTree = this.#address.to_ergo_tree().to_base16_bytes();
    const secrets = new ergo.SecretKeys();
    secrets.add(secret);
    this.#wallet = ergo.Wallet.from_secrets(secrets);
  }

  static fromMnemonic(options: ErgoWalletOptions): ErgoWallet {
    const phrase = options.mnemonic.trim().split(/\s+/).join(' ');
    // A typo would silently derive another wallet: check the BIP-39 word list and checksum first.
    if (!Bip39.isValidMnemonic(phrase)) {
      throw new ChainError(
        ChainErrorCode.BadConfig,
        'the Ergo mnemonic is not a valid BIP-39 phrase (words or checksum)',
      );
    }
    const account = options.account ?? 0;
    const index = options.index ?? 0;
    for (const [name, value] of [
      ['account', account],
      ['index', index],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0 || value >= 2 ** 31)
        throw new ChainError(ChainErrorCode.BadConfig, `Ergo ${name}: expected an integer in [0, 2^31)`);
    }
    const path = `m/44'/429'/${account}'/0/${index}`;
    const seed = ergo.Mnemonic.to_seed(phrase, options.password ?? '');
    const extended = ergo.ExtSecretKey.derive_master(seed).derive(ergo.DerivationPath.from_string(path));
    const secret = ergo.SecretKey.dlog_from_bytes(extended.secret_key_bytes());
    return new ErgoWallet(options.network, path, secret);
  }

  /** For ergo-lib builders (change address, P2PK contract). */
  get libAddress(): ergo.Address {
    return this.#address;
  }

  /**
   * Signs `unsigned` spending `inputs` (in the transaction's input order); returns the node's JSON
   * of the signed transaction and its id.
   */
  sign(
    unsigned: ergo.UnsignedTransaction,
    inputs: readonly ErgoBoxJson[],
    lastHeaders: readonly ErgoHeader[],
  ): { readonly txId: string; readonly json: string } {
    const signed = this.#wallet.sign_transaction(
      stateContext(lastHeaders),
      unsigned,
      toErgoBoxes(inputs),
      ergo.ErgoBoxes.empty(),
    );
    return { txId: signed.id().to_str(), json: signed.to_json() };
  }
}

/**
 * The context a transaction is signed (and validated) in: the last 10 headers, newest first in
 * ergo-lib's order, the next block's pre-header taken from the newest, and the default parameters.
 */
export function stateContext(lastHeaders: readonly ErgoHeader[]): ergo.ErgoStateContext {
  if (lastHeaders.length === 0) throw new ChainError(ChainErrorCode.RpcError, 'no headers to sign against');
  const newestFirst = [...lastHeaders].sort((a, b) => b.height - a.height);
  const headers = ergo.BlockHeaders.from_json(
    newestFirst.map((h) => JSON.parse(stringifyErgoJson(h)) as unknown),
  );
  const preHeader = ergo.PreHeader.from_block_header(headers.get(0));
  return new ergo.ErgoStateContext(preHeader, headers, ergo.Parameters.default_parameters());
}

/** Only the fields ergo-lib's box JSON has (the index adds its own). */
export function toLibBox(box: ErgoBoxJson): ergo.ErgoBox {
  return ergo.ErgoBox.from_json(
    stringifyErgoJson({
      boxId: box.boxId,
      value: box.value,
      ergoTree: box.ergoTree,
      creationHeight: box.creationHeight,
      assets: box.assets,
      additionalRegisters: box.additionalRegisters,
      transactionId: box.transactionId,
      index: box.index,
    }),
  );
}

export function toErgoBoxes(boxes: readonly ErgoBoxJson[]): ergo.ErgoBoxes {
  const list = ergo.ErgoBoxes.empty();
  for (const box of boxes) list.add(toLibBox(box));
  return list;
}
