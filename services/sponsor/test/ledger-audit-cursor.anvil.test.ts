/**
 * The ledger audit's cursor, persisted in PostgreSQL (PGlite here; the table is in the db contract
 * for both backends), on anvil: a transaction the sponsor's key sent by hand (a plain transfer, no
 * forwarder involved) is a receipt without a charge, one a sponsorship was sent under is not; an
 * audit restarted on the same database resumes after its cursor — it reads only the blocks mined
 * since (counted `eth_getBlockByNumber` calls and `ledger_audit_blocks_read_total`) — and still
 * catches a new one; a reorg below the cursor (evm_revert, then new blocks) is seen, the blocks
 * read again, and the transaction it took away no longer flagged.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { Wallet } from 'ethers';
import { JsonRpcPool, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { ServiceMetrics } from '@anchorpost/service-kit';
import { ReceiptAudit } from '../src/ledger/receipt-audit.ts';
import { SPONSOR_METRICS } from '../src/sponsor-metrics.ts';

const FINALITY = 3;

let anvil: Anvil;
let rpc: JsonRpcPool;
let server: EmbeddedPostgres;
let database: Database;
let sponsor: Wallet;

before(async () => {
  anvil = await startAnvil();
  rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
  server = await startEmbeddedPostgres();
  await migrate(server.databaseUrl);
  database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
  sponsor = new Wallet(anvil.privateKeys[4]!);
});
after(async () => {
  await database.close();
  await server.stop();
  await anvil.stop();
});

/** An audit as a (re)started service builds it, with its own metrics and a count of blocks fetched. */
function startAudit() {
  const calls = { blocks: 0 };
  const metrics = new ServiceMetrics('sponsor', SPONSOR_METRICS);
  const audit = new ReceiptAudit({
    rpc: {
      request: <T>(method: string, params: readonly unknown[]) => {
        if (method === 'eth_getBlockByNumber') calls.blocks++;
        return rpc.request<T>(method, params);
      },
    },
    store: database.sponsorAudit,
    accounts: new Map([[sponsor.address, 'acme']]),
    startBlock: 0,
    finalityDepth: FINALITY,
    metrics,
    blocksPerStep: 8,
  });
  const metric = async (name: string) => {
    const line = (await metrics.registry.metrics())
      .split('\n')
      .find((l) => l.startsWith(`anchorpost_sponsor_${name} `));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  };
  return { audit, calls, metric };
}

const head = async () => Number(await rpc.request<string>('eth_blockNumber', []));
const mine = (blocks: number) => rpc.request('anvil_mine', [`0x${blocks.toString(16)}`]);

/** A transfer the sponsor's key makes by hand, mined: its hash. */
async function byHand(): Promise<string> {
  const nonce = await rpc.request<string>('eth_getTransactionCount', [sponsor.address, 'pending']);
  const signed = await sponsor.signTransaction({
    to: Wallet.createRandom().address,
    value: 1n,
    gasLimit: 21_000n,
    maxFeePerGas: 10n ** 11n,
    maxPriorityFeePerGas: 10n ** 9n,
    chainId: 31337,
    nonce: Number(nonce),
    type: 2,
  });
  const hash = (await rpc.request<string>('eth_sendRawTransaction', [signed])).toLowerCase();
  await mine(1);
  return hash;
}

async function charge(txHash: string): Promise<void> {
  await database.prisma.sponsorship.create({
    data: {
      digest: `0x${txHash.slice(2, 66)}`,
      tenant: 'acme',
      user: Wallet.createRandom().address,
      kind: 'forward',
      to: sponsor.address,
      data: '0x',
      gasLimit: '21000',
      maxFeePerGas: '1',
      reservedWei: '21000',
      chargedWei: '21000',
      state: 'settled',
      deadline: 0n,
      periodStart: 0n,
      acceptedAt: 0n,
      txHash,
      succeeded: true,
    },
  });
}

const flagged = async (audit: ReceiptAudit) =>
  (await audit.forTenant('acme')).filter((m) => m.code === 'RECEIPT_WITHOUT_CHARGE').map((m) => m.txHash);

it('resumes after its cursor when restarted, still flags a new receipt, and reads again below a reorg', async () => {
  await mine(10);
  const rogue = await byHand();
  const charged = await byHand();
  await charge(charged);
  await mine(FINALITY);

  const first = startAudit();
  await first.audit.advance();
  const lastFinal = (await head()) - FINALITY;
  assert.equal(await first.metric('ledger_audit_block'), lastFinal);
  assert.equal(first.calls.blocks, lastFinal + 1, 'from block 0 to the last final one');
  assert.deepEqual(await flagged(first.audit), [rogue], 'the charged transaction is not flagged');

  // Restarted: the cursor is where the first audit left it; only the new blocks are read.
  const later = await byHand();
  await mine(FINALITY + 2);
  const restarted = startAudit();
  await restarted.audit.advance();
  const newFinal = (await head()) - FINALITY;
  assert.equal(restarted.calls.blocks, newFinal - lastFinal, 'only the blocks mined since');
  assert.equal(await restarted.metric('ledger_audit_blocks_read_total'), newFinal - lastFinal);
  assert.deepEqual(await flagged(restarted.audit), [rogue, later]);

  // A transaction, audited, then taken away by a reorg deeper than the finality depth.
  const snapshot = await rpc.request<string>('evm_snapshot', []);
  const undone = await byHand();
  await mine(FINALITY + 1);
  await restarted.audit.advance();
  assert.deepEqual(await flagged(restarted.audit), [rogue, later, undone]);
  assert.equal(await rpc.request<boolean>('evm_revert', [snapshot]), true);
  await mine(FINALITY + 6);
  await restarted.audit.advance();
  assert.equal(await restarted.metric('ledger_audit_rewinds_total'), 1);
  assert.equal(await restarted.metric('ledger_audit_block'), (await head()) - FINALITY);
  assert.deepEqual(await flagged(restarted.audit), [rogue, later], 'the reorganized-away one is gone');
});
