/**
 * `anchorpost release` end to end against anvil: a manifest built and signed, proposed (checked
 * against the builder's key and the registry first), voted, queued, executed after the review
 * window, and read back by `status`; a downgrade and a foreign signature refused before proposing.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cidForBytes } from '@anchorpost/protocol';
import { RELEASE_SERVICES } from '@anchorpost/release';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { assertFailure, cli } from './cli-process.ts';

const COMMIT = '9a8b7c6d5e4f30211203948576afbecd01234567';

describe('anchorpost release', () => {
  let chain: ReleaseGovernanceTestChain;
  let dir: string;
  const at = (name: string) => join(dir, name);
  const chainArgs = () => [
    '--rpc',
    chain.anvil.rpcUrl,
    '--governor',
    chain.deployment.governor,
    '--registry',
    chain.deployment.registry,
  ];

  async function manifest(name: string, version: number, key = 'builder.pem', extra: string[] = []) {
    const images = RELEASE_SERVICES.flatMap((s) => [
      '--image',
      `${s}=ghcr.io/anchorpost/${s}@sha256:${Buffer.from(`${s}:${version}`.padEnd(32, '-')).toString('hex')}`,
    ]);
    const result = await cli(
      'release',
      'manifest',
      ...['--version', String(version), '--repository', 'https://github.com/anchorpost/anchorpost'],
      ...['--commit', COMMIT, '--chart-version', '0.1.0', ...images],
      ...[
        '--builder-id',
        'https://ci.example/anchorpost/release',
        '--signing-key',
        at(key),
        '--out',
        at(name),
      ],
      ...extra,
    );
    assert.equal(result.status, 0, result.stderr);
    return result;
  }

  before(async () => {
    chain = await startReleaseGovernanceTestChain();
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-release-'));
    for (const name of ['builder', 'stranger']) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      await writeFile(at(`${name}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
      await writeFile(at(`${name}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
    }
    for (const [i, voter] of chain.voters.entries()) await writeFile(at(`voter${i}.key`), voter.privateKey);
  });
  after(async () => {
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('builds a manifest, then proposes, votes, queues and executes its approval', async () => {
    const built = await manifest('v7.json', 7);
    const bytes = await readFile(at('v7.json'));
    const cid = await cidForBytes(bytes);
    assert.match(built.stdout, new RegExp(`^cid ${cid}\\nsha256 [0-9a-f]{64}\\nversion 7\\n$`));

    const proposed = await cli(
      'release',
      'propose',
      ...chainArgs(),
      ...[
        '--key-file',
        at('voter0.key'),
        '--manifest',
        at('v7.json'),
        '--trusted-key',
        at('builder.pub.pem'),
      ],
    );
    assert.equal(proposed.status, 0, proposed.stderr);
    const proposalId = /^proposal (\d+)\n$/.exec(proposed.stdout)![1]!;

    const early = await cli(
      'release',
      'vote',
      ...chainArgs(),
      '--key-file',
      at('voter0.key'),
      '--proposal',
      proposalId,
      '--support',
      'for',
    );
    assertFailure(early, 'NOT_YET', 'governor');
    await chain.advanceTime(chain.parameters.votingDelay + 1);
    for (const [i, support] of ['for', 'for', 'against'].entries()) {
      const voted = await cli(
        'release',
        'vote',
        ...chainArgs(),
        ...['--key-file', at(`voter${i}.key`), '--manifest', at('v7.json'), '--support', support],
      );
      assert.equal(voted.status, 0, voted.stderr);
      assert.equal(voted.stdout, `voted ${support} on proposal ${proposalId}\n`);
    }
    await chain.advanceTime(chain.parameters.votingPeriod + 1);

    const step = (name: string) =>
      cli('release', name, ...chainArgs(), '--key-file', at('voter2.key'), '--manifest', at('v7.json'));
    assert.equal((await step('queue')).status, 0);
    assertFailure(await step('execute'), 'NOT_YET', 'governor');
    await chain.advanceTime(chain.parameters.reviewWindow);
    const executed = await step('execute');
    assert.equal(executed.status, 0, executed.stderr);
    assert.equal(executed.stdout, `executed proposal ${proposalId}\n`);

    const status = await cli('release', 'status', ...chainArgs(), '--manifest', at('v7.json'));
    assert.equal(status.status, 0, status.stderr);
    const report = JSON.parse(status.stdout) as {
      proposal: { state: string; votes: { for: string } };
      registry: { current: { version: string; manifestCid: string }; paused: boolean };
    };
    assert.equal(report.proposal.state, 'Executed');
    assert.equal(report.proposal.votes.for, String(75n * 10n ** 18n));
    assert.equal(report.registry.current.version, '7');
    assert.equal(report.registry.current.manifestCid, cid);
    assert.equal(report.registry.paused, false);
  });

  it('refuses to propose a downgrade or images signed by an untrusted key', async () => {
    const propose = (file: string) =>
      cli(
        'release',
        'propose',
        ...chainArgs(),
        ...['--key-file', at('voter1.key'), '--manifest', at(file), '--trusted-key', at('builder.pub.pem')],
      );
    await manifest('v3.json', 3);
    assertFailure(await propose('v3.json'), 'DOWNGRADE', 'version');
    await manifest('v8-foreign.json', 8, 'stranger.pem');
    assertFailure(
      await propose('v8-foreign.json'),
      'UNTRUSTED_SIGNER',
      'images.relay.bundle.dsseEnvelope.signatures',
    );
  });

  it('says in its help how to vote directly or through the sponsor, and refuses bad arguments', async () => {
    const help = await cli('release', '--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /without --sponsor a direct vote, paid by the voter; with it a gasless vote/);
    assertFailure(
      await cli('release', 'vote', ...chainArgs(), '--proposal', '1', '--support', 'maybe'),
      'USAGE',
      '-',
      2,
    );
    assertFailure(await cli('release', 'status', '--rpc', chain.anvil.rpcUrl), 'USAGE', '-', 2);
  });
});
