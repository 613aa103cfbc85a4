// The reservation path of the PostgreSQL SponsorshipStore: `npm run bench` (embedded PGlite), or
// against a PostgreSQL with ANCHORPOST_BENCH_DATABASE_URL=postgresql://… (an empty database; the
// benchmark migrates it and writes its own rows). Reservations per second and their p50/p99, with
// 16 at a time, all for one tenant (every one waits for the tenant's lock) and spread over 16.
import { EMBEDDED_POOL_SIZE, createDatabase, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import { fitsBudget } from '../src/sponsor-policy.ts';
import type { NewSponsorship } from '../src/sponsorship-store.ts';

const external = process.env['ANCHORPOST_BENCH_DATABASE_URL'];
const server = external === undefined ? await startEmbeddedPostgres() : undefined;
const databaseUrl = external ?? server!.databaseUrl;
await migrate(databaseUrl);
const db = createDatabase({ databaseUrl, poolSize: server === undefined ? 16 : EMBEDDED_POOL_SIZE });
const run = Date.now().toString(36);
const COUNT = 2_000;
const AT_ONCE = 16;
const budget = { wei: 10n ** 30n, count: 1_000_000 };

function sponsorship(i: number, tenants: number): NewSponsorship {
  return {
    digest: `0x${run}${i.toString(16).padStart(64 - run.length, '0')}`,
    tenant: `bench-${run}-${i % tenants}`,
    user: `0x${(i % 100).toString(16).padStart(40, '0')}`,
    kind: 'forward',
    to: `0x${'11'.repeat(20)}`,
    data: `0x${'22'.repeat(100)}`,
    gasLimit: 100_000n,
    maxFeePerGas: 10_000_000_000n,
    deadline: 1_800_000_600n,
    periodStart: 1_800_000_000n,
    acceptedAt: 1_800_000_000n,
  };
}

async function measure(label: string, tenants: number, offset: number): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < COUNT) {
        const i = offset + next++;
        const t0 = performance.now();
        const outcome = await db.sponsorships.reserve(sponsorship(i, tenants), (tenant, user) =>
          fitsBudget(budget, tenant, 1n) && fitsBudget(budget, user, 1n) ? null : 'tenant',
        );
        if (outcome.outcome !== 'accepted') throw new Error(`reservation ${i}: ${outcome.outcome}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number): string => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(1);
  console.log(
    `${label}: ${COUNT} reservations in ${seconds.toFixed(2)} s = ${Math.round(COUNT / seconds)}/s, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
  );
}

try {
  await measure('one tenant, 16 at a time', 1, 0);
  await measure('16 tenants, 16 at a time', 16, COUNT);
} finally {
  await db.close();
  await server?.stop();
}
