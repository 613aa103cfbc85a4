/**
 * The treasury in the one-process platform, with Ergo on: the Ergo node TEST DOUBLE (e2e/ergo-devnet)
 * in its own process, the platform's sponsor started as `npm start` starts it (startLocalSponsor),
 * given only the treasury's Ergo wallet (ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE) and its
 * minimum, as in the chart: the anchorer's Ergo address, the node and the network are the
 * platform's own. The anchorer's float below its minimum gets a real payment up to 120 % of it,
 * its balance and minimum exported as metrics. Without the wallet nothing on Ergo is kept.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Mnemonic } from 'ethers';
import { ErgoNodeClient, ErgoWallet, startAnvil, unspentBoxes } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { spawnErgoDevnet } from '@anchorpost/ergo-devnet';
import type { SpawnedErgoDevnet } from '@anchorpost/ergo-devnet';
import { createLogger } from '@anchorpost/service-kit';
import { dataDir } from '../src/data-dir.ts';
import type { DataDir } from '../src/data-dir.ts';
import { startLocalSponsor } from '../src/local-sponsor.ts';

const ERG = 1_000_000_000n;

let anvil: Anvil;
let devnet: SpawnedErgoDevnet;
let client: ErgoNodeClient;
let server: EmbeddedPostgres;
let database: Database;
let root: string;
let dirs: DataDir;

const newWallet = (mnemonic = Mnemonic.fromEntropy(randomBytes(16)).phrase) =>
  ErgoWallet.fromMnemonic({ mnemonic, network: 'testnet' });

async function control(action: string, body: unknown): Promise<void> {
  const response = await fetch(`${devnet.url}/devnet/${action}`, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  assert.equal(response.ok, true, await response.text());
}

const confirmed = async (address: string) =>
  (await unspentBoxes(client, address)).reduce((total, box) => total + BigInt(box.value), 0n);

before(async () => {
  anvil = await startAnvil();
  devnet = await spawnErgoDevnet(['--port', '0', '--quiet']);
  client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  root = await mkdtemp(join(tmpdir(), 'anchorpost-platform-treasury-'));
  dirs = dataDir(root);
  await mkdir(dirs.evm, { recursive: true });
  await control('mine', { blocks: 1 });
});
after(async () => {
  await database.close();
  await server.stop();
  devnet.child.kill('SIGTERM');
  await devnet.exited;
  await anvil.stop();
  await rm(root, { recursive: true, force: true });
});

function start(anchorer: string, env: Record<string, string>) {
  return startLocalSponsor({
    env: {
      ANCHORPOST_SPONSOR_HTTP_PORT: '0',
      ANCHORPOST_SPONSOR_GRPC_PORT: '0',
      ANCHORPOST_SPONSOR_MANAGEMENT_PORT: '0',
      ANCHORPOST_SPONSOR_TREASURY_INTERVAL: '200ms',
      ...env,
    },
    dirs,
    chain: { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, privateKeys: anvil.privateKeys },
    database,
    // As platform.ts passes them with ANCHORPOST_ERGO_NODE_URLS set: the node, its network, the anchorer's address.
    ergo: { nodeUrl: devnet.url, network: 'testnet', anchorerAddress: anchorer },
    logger: createLogger('platform', { level: 'warn' }),
  });
}

async function metric(url: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`anchorpost_sponsor_${name}{account="anchorer:ergo"}`));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

it('keeps the anchorer’s Ergo float above its minimum from the treasury’s Ergo wallet', async () => {
  const phrase = Mnemonic.fromEntropy(randomBytes(16)).phrase;
  const treasuryWallet = newWallet(phrase);
  const anchorer = newWallet().address;
  await control('fund', { address: treasuryWallet.address, value: (10n * ERG).toString() });
  await control('fund', { address: anchorer, value: (ERG / 2n).toString() });
  await control('mine', { blocks: 1 });
  const mnemonicFile = join(root, 'treasury-ergo-mnemonic');
  await writeFile(mnemonicFile, `${phrase}\n`, { mode: 0o600 });

  const sponsor = await start(anchorer, {
    ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE: mnemonicFile,
    ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG: '2',
  });
  try {
    const management = sponsor.urls['management']!;
    for (let i = 0; i < 100 && (await metric(management, 'treasury_refills_total')) !== 1; i++)
      await sleep(100);
    assert.equal(await metric(management, 'treasury_refills_total'), 1);
    assert.equal(await metric(management, 'treasury_account_minimum'), 2);
    // Passes every 200 ms meanwhile: the payment in the node's pool counts, nothing is sent twice.
    await sleep(1000);
    assert.equal(await metric(management, 'treasury_refills_total'), 1);
    assert.equal(await metric(management, 'treasury_account_balance'), 2.4);
  } finally {
    await sponsor.close();
  }
  await control('mine', { blocks: 1 });
  assert.equal(await confirmed(anchorer), (12n * ERG) / 5n, 'a real payment, mined: 120 % of the minimum');
});

it('keeps nothing on Ergo without the treasury’s Ergo wallet', async () => {
  const anchorer = newWallet().address;
  const sponsor = await start(anchorer, { ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG: '2' });
  try {
    await sleep(600);
    assert.equal(await metric(sponsor.urls['management']!, 'treasury_account_balance'), undefined);
  } finally {
    await sponsor.close();
  }
  assert.equal(await confirmed(anchorer), 0n);
});
