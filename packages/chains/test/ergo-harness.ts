/**
 * A fresh Ergo chain for the chain-port contract suite: the Ergo node TEST DOUBLE
 * (@anchorpost/ergo-devnet) with a funded wallet and the marker token minted, and the means to
 * put anchors on it from elsewhere, forge look-alikes and roll blocks back.
 */
import { randomBytes } from 'node:crypto';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import type { ErgoDevnet, ErgoDevnetOptions } from '@anchorpost/ergo-devnet';
import * as ergo from 'ergo-lib-wasm-nodejs';
import { Mnemonic } from 'ethers';
import type { AnchorRequest } from '../src/anchor-request.ts';
import type { AnchorRequestStore } from '../src/anchor-request-store.ts';
import {
  buildAnchorTransaction,
  encodeAnchorRegisters,
  ErgoChain,
  ErgoNodeClient,
  ErgoWallet,
  mintMarker,
} from '../src/ergo/index.ts';
import type { ErgoChainOptions } from '../src/ergo/index.ts';
import type { ChainHarness } from '../src/testing/contract.ts';

export interface ErgoTestChain extends ChainHarness {
  readonly devnet: ErgoDevnet;
  readonly wallet: ErgoWallet;
  readonly tokenId: string;
  readonly startHeight: number;
  readonly client: ErgoNodeClient;
  open(store: AnchorRequestStore, tuning?: Partial<ErgoChainOptions>): ErgoChain;
}

export async function startErgoTestChain(
  options: {
    confirmations?: number;
    finalityDepth?: number;
    pageBlocks?: number;
    /** Node behaviours of the test double: index page order, index lag behind the chain. */
    devnet?: Pick<ErgoDevnetOptions, 'indexOrder' | 'indexerLag'>;
  } = {},
): Promise<ErgoTestChain> {
  const devnet = await startErgoDevnet(options.devnet);
  const client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
  const wallet = ErgoWallet.fromMnemonic({
    mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase,
    network: 'testnet',
  });
  // A node's index may trail the chain: mine past it before reading boxes through it.
  const lag = options.devnet?.indexerLag ?? 0;
  let minted: Awaited<ReturnType<typeof mintMarker>>;
  try {
    devnet.fund(wallet.address, 50_000_000_000n);
    devnet.mine(1 + lag);
    minted = await mintMarker({ client, wallet, float: 2_000_000_000n });
    devnet.mine(1 + lag);
  } catch (error) {
    await devnet.close();
    throw error;
  }
  const confirmations = options.confirmations ?? 3;
  const finalityDepth = options.finalityDepth ?? 6;

  /** The box holding the marker now, the pool's view included. */
  const tip = async () => {
    const [confirmed] = await client.unspentBoxesByTokenId(minted.tokenId);
    if (confirmed === undefined) throw new Error('no marker box');
    return confirmed;
  };

  return {
    devnet,
    wallet,
    client,
    tokenId: minted.tokenId,
    startHeight: minted.startHeight,
    confirmations,
    finalityDepth,
    open(store, tuning = {}) {
      return new ErgoChain({
        nodeUrls: [devnet.url],
        network: 'testnet',
        tokenId: minted.tokenId,
        startHeight: minted.startHeight,
        pageBlocks: options.pageBlocks ?? 4,
        wallet,
        store,
        confirmations,
        finalityDepth,
        ...tuning,
      });
    },
    mine(blocks) {
      devnet.mine(blocks);
      return Promise.resolve();
    },
    async anchorElsewhere(request: AnchorRequest) {
      // The same key, without the adapter: e.g. an earlier anchorer whose store was lost.
      const anchorBox = await tip();
      const headers = await client.lastHeaders(10);
      const built = buildAnchorTransaction({
        wallet,
        tokenId: minted.tokenId,
        anchorBox,
        request,
        height: devnet.height,
        fee: 1_100_000n,
      });
      const txId = await client.submitTransaction(wallet.sign(built.unsigned, built.inputs, headers).json);
      // "Already on chain" means in a block the node's extra index has reached: with an index
      // trailing the chain (as a real node's does), mine until it has the transaction.
      do devnet.mine(1);
      while ((await client.indexedTransaction(txId)) === undefined);
    },
    async forgeAnchor(request: AnchorRequest) {
      // The anchor's registers in a box without the marker token, paid from a wallet of its own.
      const forger = ErgoWallet.fromMnemonic({
        mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase,
        network: 'testnet',
      });
      const funds = devnet.fund(forger.address, 1_000_000_000n);
      const registers = encodeAnchorRegisters(request);
      const builder = new ergo.ErgoBoxCandidateBuilder(
        ergo.BoxValue.from_i64(ergo.I64.from_str('10000000')),
        ergo.Contract.pay_to_address(forger.libAddress),
        devnet.height,
      );
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
      const inputs = ergo.ErgoBoxes.empty();
      inputs.add(ergo.ErgoBox.from_json(JSON.stringify(funds)));
      const unsigned = ergo.TxBuilder.new(
        new ergo.SimpleBoxSelector().select(
          inputs,
          ergo.BoxValue.from_i64(ergo.I64.from_str('11100000')),
          new ergo.Tokens(),
        ),
        new ergo.ErgoBoxCandidates(builder.build()),
        devnet.height,
        ergo.TxBuilder.SUGGESTED_TX_FEE(),
        forger.libAddress,
      ).build();
      const box = await client.utxo(funds.boxId);
      const signed = forger.sign(unsigned, [box!], await client.lastHeaders(10));
      await client.submitTransaction(signed.json);
      devnet.mine(1);
    },
    reorg(depth) {
      devnet.rollback(depth, { dropTransactions: true });
      devnet.mine(depth);
      return Promise.resolve();
    },
    close: () => devnet.close(),
  };
}
