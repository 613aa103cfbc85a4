// Phase verify-proofs: every receipted file's proof fetched from the proof API and checked with
// `anchorpost verify` against the chain under the platform's trust roots; a tampered proof fails.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrustRoots, type TxFileProof } from '@anchorpost/proofs';
import { waitUntil, type Receipt } from '../clients.ts';
import { publishedTrustRoots } from '../trust-roots.ts';
import { CLI, run } from './cli.ts';
import type { Scene } from './state.ts';

export async function verifyProofs(scene: Scene, receipts: ReadonlyMap<string, Receipt>): Promise<void> {
  const { dir, system } = scene;
  const api = system.proofApiUrl();
  const proofDir = join(dir, 'proofs');
  await mkdir(proofDir, { recursive: true });
  const pending = new Set(receipts.keys());
  const proofs = new Map<string, TxFileProof>();
  await waitUntil(
    'a proof for every file',
    async () => {
      const round = [...pending];
      for (let i = 0; i < round.length; i += 16) {
        await Promise.all(
          round.slice(i, i + 16).map(async (cid) => {
            const response = await fetch(`${api}/v1/proofs/${cid}`);
            // Not anchored deep enough yet (202), or the API busy for a moment (503, retryable).
            if (response.status === 202 || response.status === 503) {
              await response.body?.cancel();
              return;
            }
            assert.equal(response.status, 200, `proof of ${cid}`);
            const proof = (await response.json()) as TxFileProof;
            // With Ergo on, a proof is complete once it carries both chains' anchors.
            const chains = new Set(proof.anchors.map((a) => a.chain));
            if (system.ergo !== undefined && !(chains.has('evm') && chains.has('ergo'))) return;
            proofs.set(cid, proof);
            pending.delete(cid);
          }),
        );
      }
      return pending.size === 0;
    },
    5 * 60_000,
  );
  const paths: string[] = [];
  for (const [cid, proof] of proofs) {
    assert.equal(proof.txFile, cid);
    const path = join(proofDir, `${cid}.json`);
    await writeFile(path, JSON.stringify(proof));
    paths.push(path);
  }
  // The verifier needs nothing of ours at verification time: the proof files, the chains' own
  // nodes, and the trust roots it keeps (the platform's, checked here against what it serves).
  const trustFile = await system.trustFile();
  const trust = parseTrustRoots(await readFile(trustFile, 'utf8'));
  assert.deepEqual(
    trust,
    await publishedTrustRoots(api),
    'the trust file is what GET /v1/trust-roots serves',
  );
  assert.equal(trust.evm[0]?.contract, system.contractAddress().toLowerCase());
  if (system.ergo !== undefined) assert.equal(trust.ergo[0]?.tokenId, system.ergo.tokenId());
  const nodes = ['--trust', trustFile, '--evm-rpc', system.evmRpc()];
  // Without an Ergo node "sent after" cannot be established: said explicitly, as a user must.
  nodes.push(...(system.ergo === undefined ? ['--no-lower-bound'] : ['--ergo-node', system.ergo.nodeUrl()]));
  for (let i = 0; i < paths.length; i += 200) {
    const { stdout } = await run(process.execPath, [CLI, 'verify', ...paths.slice(i, i + 200), ...nodes], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const count = Math.min(200, paths.length - i);
    assert.equal(stdout.match(/^verified tx-file /gm)?.length, count);
    assert.equal(stdout.match(/^ {2}trusted: every anchor is in the trust roots of /gm)?.length, count);
    if (system.ergo !== undefined) {
      // Both anchors checked, and the time window's lower end read from the Ergo node.
      assert.equal(stdout.match(/^ {2}anchor ergo:testnet: /gm)?.length, count);
      assert.equal(stdout.match(/^ {2}anchor evm:31337: /gm)?.length, count);
      // The trustedblock each file names was found on the Ergo chain.
      assert.equal(
        stdout.match(/^ {2}sent after: \S+ \(the tx-file's trustedblock, .* is on the best chain\)$/gm)
          ?.length,
        count,
      );
    } else {
      assert.equal(stdout.match(/^ {2}sent after: NOT ESTABLISHED \(--no-lower-bound\)/gm)?.length, count);
    }
  }
  // And a tampered proof is refused with exit 1: one file's proof claiming another file.
  const [[, first], [otherCid]] = [...proofs.entries()] as [[string, TxFileProof], [string, TxFileProof]];
  await writeFile(join(dir, 'tampered.json'), JSON.stringify({ ...first, txFile: otherCid }));
  await assert.rejects(
    run(process.execPath, [CLI, 'verify', join(dir, 'tampered.json'), ...nodes]),
    (error: { code?: number }) => error.code === 1,
  );
}
