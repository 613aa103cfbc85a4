// Phase anchor: the chain's own `Anchored` events show one anchor per sequence and per batch, and
// the anchored batches hold every file of the load once; with Ergo, the same batches on Ergo.
import assert from 'node:assert/strict';
import { ErgoChainReader, EvmChainReader } from '@anchorpost/chains';
import type { Scene } from './state.ts';

export async function anchor(scene: Scene): Promise<void> {
  const { system } = scene;
  const FILES = scene.load.files.length;
  const reader = new EvmChainReader({
    rpcUrls: [system.evmRpc()],
    chainId: 31_337,
    contractAddress: system.contractAddress(),
    deployBlock: 0,
  });
  const head = await reader.head();
  const anchors = [];
  for await (const page of reader.readAnchors(0, head.number)) anchors.push(...page.anchors);
  assert.ok(anchors.length > 0);
  assert.equal(new Set(anchors.map((a) => a.sequence)).size, anchors.length, 'one anchor per sequence');
  assert.equal(new Set(anchors.map((a) => a.batchCid)).size, anchors.length, 'one anchor per batch');
  let sealed = 0;
  for (const anchor of anchors) {
    const response = await fetch(`${system.proofApiUrl()}/v1/batches/${anchor.batchCid}`);
    assert.equal(response.status, 200);
    sealed += ((await response.json()) as { size: number }).size;
  }
  // Every one of the FILES files is in an anchored batch (its proof says so) and the anchored
  // batches hold FILES entries in all: so none is in two.
  assert.equal(sealed, FILES);
  if (system.ergo !== undefined) {
    // The same batches on Ergo, each once, following the marker token.
    const ergo = new ErgoChainReader({
      nodeUrls: [system.ergo.nodeUrl()],
      network: 'testnet',
      tokenId: system.ergo.tokenId(),
      startHeight: system.ergo.startHeight(),
    });
    const ergoAnchors = [];
    for await (const page of ergo.readAnchors(0, (await ergo.head()).number))
      ergoAnchors.push(...page.anchors);
    assert.equal(
      new Set(ergoAnchors.map((a) => a.sequence)).size,
      ergoAnchors.length,
      'one Ergo anchor per sequence',
    );
    assert.deepEqual(
      new Set(ergoAnchors.map((a) => a.batchCid)),
      new Set(anchors.map((a) => a.batchCid)),
      'every batch anchored on both chains',
    );
  }
}
