/**
 * The release pipeline on one machine (test/release-pipeline.ts sets it up: anvil with the release
 * governance, the manifest on the embedded storage, PGlite, a bare GitOps remote, kustomize +
 * kubeconform, the Argo CD API test double). One chain, one release after another:
 *   a release from proposal to running digests; an execute undone by a reorg before confirmation
 *   depth; refusals and ignored proposals, each with its code in the deploy log and a metric; a
 *   pause that holds a release; an updater killed after its push, racing another pusher; and the
 *   deploy log those releases wrote, anchored: each record's tx-file proven on a chain. (The time
 *   from execute to commit is measured by bench/execute-to-commit.ts, not here.)
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assembleProof, verifyProof } from '@anchorpost/proofs';
import { startProofFixture } from '@anchorpost/proofs/testing';
import { openTxFile, parseTxFile } from '@anchorpost/protocol';
import { canonicalJson, RELEASE_SERVICES } from '@anchorpost/release';
import { anchorDeployLog, renderedImages, runCommand, verifyDeployLog } from '@anchorpost/updater-core';
import type { CommandRunner } from '@anchorpost/updater-core';
import { deployLogWriterForTests, k8sTools, TxFileRelayTestDouble } from '@anchorpost/updater-core/testing';
import { keyPair, REPO, startReleasePipeline, until } from './release-pipeline.ts';
import type { ReleasePipeline } from './release-pipeline.ts';

const DEPTH = 3;
const tools = k8sTools(REPO);

describe(
  'the release pipeline, vote to running digests',
  { skip: 'skip' in tools ? tools.skip : false },
  () => {
    let p: ReleasePipeline;
    const attacker = keyPair();

    before(async () => {
      if ('skip' in tools) return;
      p = await startReleasePipeline({ dryRun: tools.dryRun, depth: DEPTH, pollIntervalMs: 50 });
    });
    after(async () => {
      if ('skip' in tools) return;
      await p.close();
    });

    const trailerCount = async (proposalId: string) =>
      (await p.remote.git(['log', '--format=%(trailers:key=Anchorpost-Proposal,valueonly)', 'release']))
        .split('\n')
        .filter((line) => line.trim() === proposalId).length;

    it('deploys a release: verdict in the review window, commit on release, Synced and Healthy, the voted digests running', async () => {
      const m1 = await p.manifest(1);
      const approval = p.approvalOf(m1);
      const proposalId = await p.voted(approval);
      const u = p.updater();
      await u.runOnce();
      assert.deepEqual(await p.steps(proposalId), ['verdict:ok']);
      assert.equal(
        (await p.chain.client.proposalStatus(proposalId)).state,
        'Queued',
        'the verdict comes during the review window',
      );

      const before_ = await p.releaseTip();
      u.start();
      try {
        await p.execute(approval);
        await p.mine(DEPTH - 1); // the execute block now has DEPTH confirmations
        await until('the release commit', async () => (await p.releaseTip()) !== before_);
        await until('the running digests', async () => (await p.steps(proposalId)).includes('running:ok'));
      } finally {
        await u.stop();
      }
      assert.deepEqual(await p.steps(proposalId), ['verdict:ok', 'commit:ok', 'sync:ok', 'running:ok']);

      const tip = await p.releaseTip();
      const message = await p.remote.git(['log', '-1', '--format=%B', tip]);
      assert.match(message, new RegExp(`^Anchorpost-Proposal: ${proposalId}$`, 'm'));
      assert.match(message, new RegExp(`^Anchorpost-Manifest: ${m1.cid}$`, 'm'));
      const verify = await runCommand('git', [
        '-C',
        p.remote.remote,
        '-c',
        `gpg.ssh.allowedSignersFile=${p.remote.allowedSignersFile}`,
        'verify-commit',
        tip,
      ]);
      assert.equal(verify.code, 0, verify.stderr);

      // What Argo CD would apply: kustomize build of prod at the release commit.
      const checkout = join(p.dir, 'prod-check');
      await runCommand('git', ['clone', '-q', '-b', 'release', p.remote.remote, checkout]);
      if ('skip' in tools) return;
      const build = await runCommand(join(tools.dryRun.kustomize), [
        'build',
        '--enable-helm',
        '--helm-command',
        tools.dryRun.helm,
        join(checkout, 'k8s/overlays/prod'),
      ]);
      assert.equal(build.code, 0, build.stderr);
      const deployed = RELEASE_SERVICES.filter((s) => s !== 'updater').map(
        (s) => `${m1.manifest.images[s].name}@${m1.manifest.images[s].digest}`,
      );
      assert.deepEqual([...new Set(renderedImages(build.stdout))].sort(), deployed.sort());
    });

    it('changes nothing when a reorg undoes the execute before confirmation depth', async () => {
      const m2 = await p.manifest(2);
      const approval = p.approvalOf(m2);
      const proposalId = await p.voted(approval);
      const u = p.updater();
      await u.runOnce();
      const tip = await p.releaseTip();
      const snapshot = await p.chain.rpc.request<string>('evm_snapshot', []);
      await p.execute(approval);
      await p.mine(1); // the execute block has DEPTH - 1 confirmations: one short
      await u.runOnce();
      assert.equal((await p.store.proposal(proposalId))?.phase, 'reviewed');
      assert.equal(await p.chain.rpc.request('evm_revert', [snapshot]), true);
      await p.mine(DEPTH + 2); // another branch, longer, without the execute
      const reorgsBefore = p.reorgs();
      await u.runOnce();
      assert.equal(p.reorgs(), reorgsBefore + 1, "the cursor's block left the chain: read again");
      assert.equal((await p.store.proposal(proposalId))?.phase, 'reviewed');
      assert.equal(await p.releaseTip(), tip);
      assert.deepEqual(await p.steps(proposalId), ['verdict:ok']);
      assert.equal((await p.chain.client.registryStatus()).highestVersion, 1n);

      // Executed for real this time, and then deployed.
      await p.execute(approval);
      await p.mine(DEPTH - 1);
      await u.runOnce();
      assert.equal((await p.store.proposal(proposalId))?.phase, 'committed');
      assert.equal(await trailerCount(proposalId), 1);
    });

    it('ignores a defeated proposal and one cancelled by the guardian while queued, with the reason', async () => {
      const defeated = await p.voted(p.approvalOf(await p.manifest(3, { salt: 'defeated' })), 'against');
      const queued = p.approvalOf(await p.manifest(3, { salt: 'cancelled' }));
      const cancelled = await p.voted(queued);
      const u = p.updater();
      await u.runOnce();
      assert.deepEqual(await p.steps(defeated), ['ignored:ignored:DEFEATED']);
      assert.deepEqual(await p.steps(cancelled), ['verdict:ok']);
      await p.chain.client.cancel(p.chain.guardian, queued);
      await p.mine(DEPTH);
      await u.runOnce();
      assert.deepEqual(await p.steps(cancelled), ['verdict:ok', 'ignored:ignored:CANCELED']);
    });

    it('refuses, in its verdict, a hash mismatch, an untrusted signer and a downgrade without rollback', async () => {
      const m = await p.manifest(4, { salt: 'hash' });
      const wrongHash = await p.voted({
        ...p.approvalOf(m),
        manifestSha256: createHash('sha256').update('other bytes').digest('hex'),
      });
      const wrongSigner = await p.voted(
        p.approvalOf(await p.manifest(4, { salt: 'signer', signingKey: attacker.privateKey })),
      );
      const downgrade = await p.voted(p.approvalOf(await p.manifest(1, { salt: 'downgrade' })));
      await p.updater().runOnce();
      assert.deepEqual(await p.steps(wrongHash), ['verdict:refused:SHA256_MISMATCH']);
      assert.deepEqual(await p.steps(wrongSigner), ['verdict:refused:UNTRUSTED_SIGNER']);
      assert.deepEqual(await p.steps(downgrade), ['verdict:refused:DOWNGRADE']);
    });

    it('holds an approved release while the registry is paused, and deploys it when the pause ends', async () => {
      const approval = p.approvalOf(await p.manifest(5));
      const proposalId = await p.voted(approval);
      const u = p.updater();
      await u.runOnce();
      const tip = await p.releaseTip();
      await p.execute(approval);
      const pauseSeconds = 3_600n;
      await p.chain.client.pauseRegistry(p.chain.guardian, (await p.chain.latestTimestamp()) + pauseSeconds);
      await p.mine(DEPTH);
      await u.runOnce();
      await u.runOnce();
      assert.deepEqual(await p.steps(proposalId), ['verdict:ok', 'held:held:REGISTRY_PAUSED'], 'logged once');
      assert.equal(await p.releaseTip(), tip);
      await p.chain.advanceTime(Number(pauseSeconds) + 1);
      await u.runOnce();
      assert.equal((await p.store.proposal(proposalId))?.phase, 'committed');
      assert.notEqual(await p.releaseTip(), tip);
    });

    it('an updater killed after a push that raced another commit leaves one release commit, over the other one', async () => {
      const approval = p.approvalOf(await p.manifest(6));
      const proposalId = await p.voted(approval);
      await p.updater().runOnce();
      await p.execute(approval);
      await p.mine(DEPTH - 1);
      let otherCommit = '';
      let pushes = 0;
      const racingThenKilled: CommandRunner = async (file, args, options) => {
        if (args.includes('push') && pushes++ === 0) {
          otherCommit = await p.remote.pushOtherCommit(
            'k8s/overlays/prod/OPERATOR-NOTES.md',
            'a note by an operator\n',
            'prod: a note by an operator',
          );
        }
        const result = await runCommand(file, args, options);
        if (args.includes('push') && result.code === 0) throw new Error('killed right after the push');
        return result;
      };
      await p.updater(racingThenKilled).runOnce();
      assert.equal(
        (await p.store.proposal(proposalId))?.phase,
        'approved',
        'the kill came before the commit was recorded',
      );
      await p.updater().runOnce();
      const record = await p.store.proposal(proposalId);
      assert.equal(record?.phase, 'committed');
      assert.equal(await trailerCount(proposalId), 1, 'no duplicate commit');
      assert.equal(
        (await p.remote.git(['rev-parse', 'release~1'])).trim(),
        otherCommit,
        'built on the other commit',
      );
      assert.equal(
        await p.remote.git(['show', 'release:k8s/overlays/prod/OPERATOR-NOTES.md']),
        'a note by an operator\n',
      );
      const commitEntry = (await p.logOf(proposalId)).find((e) => e.step === 'commit');
      assert.equal(commitEntry?.detail['alreadyOnBranch'], 'true');
    });

    it('deploys a rollback only when it returns to the images of the version it names', async () => {
      const forged = await p.voted(p.approvalOf(await p.manifest(5, { rollback: true, salt: 'not-v5' })));
      const rollback = p.approvalOf(await p.manifest(5, { rollback: true, salt: 'v5' }));
      const proposalId = await p.voted(rollback);
      const u = p.updater();
      await u.runOnce();
      assert.deepEqual(await p.steps(forged), ['verdict:refused:ROLLBACK_DIGEST_MISMATCH']);
      assert.deepEqual(await p.steps(proposalId), ['verdict:ok']);
      await p.execute(rollback);
      await p.mine(DEPTH - 1);
      await u.runOnce();
      assert.equal((await p.store.proposal(proposalId))?.phase, 'committed');
      assert.match(
        await p.remote.git(['log', '-1', '--format=%s', 'release']),
        /^prod: rollback to version 5/,
      );
      // The forward release 5's verdict named the pins; the rollback pins them again.
      const forward = (await p.store.deployLog()).find(
        (e) => e.step === 'verdict' && e.outcome === 'ok' && e.detail['version'] === '5',
      );
      const overlay = await p.remote.git(['show', 'release:k8s/overlays/prod/kustomization.yaml']);
      const pins = forward?.detail['pins']?.split(' ') ?? [];
      assert.equal(pins.length, 7, 'the five services, migrate and the sponsor');
      for (const pin of pins) assert.ok(overlay.includes(`digest: ${pin.split('@')[1]!}`), pin);
    });

    it('keeps an unbroken hash-chained deploy log, and counts every refusal in the metrics', async () => {
      const log = await p.store.deployLog();
      verifyDeployLog(log);
      assert.deepEqual(
        (await p.store.openProposals()).map((record) => record.phase),
        ['committed'],
        'only the newest release is still followed',
      );
      const text = await p.metrics.registry.metrics();
      for (const [step, outcome, code] of [
        ['ignored', 'ignored', 'DEFEATED'],
        ['ignored', 'ignored', 'CANCELED'],
        ['verdict', 'refused', 'SHA256_MISMATCH'],
        ['verdict', 'refused', 'UNTRUSTED_SIGNER'],
        ['verdict', 'refused', 'DOWNGRADE'],
        ['held', 'held', 'REGISTRY_PAUSED'],
        ['verdict', 'refused', 'ROLLBACK_DIGEST_MISMATCH'],
      ]) {
        assert.match(
          text,
          new RegExp(
            `anchorpost_updater_deploy_log_records_total\\{step="${step}",outcome="${outcome}",code="${code}"\\} 1`,
          ),
        );
      }
    });

    it('anchors that deploy log: each record a tx-file in an anchored batch, its proof verifying, opening to the record', async () => {
      const fixture = await startProofFixture();
      try {
        const { writer, keys } = await deployLogWriterForTests();
        const relay = new TxFileRelayTestDouble();
        const log = await p.store.deployLog();
        assert.equal(await anchorDeployLog(p.store, writer, relay), log.length);
        const { cids } = relay;
        const batch = await fixture.sealBatch(cids.length, { entries: cids });
        await fixture.recordAnchor(batch, await fixture.anchorOnChain(batch));
        for (const [i, entry] of log.entries()) {
          const proof = await assembleProof(fixture.database.index, cids[i]!, { head: () => fixture.head() });
          const verified = await verifyProof(proof, {
            evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
            trust: fixture.trustRoots,
            acceptNoLowerBound: true,
          });
          assert.equal(verified.txFile, cids[i]);
          const opened = openTxFile(parseTxFile(relay.received[i]!), { group: keys });
          assert.equal(
            new TextDecoder().decode(opened.message.data),
            canonicalJson(entry),
            `record ${entry.seq}`,
          );
        }
        assert.ok(
          log.some((e) => e.step === 'running' && e.outcome === 'ok'),
          'the running digests are among the proven records',
        );
      } finally {
        await fixture.close();
      }
    });
  },
);
