// Sponsorships per second, against bare eth_sendRawTransaction on the same anvil in the same run:
// `npm run bench -w @anchorpost/sponsor-service`. The sponsor service runs in this process on
// embedded PGlite, or on the empty PostgreSQL database of ANCHORPOST_BENCH_DATABASE_URL (the
// policy's budgets out of reach); N users with 0 ETH each sign a key
// registration (signing is the users' side and is not timed), and the requests are posted over
// HTTP, 16 at a time: accepted per second (signature, policy, the forwarder's verify, eth_call,
// eth_estimateGas, the reservation) with p50/p99, then until every one is settled from its receipt
// (sent by the one sending loop of the shared account). The baseline: N transfers pre-signed by
// a funded dev account, sent with eth_sendRawTransaction 16 at a time, until every one is mined.
// ANCHORPOST_BENCH_SPONSORSHIPS (default 200) sets N. Writes bench-results/sponsor.json.
import { keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { newApiKey } from '@anchorpost/relay-core';
import { createLogger } from '@anchorpost/service-kit';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { BenchReport } from '../../../scripts/bench-report.ts';
import { PostgresTenantReads } from '../src/postgres-tenant-reads.ts';
import { startSponsorService } from '../src/sponsor-service.ts';
import { forwardRequestBody } from '../test/forward-request-body.ts';
import { sponsorConfigForTests } from '../src/testing.ts';

const N = Number(process.env['ANCHORPOST_BENCH_SPONSORSHIPS'] ?? 200);
const AT_ONCE = 16;
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';

/** Runs `work(i)` for i in 0…count-1, `AT_ONCE` at a time; each one's milliseconds. */
async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < count) {
        const i = next++;
        const started = performance.now();
        await work(i);
        latencies.push(performance.now() - started);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.floor(q * (sorted.length - 1))]!;

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const report = new BenchReport('sponsor');
const chain = await startSponsorTestChain();
const external = process.env['ANCHORPOST_BENCH_DATABASE_URL'];
const server = external === undefined ? await startEmbeddedPostgres() : undefined;
const databaseUrl = external ?? server!.databaseUrl;
await migrate(databaseUrl);
const database = createDatabase({ databaseUrl, poolSize: server === undefined ? 16 : EMBEDDED_POOL_SIZE });
await database.prisma.tenant.create({ data: { id: 'bench' } });
const key = newApiKey();
await database.prisma.apiKey.create({
  data: { id: key.id, tenantId: 'bench', secretHash: key.secretHash, scopes: ['submit'] },
});
const service = await startSponsorService({
  config: sponsorConfigForTests(chain.deployment.forwarder, { sendInterval: 50 }),
  database,
  rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId: Number(chain.deployment.chainId) },
  policies: {
    policies: new Map([
      [
        'bench',
        {
          tenant: 'bench',
          allow: new Map([
            [chain.deployment.keyRegistry, new Set([registry.getFunction('register')!.selector])],
          ]),
          maxGas: 500_000n,
          periodSeconds: 86_400,
          tenantBudget: { wei: 10n ** 24n, count: 1_000_000 },
          userBudget: { wei: 10n ** 24n, count: 1_000_000 },
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
  logger: createLogger('sponsor', { level: 'warn' }),
  handleSignals: false,
});

try {
  const deadline = (await chain.latestTimestamp()) + 3_600n;
  // One at a time: a burst of nonce reads times out anvil on a loaded machine, and this is not timed.
  const bodies: Record<string, unknown>[] = [];
  for (let i = 0; i < N; i++) {
    const user = chain.newUser();
    const args = [keccak256(toUtf8Bytes(`bench key ${i}`)), 'ed25519', CID, user.address];
    bodies.push(await forwardRequestBody(chain, user, 'register', args, deadline));
  }

  // A refusal marked retryable (under load, the embedded database's one connection busy past
  // Prisma's wait for a transaction) is asked again, as a client would; the retries are reported.
  let retries = 0;
  const started = performance.now();
  const accept = await inParallel(N, async (i) => {
    for (;;) {
      const response = await fetch(`${service.urls['http']}/v1/sponsorships`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        body: JSON.stringify(bodies[i]),
      });
      // 200: a retry that finds the first attempt's reservation made after all (a replay).
      if (response.status === 201 || response.status === 200) return;
      const text = await response.text();
      if ((JSON.parse(text) as { error?: { retryable?: boolean } }).error?.retryable !== true) {
        throw new Error(`sponsorship ${i}: ${response.status} ${text}`);
      }
      retries += 1;
    }
  });
  const acceptSeconds = (performance.now() - started) / 1000;
  await until(async () => (await database.prisma.sponsorship.count({ where: { state: 'settled' } })) === N);
  const settledSeconds = (performance.now() - started) / 1000;

  // The baseline: the same number of transactions, signed ahead, straight to the node.
  const payer = new Wallet(chain.anvil.privateKeys[5]!);
  const [nonce, block] = await Promise.all([
    chain.rpc.request<string>('eth_getTransactionCount', [payer.address, 'pending']),
    chain.rpc.request<{ baseFeePerGas: string }>('eth_getBlockByNumber', ['latest', false]),
  ]);
  const maxFeePerGas = BigInt(block.baseFeePerGas) * 4n + 10n ** 9n;
  const raw = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      payer.signTransaction({
        type: 2,
        chainId: chain.deployment.chainId,
        nonce: Number(BigInt(nonce)) + i,
        to: Wallet.createRandom().address,
        value: 1n,
        gasLimit: 21_000n,
        maxFeePerGas,
        maxPriorityFeePerGas: 10n ** 9n,
      }),
    ),
  );
  const hashes: string[] = [];
  const rawStarted = performance.now();
  const send = await inParallel(N, async (i) => {
    hashes[i] = await chain.rpc.request<string>('eth_sendRawTransaction', [raw[i]]);
  });
  const sendSeconds = (performance.now() - rawStarted) / 1000;
  await until(async () => {
    const last = await chain.rpc.request<unknown>('eth_getTransactionReceipt', [hashes.at(-1)]);
    return last !== null;
  });
  const minedSeconds = (performance.now() - rawStarted) / 1000;

  const sends = { label: 'eth_sendRawTransaction/s', value: N / sendSeconds };
  report.row({
    path: `sponsorships accepted (HTTP, ${AT_ONCE} at a time)`,
    measured: N / acceptSeconds,
    unit: '/s',
    baseline: sends,
    details: { n: N, retries, p50Ms: quantile(accept, 0.5), p99Ms: quantile(accept, 0.99) },
  });
  report.row({
    path: 'sponsorships settled from their receipts',
    measured: N / settledSeconds,
    unit: '/s',
    baseline: { label: 'raw transactions mined/s', value: N / minedSeconds },
    details: { n: N, seconds: settledSeconds },
  });
  report.row({
    path: 'acceptance p99',
    measured: quantile(accept, 0.99),
    unit: 'ms',
    baseline: { label: 'eth_sendRawTransaction p99', value: quantile(send, 0.99) },
  });
  await report.finish();
} finally {
  await service.close();
  await database.close();
  await server?.stop();
  await chain.close();
}
