/**
 * The treasury's Ergo adapter against the Ergo node TEST DOUBLE (e2e/ergo-devnet) in its own
 * process, refills held in PGlite: the anchorer's Ergo address below its minimum gets a real
 * signed payment from the treasury's Ergo wallet up to 120 % of the minimum; a second look before
 * the next block sees the payment in the node's pool and sends nothing more; the Ergo day cap is
 * the Ergo chain's own (nanoERG, apart from the EVM refills'); a treasury wallet with no coin
 * counts a failed refill and releases its hold. The accounts come from the service's settings
 * (`ANCHORPOST_SPONSOR_TREASURY_ERGO_*`, the wallet from its mnemonic file), as main.ts builds them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { Mnemonic } from 'ethers';
import { ErgoNodeClient, ErgoWallet, unspentBoxes } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { spawnErgoDevnet } from '@anchorpost/ergo-devnet';
import type { SpawnedErgoDevnet } from '@anchorpost/ergo-devnet';
import { ConfigError, createLogger, loadConfig, ServiceMetrics } from '@anchorpost/service-kit';
import { treasuryDay } from '@anchorpost/sponsor-core';
import { ergoTreasuryChain } from '../src/treasury/ergo-treasury-chain.ts';
import { Treasury } from '../src/treasury/treasury.ts';
import type { TreasuryAccount } from '../src/treasury/treasury.ts';
import { ergoTreasuryAccounts, treasuryErgoConfigSchema } from '../src/treasury/treasury-ergo-config.ts';
import { SPONSOR_METRICS } from '../src/sponsor-metrics.ts';

const ERG = 1_000_000_000n;
const NOW = 1_800_000_000n;

let devnet: SpawnedErgoDevnet;
let client: ErgoNodeClient;
let server: EmbeddedPostgres;
let database: Database;

const newPhrase = () => Mnemonic.fromEntropy(randomBytes(16)).phrase;
const newWallet = (mnemonic = newPhrase()) => ErgoWallet.fromMnemonic({ mnemonic, network: 'testnet' });

/** The accounts as the service's settings give them, the treasury's mnemonic in a file. */
async function fromSettings(mnemonic: string, env: Record<string, string>): Promise<TreasuryAccount[]> {
  const file = join(await mkdtemp(join(tmpdir(), 'ergo-treasury-')), 'mnemonic');
  await writeFile(file, `${mnemonic}\n`, { mode: 0o600 });
  return ergoTreasuryAccounts(
    loadConfig(treasuryErgoConfigSchema, {
      ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE: file,
      ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL: devnet.url,
      ANCHORPOST_SPONSOR_TREASURY_ERGO_NETWORK: 'testnet',
      ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG: '2',
      ...env,
    }),
  );
}

async function control(action: string, body: unknown): Promise<void> {
  const response = await fetch(`${devnet.url}/devnet/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  assert.equal(response.ok, true, await response.text());
}
const mine = () => control('mine', { blocks: 1 });

/** Confirmed only: what the chain holds, the pool left out. */
const confirmed = async (address: string) =>
  (await unspentBoxes(client, address)).reduce((total, box) => total + BigInt(box.value), 0n);

before(async () => {
  devnet = await spawnErgoDevnet(['--port', '0', '--quiet']);
  client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  await mine();
});
after(async () => {
  await database.close();
  await server.stop();
  devnet.child.kill('SIGTERM');
  await devnet.exited;
});

function keeper(accounts: readonly TreasuryAccount[]) {
  const metrics = new ServiceMetrics('sponsor', SPONSOR_METRICS);
  const treasury = new Treasury({
    accounts,
    refills: database.treasuryRefills,
    logger: createLogger('sponsor', { level: 'silent' }),
    metrics,
    now: () => NOW,
  });
  const metric = async (name: string, account: string) => {
    const text = await metrics.registry.metrics();
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`anchorpost_sponsor_${name}{account="${account}"}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  return { treasury, metric };
}

it('pays the anchorer’s Ergo address up to 120 % of its minimum, once, within the Ergo day cap', async () => {
  const phrase = newPhrase();
  const treasuryWallet = newWallet(phrase);
  const anchorer = newWallet().address;
  const second = newWallet().address;
  await control('fund', { address: treasuryWallet.address, value: (10n * ERG).toString() });
  await control('fund', { address: anchorer, value: (ERG / 2n).toString() });
  await mine();
  const { treasury, metric } = keeper(
    await fromSettings(phrase, {
      ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS: `${anchorer},${second}`,
      ANCHORPOST_SPONSOR_TREASURY_ERGO_DAILY_CAP_ERG: '3',
    }),
  );

  assert.deepEqual(Object.fromEntries(await treasury.pass()), {
    'anchorer:ergo': 'refilled',
    // 1.9 ERG sent today already: another 2.4 would pass the 3 ERG cap.
    'anchorer:ergo:1': 'cap-reached',
  });
  assert.equal(await metric('treasury_account_balance', 'anchorer:ergo'), 2.4);
  assert.equal(await database.treasuryRefills.spent(treasuryDay(NOW), 'ergo'), (19n * ERG) / 10n);
  assert.equal(await database.treasuryRefills.spent(treasuryDay(NOW), 'evm'), 0n, 'the EVM cap is apart');

  // Before the next block: the payment is in the node's pool, and counts.
  assert.equal((await treasury.pass()).get('anchorer:ergo'), 'full');
  assert.equal(await confirmed(anchorer), ERG / 2n, 'not mined yet');
  await mine();
  assert.equal(await confirmed(anchorer), (12n * ERG) / 5n, 'a real payment, mined');
  assert.equal(await confirmed(treasuryWallet.address), 10n * ERG - (19n * ERG) / 10n - 1_100_000n);
  assert.equal(await metric('treasury_refills_total', 'anchorer:ergo'), 1);
  assert.equal(await metric('treasury_cap_reached_total', 'anchorer:ergo:1'), 2);
});

it('counts a payment an empty Ergo treasury cannot make as failed and releases its hold', async () => {
  const chain = ergoTreasuryChain({ client, wallet: newWallet(), dailyCapNanoErg: 100n * ERG });
  const { treasury, metric } = keeper([
    { name: 'anchorer:ergo', address: newWallet().address, minimum: ERG, chain },
  ]);
  const before = await database.treasuryRefills.spent(treasuryDay(NOW), 'ergo');
  assert.equal((await treasury.pass()).get('anchorer:ergo'), 'failed');
  assert.equal(await metric('treasury_refill_failures_total', 'anchorer:ergo'), 1);
  assert.equal(await database.treasuryRefills.spent(treasuryDay(NOW), 'ergo'), before, 'released');
});

it('refuses a treasury mnemonic without a node or an address to keep funded', async () => {
  for (const [missing, env] of [
    ['ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS', {}],
    [
      'ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL',
      {
        ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL: '',
        ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS: newWallet().address,
      },
    ],
  ] as const) {
    await assert.rejects(fromSettings(newPhrase(), env), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, new RegExp(missing));
      return true;
    });
  }
  assert.deepEqual(
    ergoTreasuryAccounts(loadConfig(treasuryErgoConfigSchema, {})),
    [],
    'no mnemonic: no Ergo float',
  );
});
