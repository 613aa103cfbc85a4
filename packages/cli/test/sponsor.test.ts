// `anchorpost sponsor status | budget` as child processes against a real sponsor service (anvil,
// PGlite): a tenant reads where its sponsorship is and what its budget has left; an unknown digest
// and a missing key fail with their codes; it lists its ledger, and `reconcile` exits 1 on a charge
// without an anchored line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { fixtureSettledSponsorship } from '@anchorpost/db/testing';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { PostgresSponsorLedger, PostgresTenantReads, startSponsorService } from '@anchorpost/sponsor-service';
import { assertFailure, cli } from './cli-process.ts';
import { sponsorConfigForTests } from '@anchorpost/sponsor-service/testing';

const ETH = 10n ** 18n;
const DIGEST = `0x${'ab'.repeat(32)}`;

let chain: SponsorTestChain;
let server: EmbeddedPostgres;
let database: Database;
let service: RunningService;
let apiKey: string;
const user = Wallet.createRandom().address;

before(async () => {
  chain = await startSponsorTestChain();
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  await database.prisma.tenant.create({ data: { id: 'acme' } });
  const key = newApiKey();
  await database.prisma.apiKey.create({
    data: { id: key.id, tenantId: 'acme', secretHash: key.secretHash, scopes: ['submit'] },
  });
  apiKey = key.key;
  const periodSeconds = 86_400;
  const now = BigInt(Math.floor(Date.now() / 1000));
  service = await startSponsorService({
    config: sponsorConfigForTests(chain.deployment.forwarder, {
      sendMarginSeconds: 600,
      sendInterval: 1_000,
      maxSendBackoff: 5_000,
    }),
    database,
    rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId: Number(chain.deployment.chainId) },
    policies: {
      policies: new Map([
        [
          'acme',
          {
            tenant: 'acme',
            allow: new Map(),
            maxGas: 500_000n,
            periodSeconds,
            tenantBudget: { wei: 2n * ETH, count: 100 },
            userBudget: { wei: ETH, count: 10 },
            minDeadlineSeconds: 30,
          },
        ],
      ]),
      governors: new Map(),
      accountKeyFiles: new Map(),
    },
    sharedSigner: chain.sponsor,
    tenantSigners: new Map(),
    tenants: new PostgresTenantReads(database.prisma),
    logger: createLogger('sponsor', { level: 'silent' }),
    handleSignals: false,
  });
  // Accepted, not yet sent (its deadline is inside the sender's margin): `pending`.
  await database.sponsorships.reserve(
    {
      digest: DIGEST,
      tenant: 'acme',
      user,
      kind: 'forward',
      to: chain.deployment.keyRegistry,
      data: '0x',
      gasLimit: 100_000n,
      maxFeePerGas: 10n ** 10n,
      deadline: now + 300n,
      periodStart: now - (now % BigInt(periodSeconds)),
      acceptedAt: now,
    },
    () => null,
  );
});
after(async () => {
  await service.close();
  await database.close();
  await server.stop();
  await chain.close();
});

describe('anchorpost sponsor', { timeout: 120_000 }, () => {
  const at = () => ['--sponsor', service.urls['http']!, '--api-key', apiKey];

  it('shows where a sponsorship is', async () => {
    const shown = await cli('sponsor', 'status', DIGEST, ...at());
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stdout, `${DIGEST} pending\n  user ${user}\n  reserved 0.001 ETH\n`);
    assertFailure(await cli('sponsor', 'status', `0x${'cd'.repeat(32)}`, ...at()), 'NOT_FOUND');
  });

  it('shows what the period has used of the tenant’s and a user’s budget', async () => {
    const shown = await cli('sponsor', 'budget', '--user', user, ...at());
    assert.equal(shown.status, 0, shown.stderr);
    const lines = shown.stdout.split('\n');
    assert.match(lines[0]!, /^period \S+ to \S+$/);
    assert.equal(lines[1], 'tenant: 0.001 ETH of 2 ETH, 1 of 100 sponsorships');
    assert.equal(lines[2], `user ${user}: 0.001 ETH of 1 ETH, 1 of 10 sponsorships`);
  });

  it('needs the tenant’s API key', async () => {
    assertFailure(
      await cli(
        'sponsor',
        'budget',
        '--sponsor',
        service.urls['http']!,
        '--api-key',
        'apk_0000000000000000_x',
      ),
      'UNAUTHENTICATED',
    );
  });

  it('lists the ledger with each record’s place, and reconcile exits 1 on a charge without an anchored line', async () => {
    const clean = await cli('sponsor', 'reconcile', ...at());
    assert.equal(clean.status, 0, clean.stderr);
    assert.match(clean.stdout, /^lines 0 \(0 records not at the relay yet\)\n/);
    // Settled in an earlier period (the budget test above stays true), its line recorded; this
    // service sends no ledger to a relay, so the line is not anchored.
    const digest = `0x${'ef'.repeat(32)}`;
    const txHash = `0x${'12'.repeat(32)}`;
    await database.prisma.sponsorship.create({
      data: fixtureSettledSponsorship({
        digest,
        user,
        kind: 'ballot',
        to: chain.deployment.keyRegistry,
        data: '0x56781388',
        txHash,
      }),
    });
    await new PostgresSponsorLedger(database.prisma).recordLine({
      tenant: 'acme',
      user,
      digest,
      kind: 'ballot',
      target: chain.deployment.keyRegistry,
      selector: '0x56781388',
      account: chain.sponsor.address,
      txHash,
      gasUsed: 21_000n,
      effectiveGasPrice: 1n,
      chargedWei: 21_000n,
      succeeded: true,
    });
    const listed = await cli('sponsor', 'ledger', ...at());
    assert.equal(listed.status, 0, listed.stderr);
    assert.equal(
      listed.stdout,
      `1 line ${digest} tx ${txHash} charged 21000 wei, user ${user}\n  not built yet\n`,
    );
    const found = await cli('sponsor', 'reconcile', ...at());
    assert.equal(found.status, 1);
    assert.match(found.stdout, /^lines 0 \(1 records not at the relay yet\)\n/);
    assert.match(found.stdout, new RegExp(`^LEDGER_LINE_MISSING ${digest} -: `, 'm'));
  });
});
