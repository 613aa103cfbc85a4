// The anchorer, parser and proof API mains as three processes on one PostgreSQL database and a
// local anvil chain with the anchor contract, each ready (database and chain) and stopping cleanly
// on SIGTERM; the anchorer's key comes from a 0600 file. Runs when ANCHORPOST_TEST_POSTGRES_URL
// names a server (the embedded database has one owner process).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import { deployAnchorContract, JsonRpcPool, startAnvil, type Anvil } from '@anchorpost/chains';
import { createTestDatabase, testPostgresForTests, type TestDatabase } from '@anchorpost/db/testing';
import { running, startMain, stop, type MainProcess } from './main-process.ts';

const postgres = testPostgresForTests();

describe('stand-alone EVM service mains on PostgreSQL', { timeout: 120_000 }, () => {
  let dir: string;
  let anvil: Anvil | undefined;
  let database: TestDatabase | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-mains-evm-'));
  });
  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    await anvil?.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'runs the anchorer, parser and proof API as three processes, each ready, each stopping with exit 0',
    'skip' in postgres ? { skip: postgres.skip } : {},
    async () => {
      if ('skip' in postgres) return;
      [anvil, database] = await Promise.all([
        startAnvil(),
        createTestDatabase(postgres.adminUrl, 'mains_evm'),
      ]);
      const key = anvil.privateKeys[0]!;
      const deployed = await deployAnchorContract(new Wallet(key), {
        rpc: new JsonRpcPool({ urls: [anvil.rpcUrl] }),
      });
      const keyFile = join(dir, 'signer.key');
      await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
      const chain = {
        ANCHORPOST_DATABASE_URL: database.databaseUrl,
        ANCHORPOST_EVM_RPC_URLS: anvil.rpcUrl,
        ANCHORPOST_EVM_CHAIN_ID: String(anvil.chainId),
        ANCHORPOST_EVM_ANCHOR_CONTRACT: deployed.address,
        ANCHORPOST_EVM_DEPLOY_BLOCK: String(deployed.blockNumber),
        ANCHORPOST_EVM_CONFIRMATIONS: '1',
      };
      // Each has a data folder of its own: the anchorer's file-log bus, the parser's Helia store.
      const mains: [string, MainProcess][] = [
        [
          'anchorer',
          startMain('anchorer', {
            ...chain,
            ANCHORPOST_DATA_DIR: join(dir, 'anchorer'),
            ANCHORPOST_ANCHORER_PORT: '0',
            ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
            ANCHORPOST_EVM_SIGNER_KEY_FILE: keyFile,
          }),
        ],
        [
          'parser',
          startMain('parser', {
            ...chain,
            ANCHORPOST_DATA_DIR: join(dir, 'parser'),
            ANCHORPOST_PARSER_PORT: '0',
            ANCHORPOST_PARSER_MANAGEMENT_PORT: '0',
          }),
        ],
        [
          'proof-api',
          startMain('proof-api', {
            ...chain,
            ANCHORPOST_DATA_DIR: join(dir, 'proof-api'),
            ANCHORPOST_PROOF_API_PORT: '0',
            ANCHORPOST_PROOF_API_MANAGEMENT_PORT: '0',
          }),
        ],
      ];
      for (const [name, main] of mains) {
        const url = (await main.log((line) => line['msg'] === `${name} listening`))['url'] as string;
        const ready = await fetch(`${url}/readyz`);
        assert.equal(ready.status, 200, `${name}: ${await ready.text()}`);
      }
      const signer = await mains[0]![1].log((line) => line['msg'] === 'signer loaded');
      assert.equal(signer['address'], new Wallet(key).address);
      for (const [name, main] of mains) assert.equal(await stop(main), 0, name);
    },
  );
});
