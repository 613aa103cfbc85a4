/**
 * The treasury on anvil with its refills in PGlite: a low account gets a top-up to 120 % of its
 * minimum, a funded one nothing; past the day's cap nothing is sent (counted as cap reached), and
 * a refill that cannot be sent (an empty treasury) is counted as failed and releases its hold on
 * the cap.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Wallet } from 'ethers';
import { JsonRpcPool, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import { treasuryDay } from '@anchorpost/sponsor-core';
import { evmTreasuryChain } from '../src/treasury/evm-treasury-chain.ts';
import { Treasury } from '../src/treasury/treasury.ts';
import type { TreasuryAccount } from '../src/treasury/treasury.ts';
import { SPONSOR_METRICS } from '../src/sponsor-metrics.ts';

const ETH = 10n ** 18n;
const NOW = 1_800_000_000n;

let anvil: Anvil;
let rpc: JsonRpcPool;
let server: EmbeddedPostgres;
let database: Database;

before(async () => {
  anvil = await startAnvil();
  rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
});
after(async () => {
  await database.close();
  await server.stop();
  await anvil.stop();
});

const balanceOf = async (address: string) =>
  BigInt(await rpc.request<string>('eth_getBalance', [address, 'latest']));
type Kept = Omit<TreasuryAccount, 'chain'>;
const fresh = (name: string, minimum: bigint): Kept => ({
  name,
  address: Wallet.createRandom().address,
  minimum,
});

function treasury(accounts: Kept[], signer: Wallet, metrics: ServiceMetrics, dailyCapWei: bigint) {
  const chain = evmTreasuryChain({ rpc, signer, dailyCapWei });
  return new Treasury({
    accounts: accounts.map((account) => ({ ...account, chain })),
    refills: database.treasuryRefills,
    logger: createLogger('sponsor', { level: 'silent' }),
    metrics,
    now: () => NOW,
  });
}

async function metric(metrics: ServiceMetrics, name: string, account: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`anchorpost_sponsor_${name}{account="${account}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

it('tops a low account up to 120 % of its minimum, leaves a funded one alone, and stops at the day’s cap', async () => {
  const metrics = new ServiceMetrics('sponsor', SPONSOR_METRICS);
  const key = new Wallet(anvil.privateKeys[5]!);
  const low = fresh('sponsor:shared', 2n * ETH);
  const funded = { name: 'anchorer', address: anvil.accounts[6]!, minimum: ETH };
  const later = fresh('sponsor:acme', 2n * ETH);
  const keeper = treasury([low, funded, later], key, metrics, 3n * ETH);
  const outcomes = await keeper.pass();
  assert.deepEqual(Object.fromEntries(outcomes), {
    'sponsor:shared': 'refilled',
    anchorer: 'full',
    // 2.4 ETH sent today already: another 2.4 would pass the 3 ETH cap.
    'sponsor:acme': 'cap-reached',
  });
  assert.equal(await balanceOf(low.address), (12n * ETH) / 5n);
  assert.equal(await balanceOf(later.address), 0n);
  assert.equal(await database.treasuryRefills.spent(treasuryDay(NOW)), (12n * ETH) / 5n);
  assert.equal(await metric(metrics, 'treasury_refills_total', 'sponsor:shared'), 1);
  assert.equal(await metric(metrics, 'treasury_cap_reached_total', 'sponsor:acme'), 1);
  assert.equal(await metric(metrics, 'treasury_account_balance', 'sponsor:shared'), 2.4);
  // What AnchorpostSponsorTreasuryBalanceLow compares: refilled above its minimum; held below by the cap.
  assert.equal(await metric(metrics, 'treasury_account_minimum', 'sponsor:shared'), 2);
  assert.equal(await metric(metrics, 'treasury_account_balance', 'sponsor:acme'), 0);
  assert.equal(await metric(metrics, 'treasury_account_minimum', 'sponsor:acme'), 2);
  assert.deepEqual(Object.fromEntries(await keeper.pass()), {
    'sponsor:shared': 'full',
    anchorer: 'full',
    'sponsor:acme': 'cap-reached',
  });
});

it('counts a refill an empty treasury cannot send as failed and releases its hold on the cap', async () => {
  const metrics = new ServiceMetrics('sponsor', SPONSOR_METRICS);
  const empty = new Wallet(Wallet.createRandom().privateKey);
  const low = fresh('sponsor:globex', ETH);
  const day = treasuryDay(NOW);
  const before = await database.treasuryRefills.spent(day);
  const outcomes = await treasury([low], empty, metrics, 100n * ETH).pass();
  assert.equal(outcomes.get('sponsor:globex'), 'failed');
  assert.equal(await balanceOf(low.address), 0n);
  assert.equal(await metric(metrics, 'treasury_refill_failures_total', 'sponsor:globex'), 1);
  assert.equal(
    await metric(metrics, 'treasury_account_minimum', 'sponsor:globex'),
    1,
    'exported, also when the refill fails',
  );
  assert.equal(await database.treasuryRefills.spent(day), before, 'released');
});
