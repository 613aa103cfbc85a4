// Phase rollback (Ergo only): a file anchored in the newest Ergo blocks survives a rollback (3 blocks or more)
// that drops its transaction: the proof moves to the new block and verifies, the stale proof fails,
// and the batch is still anchored once.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErgoChainReader } from '@anchorpost/chains';
import type { TxFileProof } from '@anchorpost/proofs';
import { submitUntilAccepted, waitUntil, type Receipt } from '../clients.ts';
import { CLI, run } from './cli.ts';
import type { Scene, SystemUnderTest } from './state.ts';

/** The file it sends goes into `extra` once accepted: the index holds it, whatever fails after. */
export async function rollback(
  scene: Scene,
  ergo: NonNullable<SystemUnderTest['ergo']>,
  extra: Receipt[],
): Promise<void> {
  const { dir, system } = scene;
  const { files } = scene.load;
  const api = system.proofApiUrl();
  // A file sent now gets an Ergo anchor in the newest blocks: the ones the rollback takes.
  const file = files[0]!;
  const fresh = scene.load.buildFreshFile();
  const receipt = await submitUntilAccepted(
    () => system.submitUrl(0),
    file.client.apiKey,
    fresh,
    Date.now() + 60_000,
  );
  extra.push(receipt);
  const ergoAnchorOf = async (): Promise<
    { proof: TxFileProof; anchor: { txId: string; headerId: string; height: number } } | undefined
  > => {
    const response = await fetch(`${api}/v1/proofs/${receipt.cid}`);
    if (response.status !== 200) return undefined;
    const proof = (await response.json()) as TxFileProof;
    const anchor = proof.anchors.find((a) => a.chain === 'ergo');
    return anchor === undefined ? undefined : { proof, anchor };
  };
  let before: Awaited<ReturnType<typeof ergoAnchorOf>>;
  await waitUntil(
    'an Ergo anchor in the proof',
    async () => (before = await ergoAnchorOf()) !== undefined,
    3 * 60_000,
  );
  const { fullHeight: head } = (await (await fetch(`${ergo.nodeUrl()}/info`)).json()) as {
    fullHeight: number;
  };
  const depth = head - before!.anchor.height + 1;
  // On a busy machine the node mines on while the parser indexes: reach back past the anchor's
  // block (one block more, for one mined meanwhile), and never less than 3 blocks.
  const reach = Math.max(3, depth + 1);
  // Well short of the finality depth (40) the anchorer stops following at.
  assert.ok(reach <= 20, `the anchor is ${depth} blocks deep, beyond a short rollback`);
  await ergo.rollback(reach);
  const stalePath = join(dir, 'stale-proof.json');
  await writeFile(stalePath, JSON.stringify(before!.proof));
  // The proof moves to the new block once the anchor is mined again and indexed.
  let after: Awaited<ReturnType<typeof ergoAnchorOf>>;
  await waitUntil(
    'the proof updated to the new Ergo block',
    async () => {
      after = await ergoAnchorOf();
      return after !== undefined && after.anchor.headerId !== before!.anchor.headerId;
    },
    3 * 60_000,
  );
  // Sent again (the same transaction, or signed anew on the current anchor box when the node
  // refuses the old one): either way one anchor of the batch on Ergo, checked below.
  assert.equal(after!.proof.batch.sequence, before!.proof.batch.sequence);
  const freshPath = join(dir, 'updated-proof.json');
  await writeFile(freshPath, JSON.stringify(after!.proof));
  const nodes = ['--trust', await system.trustFile()];
  nodes.push('--evm-rpc', system.evmRpc(), '--ergo-node', ergo.nodeUrl());
  const { stdout } = await run(process.execPath, [CLI, 'verify', freshPath, ...nodes]);
  assert.match(stdout, /^verified tx-file /m);
  await assert.rejects(
    run(process.execPath, [CLI, 'verify', stalePath, ...nodes]),
    (error: { code?: number; stderr?: string }) => {
      return error.code === 1 && /NOT_CANONICAL|ANCHOR_NOT_FOUND/.test(error.stderr ?? '');
    },
  );
  const reader = new ErgoChainReader({
    nodeUrls: [ergo.nodeUrl()],
    network: 'testnet',
    tokenId: ergo.tokenId(),
    startHeight: ergo.startHeight(),
  });
  const all = [];
  for await (const page of reader.readAnchors(0, (await reader.head()).number)) all.push(...page.anchors);
  assert.equal(new Set(all.map((a) => a.sequence)).size, all.length, 'still one Ergo anchor per sequence');
  // The batch's EVM anchor reaches the index on its own clock (the trusted depth): wait for it,
  // or the rebuild below would find an anchor the live index had not taken in yet.
  await waitUntil(
    'the batch anchored on EVM too',
    async () => (await ergoAnchorOf())?.proof.anchors.some((a) => a.chain === 'evm') === true,
    3 * 60_000,
  );
}
