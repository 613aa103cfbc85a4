/**
 * Ergo-anchored proofs on the Ergo node TEST DOUBLE (e2e/ergo-devnet, in this process or as its own
 * process): an anchorer mints its marker, a batch over chosen tx-file CIDs is sealed and anchored
 * with ErgoChain, and the proof of its first entry is built as the proof API would answer it,
 * its trustedblock a real block of the chain before the anchor. For this package's tests and the
 * SDK's (Node and Chromium).
 */
import {
  ErgoChain,
  ErgoNodeClient,
  MemoryAnchorRequestStore,
  mintMarker,
  type ErgoWallet,
  type MintedMarker,
} from '@anchorpost/chains';
import { MerkleTree, toBase64, toHex } from '@anchorpost/protocol';
import { parseTrustRoots, type TrustRoots } from '../trust-roots.ts';
import type { TxFileProof } from '../tx-file-proof.ts';
import { sealed } from './proof-fixture.ts';

/** The double's powers no node has: `ErgoDevnet` in process, or `SpawnedErgoDevnet` over HTTP. */
export interface ErgoDevnetControls {
  readonly url: string;
  fund(address: string, value: bigint): unknown;
  mine(blocks?: number): unknown;
}

export interface ErgoAnchorer {
  readonly wallet: ErgoWallet;
  readonly marker: MintedMarker;
  /** Trust roots naming this anchorer's marker (on `testnet`) and its mint. */
  readonly trust: TrustRoots;
}

/** Funds `wallet` on the double and mints its marker token, mined. */
export async function newErgoAnchorer(
  devnet: ErgoDevnetControls,
  wallet: ErgoWallet,
  platform = 'ergo-platform',
): Promise<ErgoAnchorer> {
  const client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
  await devnet.fund(wallet.address, 10_000_000_000n);
  const marker = await mintMarker({ client, wallet, float: 1_000_000_000n });
  await devnet.mine(1);
  const trust = parseTrustRoots({
    version: 1,
    platform,
    ergo: [{ network: 'testnet', tokenId: marker.tokenId, mintTxId: marker.txId }],
  });
  return { wallet, marker, trust };
}

/** Seals `entries`, anchors the batch as `anchorer` on its marker, and builds the proof of entry 0. */
export async function ergoAnchoredProof(
  devnet: ErgoDevnetControls,
  anchorer: Pick<ErgoAnchorer, 'wallet' | 'marker'>,
  entries: readonly string[],
): Promise<TxFileProof> {
  const client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
  const block = await sealed('ergo-trust', 0, null, entries);
  const batch = {
    cid: block.cid.toString(),
    platform: 'ergo-trust',
    sequence: 0,
    count: block.root.count,
    merkleRoot: toHex(block.root.merkleRoot),
    sealedAt: block.root.sealedAt,
    previous: null,
    rootBlock: toBase64(block.bytes),
  };
  // The tx-file's trustedblock: a block the chain had before the anchor.
  const trustedHeight = (await client.info()).fullHeight! - 1;
  const trustedId = (await client.bestHeaderIdAt(trustedHeight))!;
  const chain = new ErgoChain({
    nodeUrls: [devnet.url],
    network: 'testnet',
    tokenId: anchorer.marker.tokenId,
    startHeight: anchorer.marker.startHeight,
    wallet: anchorer.wallet,
    store: new MemoryAnchorRequestStore(),
    confirmations: 2,
  });
  await chain.anchor({ sequence: 0, root: batch.merkleRoot, batchCid: batch.cid });
  await chain.tick();
  await devnet.mine(3);
  await chain.tick();
  const inclusion = (await chain.status(0))!.inclusion!;
  return {
    version: 4,
    txFile: entries[0]!,
    batch,
    inclusion: MerkleTree.fromCids(entries).proof(0),
    anchors: [
      {
        chain: 'ergo',
        chainId: 'testnet',
        tokenId: anchorer.marker.tokenId,
        txId: inclusion.txHash,
        height: inclusion.blockNumber,
        headerId: inclusion.blockHash,
        blockTime: inclusion.blockTime,
        confirmations: 1,
        status: 'final',
      },
    ],
    timeBound: {
      notBefore: { chain: 'ergo', height: trustedHeight, blockId: trustedId },
      notAfter: inclusion.blockTime,
    },
  };
}
