// `anchorpost release vote --sponsor` end to end: the release Governor and the sponsor's forwarder on
// one anvil, a real sponsor service (PGlite) in process, the CLI as a child process. A voter holding
// 0 ETH signs a Ballot, the sponsor sends castVoteBySig; the Governor counts the vote for that voter,
// the voter's balance stays 0, and the settled charge and the ledger line equal what the sponsor's
// account paid. A ballot for an unknown proposal and a second vote are refused with their codes
// before anything reaches the sponsor.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Interface } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { newApiKey } from '@anchorpost/relay-core';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { createLogger } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { deploySponsorContracts } from '@anchorpost/sponsor-contracts';
import { PostgresTenantReads, startSponsorService } from '@anchorpost/sponsor-service';
import { sponsorConfigForTests } from '@anchorpost/sponsor-service/testing';
import { assertFailure, cli } from './cli-process.ts';

const ETH = 10n ** 18n;
const governorReads = new Interface([
  'function name() view returns (string)',
  'function version() view returns (string)',
  'function hasVoted(uint256 proposalId, address account) view returns (bool)',
  'function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns (uint256)',
]);

let chain: ReleaseGovernanceTestChain;
let server: EmbeddedPostgres;
let database: Database;
let service: RunningService;
let apiKey: string;
let work: string;
let proposalId: string;

async function read(name: string, args: readonly unknown[]): Promise<unknown> {
  const data = governorReads.encodeFunctionData(name, args);
  const result = await chain.rpc.request<string>('eth_call', [
    { to: chain.deployment.governor, data },
    'latest',
  ]);
  return governorReads.decodeFunctionResult(name, result)[0];
}

async function balanceOf(address: string): Promise<bigint> {
  return BigInt(await chain.rpc.request<string>('eth_getBalance', [address, 'latest']));
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-sponsored-vote-'));
  chain = await startReleaseGovernanceTestChain();
  const { governor, chainId } = chain.deployment;
  const sponsorContracts = await deploySponsorContracts(chain.rpc, chain.deployer);
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  await database.prisma.tenant.create({ data: { id: 'dao' } });
  const key = newApiKey();
  await database.prisma.apiKey.create({
    data: { id: key.id, tenantId: 'dao', secretHash: key.secretHash, scopes: ['submit'] },
  });
  apiKey = key.key;
  const domain = { name: String(await read('name', [])), version: String(await read('version', [])) };
  service = await startSponsorService({
    config: sponsorConfigForTests(sponsorContracts.forwarder, { sendInterval: 200 }),
    database,
    rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId },
    policies: {
      policies: new Map([
        [
          'dao',
          {
            tenant: 'dao',
            allow: new Map([[governor, new Set([governorReads.getFunction('castVoteBySig')!.selector])]]),
            maxGas: 500_000n,
            periodSeconds: 86_400,
            tenantBudget: { wei: 2n * ETH, count: 100 },
            userBudget: { wei: ETH, count: 10 },
            minDeadlineSeconds: 30,
          },
        ],
      ]),
      governors: new Map([[governor, domain]]),
      accountKeyFiles: new Map(),
    },
    sharedSigner: chain.stranger,
    tenantSigners: new Map(),
    tenants: new PostgresTenantReads(database.prisma),
    logger: createLogger('sponsor', { level: 'silent' }),
    handleSignals: false,
  });
  const release = {
    manifestSha256: 'cd'.repeat(32),
    manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
    version: 1n,
    rollback: false,
  };
  ({ proposalId } = await chain.client.propose(chain.voters[0], release));
  await chain.advanceTime(chain.parameters.votingDelay + 1);
  // The voter's votes were delegated at deployment; its ether is taken away: it pays nothing.
  await chain.rpc.request('anvil_setBalance', [chain.voters[1].address, '0x0']);
  await writeFile(join(work, 'voter.key'), chain.voters[1].privateKey);
});
after(async () => {
  await service.close();
  await database.close();
  await server.stop();
  await chain.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost release vote --sponsor', { timeout: 240_000 }, () => {
  const voteArgs = (proposal: string, support = 'for') => [
    'release',
    'vote',
    ...['--rpc', chain.anvil.rpcUrl, '--governor', chain.deployment.governor],
    ...['--registry', chain.deployment.registry, '--key-file', join(work, 'voter.key')],
    ...['--proposal', proposal, '--support', support],
    ...['--sponsor', service.urls['http']!, '--api-key', apiKey, '--timeout', '60'],
  ];

  it('casts the vote of a voter holding 0 ETH; the sponsor pays and charges what it paid', async () => {
    const voter = chain.voters[1].address;
    assert.equal(await balanceOf(voter), 0n);
    const sponsorBefore = await balanceOf(chain.stranger.address);
    const voted = await cli(...voteArgs(proposalId));
    assert.equal(voted.status, 0, voted.stderr);
    const weight = 35n * ETH;
    const shown = new RegExp(
      `^voted for on proposal ${proposalId}\\n  voter ${voter}\\n  weight ${weight}\\n` +
        `  tx (0x[0-9a-f]{64}) \\(paid by the sponsor, sponsorship (0x[0-9a-f]{64})\\)\\n$`,
    ).exec(voted.stdout);
    assert.ok(shown, voted.stdout);
    const [, txHash, digest] = shown;

    assert.equal(await read('hasVoted', [proposalId, voter]), true);
    const status = await chain.client.proposalStatus(proposalId);
    assert.equal(status.votes.for, weight, 'the Governor counts the vote for that voter');
    assert.equal(await balanceOf(voter), 0n, 'the voter still holds nothing');

    const receipt = await chain.rpc.request<{ from: string; gasUsed: string; effectiveGasPrice: string }>(
      'eth_getTransactionReceipt',
      [txHash],
    );
    assert.equal(receipt.from.toLowerCase(), chain.stranger.address.toLowerCase(), 'the sponsor sent it');
    const paid = BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice);
    assert.equal(sponsorBefore - (await balanceOf(chain.stranger.address)), paid);

    // Settled at the finality depth: the charge and the ledger line are what the account paid.
    for (let i = 0; ; i += 1) {
      await chain.rpc.request('anvil_mine', ['0x1']);
      const settled = await database.prisma.sponsorship.findUnique({ where: { digest: digest! } });
      if (settled?.state === 'settled') {
        assert.equal(BigInt(settled.chargedWei!.toFixed()), paid);
        break;
      }
      assert.ok(i < 100, `sponsorship still ${settled?.state}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ledger = await cli('sponsor', 'ledger', '--sponsor', service.urls['http']!, '--api-key', apiKey);
    assert.equal(ledger.status, 0, ledger.stderr);
    assert.match(
      ledger.stdout,
      new RegExp(`^1 line ${digest} tx ${txHash} charged ${paid} wei, user ${voter}\\n`),
    );
  });

  it('refuses a second vote, a ballot for an unknown proposal or one not open yet, asking the sponsor nothing', async () => {
    const before = await database.prisma.sponsorship.count();
    assertFailure(await cli(...voteArgs(proposalId, 'against')), 'ALREADY_VOTED', 'key-file');
    assertFailure(await cli(...voteArgs('12345')), 'UNKNOWN_PROPOSAL', 'governor');
    const pending = await chain.client.propose(chain.voters[0], {
      manifestSha256: 'ef'.repeat(32),
      manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      version: 2n,
      rollback: false,
    });
    assertFailure(await cli(...voteArgs(pending.proposalId)), 'NOT_YET', 'governor');
    assert.equal(await database.prisma.sponsorship.count(), before, 'nothing reached the sponsor');
    assert.equal((await chain.client.proposalStatus(proposalId)).votes.against, 0n);
  });
});
