/**
 * The sponsor service end to end on anvil and PGlite: callers authenticate with the relay's API
 * keys (a stranger gets 401 and reserves nothing), a signed request is accepted over HTTP (201) and
 * answered again as a replay (200, nothing more reserved), the sending loop sends and settles it
 * and its status reaches `mined`; another tenant cannot read it (404 NOT_FOUND); refusals carry
 * their stable code on both transports (HTTP status and gRPC status by kind, code in trailers).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { credentials, loadPackageDefinition, Metadata, status } from '@grpc/grpc-js';
import type { ServiceClientConstructor, ServiceError } from '@grpc/grpc-js';
import { keccak256, toUtf8Bytes } from 'ethers';
import { Wallet } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { TenantPolicy } from '@anchorpost/sponsor-core';
import { loadSponsorProto } from '../src/grpc/sponsor-proto.ts';
import { PostgresTenantReads } from '../src/postgres-tenant-reads.ts';
import { startSponsorService } from '../src/sponsor-service.ts';
import { forwardRequestBody } from './forward-request-body.ts';
import { sponsorConfigForTests } from '../src/testing.ts';

type Call = (
  request: object,
  metadata: Metadata,
  callback: (error: ServiceError | null, value?: unknown) => void,
) => void;

describe('the sponsor service on anvil with PostgreSQL', () => {
  let chain: SponsorTestChain;
  let server: EmbeddedPostgres;
  let database: Database;
  let service: RunningService;
  const keys: Record<string, string> = {};
  let client: Record<'RequestSponsorship' | 'GetSponsorship', Call> & { close(): void };

  before(async () => {
    chain = await startSponsorTestChain();
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    for (const tenant of ['acme', 'globex']) {
      await database.prisma.tenant.create({ data: { id: tenant } });
      const key = newApiKey();
      await database.prisma.apiKey.create({
        data: { id: key.id, tenantId: tenant, secretHash: key.secretHash, scopes: ['submit'] },
      });
      keys[tenant] = key.key;
    }
    const policy = (tenant: string): TenantPolicy => ({
      tenant,
      allow: new Map([[chain.deployment.keyRegistry, new Set([registry.getFunction('register')!.selector])]]),
      maxGas: 500_000n,
      periodSeconds: 86_400,
      tenantBudget: { wei: 10n ** 18n, count: 100 },
      userBudget: { wei: 10n ** 17n, count: 10 },
      minDeadlineSeconds: 30,
    });
    service = await startSponsorService({
      config: sponsorConfigForTests(chain.deployment.forwarder, {
        treasuryKeyFile: 'unused: signer given',
        // Above the dev accounts' 10,000 ETH: both sponsor accounts are refilled at once.
        treasuryMinimum: 10_001n * 10n ** 18n,
        treasuryDailyCap: 100_000n * 10n ** 18n,
        treasuryInterval: 200,
      }),
      database,
      rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId: Number(chain.deployment.chainId) },
      policies: {
        policies: new Map([
          ['acme', policy('acme')],
          ['globex', policy('globex')],
        ]),
        governors: new Map(),
        accountKeyFiles: new Map(),
      },
      sharedSigner: chain.sponsor,
      tenantSigners: new Map([['globex', chain.stranger]]),
      treasurySigner: new Wallet(chain.anvil.privateKeys[3]!),
      tenants: new PostgresTenantReads(database.prisma),
      logger: createLogger('sponsor', { level: 'warn' }),
      handleSignals: false,
    });
    const definition = loadPackageDefinition(loadSponsorProto()) as unknown as {
      anchorpost: { sponsor: { v1: { SponsorService: ServiceClientConstructor } } };
    };
    client = new definition.anchorpost.sponsor.v1.SponsorService(
      service.urls['grpc']!,
      credentials.createInsecure(),
    ) as unknown as typeof client;
  });
  after(async () => {
    client.close();
    await service.close();
    await database.close();
    await server.stop();
    await chain.close();
  });

  async function body(user: Wallet = chain.newUser(), fn = 'register'): Promise<Record<string, unknown>> {
    const args =
      fn === 'register'
        ? [
            keccak256(toUtf8Bytes(user.address)),
            'ed25519',
            'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
            user.address,
          ]
        : [];
    return forwardRequestBody(chain, user, fn, args, (await chain.latestTimestamp()) + 600n);
  }

  function http(path: string, tenant: string | null, payload?: unknown): Promise<Response> {
    return fetch(`${service.urls['http']}${path}`, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: {
        ...(tenant === null ? {} : { authorization: `Bearer ${keys[tenant]}` }),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
  }

  function grpc(method: 'RequestSponsorship' | 'GetSponsorship', request: object, tenant: string | null) {
    const metadata = new Metadata();
    if (tenant !== null) metadata.set('authorization', `Bearer ${keys[tenant]}`);
    return new Promise<{ error: ServiceError | null; value: unknown }>((resolve) => {
      client[method](request, metadata, (error, value) => {
        resolve({ error, value });
      });
    });
  }

  it('refuses a caller without an API key (401) and reserves nothing', async () => {
    const response = await http('/v1/sponsorships', null, await body());
    assert.equal(response.status, 401);
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'UNAUTHENTICATED');
    const answer = await grpc('RequestSponsorship', {}, null);
    assert.equal(answer.error?.code, status.UNAUTHENTICATED);
    assert.equal(await database.prisma.sponsorship.count(), 0);
  });

  it('accepts over HTTP (201), answers a replay with the first answer (200), sends it and reports it mined', async () => {
    const request = await body();
    const first = await http('/v1/sponsorships', 'acme', request);
    assert.equal(first.status, 201);
    const accepted = (await first.json()) as {
      firstTime: boolean;
      sponsorship: { digest: string; status: string };
    };
    assert.equal(accepted.firstTime, true);
    const again = await http('/v1/sponsorships', 'acme', request);
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { firstTime: boolean }).firstTime, false);
    assert.equal(await database.prisma.sponsorship.count({ where: { tenant: 'acme' } }), 1);
    let view: { status: string; chargedWei: string | null; txHash: string | null } | undefined;
    for (let i = 0; i < 100; i++) {
      const response = await http(`/v1/sponsorships/${accepted.sponsorship.digest}`, 'acme');
      assert.equal(response.status, 200);
      view = (await response.json()) as typeof view;
      if (view!.status === 'mined' || view!.status === 'final') break;
      await sleep(100);
    }
    assert.ok(view !== undefined && ['mined', 'final'].includes(view.status), JSON.stringify(view));
    assert.ok(view.chargedWei !== null && BigInt(view.chargedWei) > 0n);
    const tx = await chain.rpc.request<{ from: string }>('eth_getTransactionByHash', [view.txHash]);
    assert.equal(tx.from.toLowerCase(), chain.sponsor.address.toLowerCase(), 'paid by the shared account');
    const other = await http(`/v1/sponsorships/${accepted.sponsorship.digest}`, 'globex');
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'NOT_FOUND');
  });

  it('sends a tenant with an account of its own from that account', async () => {
    const response = await http('/v1/sponsorships', 'globex', await body());
    assert.equal(response.status, 201);
    const { sponsorship } = (await response.json()) as { sponsorship: { digest: string } };
    let txHash: string | null = null;
    for (let i = 0; i < 100 && txHash === null; i++) {
      await sleep(100);
      txHash = (await database.sponsorships.get(sponsorship.digest))?.txHash ?? null;
    }
    const tx = await chain.rpc.request<{ from: string }>('eth_getTransactionByHash', [txHash]);
    assert.equal(tx.from.toLowerCase(), chain.stranger.address.toLowerCase());
  });

  it('answers the tenant’s budget this period, and one user’s', async () => {
    const user = chain.newUser();
    assert.equal((await http('/v1/sponsorships', 'acme', await body(user))).status, 201);
    const response = await http(`/v1/budget?user=${user.address}`, 'acme');
    assert.equal(response.status, 200);
    const budget = (await response.json()) as {
      tenant: { budgetWei: string; spentCount: number; spentWei: string };
      user: { address: string; spentCount: number; budgetCount: number };
    };
    assert.equal(budget.tenant.budgetWei, (10n ** 18n).toString());
    assert.ok(budget.tenant.spentCount >= 2 && BigInt(budget.tenant.spentWei) > 0n);
    assert.equal(budget.user.address, user.address);
    assert.equal(budget.user.spentCount, 1);
    assert.equal(budget.user.budgetCount, 10);
    assert.equal((await http('/v1/budget?user=nobody', 'acme')).status, 400);
    assert.equal((await http('/v1/budget', null)).status, 401);
  });

  it('keeps the sponsor accounts above the treasury minimum, refilled to 120 % of it', async () => {
    const wanted = (12_001_2n * 10n ** 18n) / 10n;
    for (let i = 0; i < 100 && (await chain.balanceOf(chain.stranger.address)) < wanted - 10n ** 18n; i++) {
      await sleep(100);
    }
    for (const account of [chain.sponsor.address, chain.stranger.address]) {
      const balance = await chain.balanceOf(account);
      assert.ok(balance >= wanted - 10n ** 18n && balance <= wanted, `${account}: ${balance}`);
    }
  });

  it('over gRPC: accepts, reads back, and refuses with the stable code in trailers', async () => {
    const request = (await body()) as { forwarder: string; request: Record<string, string> };
    const accepted = await grpc(
      'RequestSponsorship',
      { forward: { forwarder: request.forwarder, ...request.request } },
      'acme',
    );
    assert.equal(accepted.error, null, accepted.error?.details);
    const { sponsorship } = accepted.value as { sponsorship: { digest: string; status: string } };
    assert.ok(sponsorship.status.startsWith('SPONSORSHIP_STATUS_'));
    const read = await grpc('GetSponsorship', { digest: sponsorship.digest }, 'acme');
    assert.equal((read.value as { sponsorship: { digest: string } }).sponsorship.digest, sponsorship.digest);
    const hidden = await grpc('GetSponsorship', { digest: sponsorship.digest }, 'globex');
    assert.ok(hidden.error);
    assert.equal(hidden.error.code, status.NOT_FOUND);
    assert.deepEqual(hidden.error.metadata.get('anchorpost-error-code'), ['NOT_FOUND']);

    const forbidden = (await body(chain.newUser(), 'revoke')) as {
      forwarder: string;
      request: Record<string, string>;
    };
    const refused = await grpc(
      'RequestSponsorship',
      { forward: { forwarder: forbidden.forwarder, ...forbidden.request } },
      'acme',
    );
    assert.ok(refused.error);
    assert.equal(refused.error.code, status.PERMISSION_DENIED);
    assert.deepEqual(refused.error.metadata.get('anchorpost-error-code'), ['NOT_ALLOWED']);
    const overHttp = await http('/v1/sponsorships', 'acme', await body(chain.newUser(), 'revoke'));
    assert.equal(overHttp.status, 403);
    assert.equal(((await overHttp.json()) as { error: { code: string } }).error.code, 'NOT_ALLOWED');
  });

  it('counts and times the requests by outcome, and exports the open sponsorships and the budgets used', async () => {
    const text = await (await fetch(`${service.urls['management']}/metrics`)).text();
    const value = (series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`anchorpost_sponsor_${series} `));
      return line === undefined ? undefined : Number(line.split(' ').at(-1));
    };
    // The tests above: acme accepted 3 over HTTP and gRPC, replayed 1, refused 2 (NOT_ALLOWED); globex accepted 1.
    assert.equal(value('sponsorships_total{tenant="acme",outcome="accepted"}'), 3);
    assert.equal(value('sponsorships_total{tenant="acme",outcome="replayed"}'), 1);
    assert.equal(value('sponsorships_total{tenant="acme",outcome="NOT_ALLOWED"}'), 2);
    assert.equal(value('sponsorships_total{tenant="globex",outcome="accepted"}'), 1);
    assert.equal(value('accept_duration_seconds_count{outcome="accepted"}'), 4);
    assert.equal(value('accept_duration_seconds_count{outcome="NOT_ALLOWED"}'), 2);
    // What the store holds, read at the scrape (the senders move sponsorships on meanwhile: a moment
    // when two scrapes around the count agree).
    const scrape = async () => {
      const now = await (await fetch(`${service.urls['management']}/metrics`)).text();
      return ['reserved', 'sent'].map((state) => {
        const line = now
          .split('\n')
          .find((l) => l.startsWith(`anchorpost_sponsor_sponsorships_open{state="${state}"} `));
        return Number(line?.split(' ').at(-1));
      });
    };
    const stored = async () =>
      Promise.all(
        (['reserved', 'sent'] as const).map((state) =>
          database.prisma.sponsorship.count({ where: { state } }),
        ),
      );
    let seen: number[][] = [];
    for (let i = 0; i < 50; i++) {
      seen = [await scrape(), await stored(), await scrape()];
      if (seen.every((s) => s.join() === seen[0]!.join())) break;
      await sleep(50);
    }
    assert.ok(
      seen.every((s) => s.join() === seen[0]!.join()),
      JSON.stringify(seen),
    );
    const budget = (await (await http('/v1/budget', 'acme')).json()) as {
      tenant: { spentCount: number; budgetCount: number };
    };
    assert.equal(
      value('tenant_budget_used_ratio{tenant="acme",budget="count"}'),
      budget.tenant.spentCount / budget.tenant.budgetCount,
    );
    assert.ok(value('tenant_budget_used_ratio{tenant="globex",budget="wei"}')! > 0);
  });
});
