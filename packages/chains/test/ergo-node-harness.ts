/**
 * A fresh Ergo chain on a REAL Ergo node (a private devnet that mines on its own, see
 * docs/ergo.md): a new marker token minted per harness from a funded wallet, blocks waited for
 * rather than mined on demand. It cannot roll back or forge look-alikes: those contract tests skip.
 * Configured by ANCHORPOST_TEST_ERGO_NODE_URL, ANCHORPOST_TEST_ERGO_MNEMONIC (the funded wallet),
 * ANCHORPOST_TEST_ERGO_NETWORK (default devnet) and ANCHORPOST_TEST_ERGO_API_KEY.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnchorRequest } from '../src/anchor-request.ts';
import {
  buildAnchorTransaction,
  ErgoChain,
  ErgoNodeClient,
  ErgoWallet,
  isErgoNetwork,
  mintMarker,
} from '../src/ergo/index.ts';
import type { ChainHarness } from '../src/testing/contract.ts';

/** Why the real-node tests do not run here; undefined when they can. */
export function realErgoNodeMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ANCHORPOST_TEST_ERGO_NODE_URL === undefined)
    return 'no real Ergo node: set ANCHORPOST_TEST_ERGO_NODE_URL (and ANCHORPOST_TEST_ERGO_MNEMONIC of a funded wallet) to run it';
  if (env.ANCHORPOST_TEST_ERGO_MNEMONIC === undefined)
    return 'ANCHORPOST_TEST_ERGO_MNEMONIC (a funded wallet on that node) is not set';
  return undefined;
}

const BLOCK_WAIT_MS = 120_000;

export async function startRealErgoTestChain(env: NodeJS.ProcessEnv = process.env): Promise<ChainHarness> {
  const url = env.ANCHORPOST_TEST_ERGO_NODE_URL!;
  const network = env.ANCHORPOST_TEST_ERGO_NETWORK ?? 'devnet';
  if (!isErgoNetwork(network)) throw new Error(`ANCHORPOST_TEST_ERGO_NETWORK: ${network} is no Ergo network`);
  const apiKey = env.ANCHORPOST_TEST_ERGO_API_KEY;
  const client = new ErgoNodeClient({ urls: [url], apiKey });
  const wallet = ErgoWallet.fromMnemonic({ mnemonic: env.ANCHORPOST_TEST_ERGO_MNEMONIC!, network });
  const height = async (): Promise<number> => (await client.info()).fullHeight ?? 0;
  /** A real node mines on its own: wait for `blocks` more. */
  const mine = async (blocks: number): Promise<void> => {
    const target = (await height()) + blocks;
    const deadline = Date.now() + BLOCK_WAIT_MS * blocks;
    while ((await height()) < target) {
      if (Date.now() > deadline) throw new Error(`the node did not reach height ${target}`);
      await sleep(250);
    }
  };
  const minted = await mintMarker({ client, wallet, float: 200_000_000n });
  // Mined, then seen by the extra index (2–6 s behind the chain on a real node).
  await mine(2);
  while ((await client.unspentBoxesByTokenId(minted.tokenId)).length === 0) await sleep(500);
  // Deep enough that an anchor put on chain elsewhere is still MINED when the index has it.
  const confirmations = 10;
  const finalityDepth = 14;
  return {
    confirmations,
    finalityDepth,
    open(store) {
      return new ErgoChain({
        nodeUrls: [url],
        network,
        apiKey,
        tokenId: minted.tokenId,
        startHeight: minted.startHeight,
        wallet,
        store,
        confirmations,
        finalityDepth,
      });
    },
    mine,
    async anchorElsewhere(request: AnchorRequest) {
      const [anchorBox] = await client.unspentBoxesByTokenId(minted.tokenId);
      if (anchorBox === undefined) throw new Error('no marker box');
      const built = buildAnchorTransaction({
        wallet,
        tokenId: minted.tokenId,
        anchorBox,
        request,
        height: await height(),
        fee: 1_100_000n,
      });
      const txId = await client.submitTransaction(
        wallet.sign(built.unsigned, built.inputs, await client.lastHeaders(10)).json,
      );
      // A real node may leave it out of the next block, and its index trails the chain by seconds:
      // "already on chain" means in a block the index has reached.
      do await mine(1);
      while ((await client.indexedTransaction(txId)) === undefined);
    },
    close: () => Promise.resolve(),
  };
}
