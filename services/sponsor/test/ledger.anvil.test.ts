/**
 * The ledger with proofs, end to end on anvil, PGlite and a real relay in this process: a settled
 * sponsorship's line is recorded, built into a tx-file stored before it is sent, and sent through
 * the relay exactly once across sponsor restarts (the first run cannot reach the relay, the second
 * sends the stored bytes, the third sends nothing); the file opens to a line of exactly the
 * settled values; the reconciliation finds nothing wrong, then a duplicate line and a charge
 * without a line (nor a receipt).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { getAddress, keccak256, toUtf8Bytes, Wallet } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { fixtureSettledSponsorship } from '@anchorpost/db/testing';
import {
  cidForBytes,
  createGroup,
  generateIdentity,
  GENESIS_STATE,
  openTxFile,
  parseTxFile,
  toPrivateKeyFile,
} from '@anchorpost/protocol';
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import { newApiKey } from '@anchorpost/relay-core';
import { MemoryErgoBlockView } from '@anchorpost/relay-core/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorpostKeyRegistryInterface as registry } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { decodeLedgerLine } from '@anchorpost/sponsor-core';
import { SPONSOR_LEDGER_HEADER } from '../src/ledger/ledger-anchoring.ts';
import { sponsorLedgerConfigSchema } from '../src/ledger/sponsor-ledger-config.ts';
import { PostgresTenantReads } from '../src/postgres-tenant-reads.ts';
import { startSponsorService } from '../src/sponsor-service.ts';
import { forwardRequestBody } from './forward-request-body.ts';
import { startRelayInstance } from '@anchorpost/relay-service/testing';
import type { RelayInstance } from '@anchorpost/relay-service/testing';
import { sponsorConfigForTests } from '../src/testing.ts';

const REGISTER = registry.getFunction('register')!.selector;

interface Reconciliation {
  lines: number;
  unsent: number;
  anchored: number;
  unanchored: { cid: string; code: string }[];
  ledgerWei: string;
  chainWei: string;
  storeWei: string;
  mismatches: { code: string; digest?: string }[];
}

describe('the sponsor ledger through a real relay', () => {
  let chain: SponsorTestChain;
  let server: EmbeddedPostgres;
  let database: Database;
  let relay: RelayInstance;
  let dir: string;
  let identity: PrivateIdentity;
  let group: GroupKeys;
  let apiKey: string;
  let service: RunningService | undefined;
  const blocks = new MemoryErgoBlockView(30);

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
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-sponsor-ledger-'));
    identity = await generateIdentity('modern');
    const created = await createGroup('modern', [identity.public]);
    group = created.keys;
    await writeFile(join(dir, 'identity.json'), JSON.stringify(toPrivateKeyFile(identity)));
    await writeFile(join(dir, 'ledger-group.json'), JSON.stringify(created.bundle));
    relay = await startRelayInstance(identity.public);
  });
  after(async () => {
    await service?.close();
    await relay.close();
    await database.close();
    await server.stop();
    await chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(relayUrl: string): Promise<RunningService> {
    return startSponsorService({
      config: sponsorConfigForTests(chain.deployment.forwarder),
      database,
      rpc: { rpcUrls: [chain.anvil.rpcUrl], chainId: Number(chain.deployment.chainId) },
      policies: {
        policies: new Map([
          [
            'acme',
            {
              tenant: 'acme',
              allow: new Map([[chain.deployment.keyRegistry, new Set([REGISTER])]]),
              maxGas: 500_000n,
              periodSeconds: 86_400,
              tenantBudget: { wei: 10n ** 18n, count: 100 },
              userBudget: { wei: 10n ** 17n, count: 10 },
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
      ledger: {
        config: loadConfig(sponsorLedgerConfigSchema, {
          ANCHORPOST_SPONSOR_LEDGER_RELAY_URL: relayUrl,
          ANCHORPOST_SPONSOR_LEDGER_RELAY_API_KEY_FILE: relay.apiKeyFile,
          ANCHORPOST_SPONSOR_LEDGER_IDENTITY_FILE: join(dir, 'identity.json'),
          ANCHORPOST_SPONSOR_LEDGER_GROUP_FILE: join(dir, 'ledger-group.json'),
          ANCHORPOST_SPONSOR_LEDGER_INTERVAL: '100ms',
        }),
        ergoBlocks: blocks,
      },
      logger: createLogger('sponsor', { level: 'error' }),
      handleSignals: false,
    });
  }

  function http(path: string, payload?: unknown): Promise<Response> {
    return fetch(`${service!.urls['http']}${path}`, {
      method: payload === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${apiKey}`,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
  }

  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const value = await probe();
      if (value !== undefined) return value;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const receipts = () => relay.database.prisma.relayReceipt.findMany();

  async function reconciliation(): Promise<Reconciliation> {
    const response = await http('/v1/ledger/reconciliation');
    assert.equal(response.status, 200);
    return (await response.json()) as Reconciliation;
  }

  it('sends a settled sponsorship’s line through the relay exactly once across restarts, as the settled values', async () => {
    // First run: the relay cannot be reached (nothing listens on port 9).
    service = await start('http://127.0.0.1:9');
    const user = chain.newUser();
    const body = await forwardRequestBody(
      chain,
      user,
      'register',
      [
        keccak256(toUtf8Bytes(user.address)),
        'ed25519',
        'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
        user.address,
      ],
      (await chain.latestTimestamp()) + 600n,
    );
    const accepted = await http('/v1/sponsorships', body);
    assert.equal(accepted.status, 201);
    const { digest } = ((await accepted.json()) as { sponsorship: { digest: string } }).sponsorship;
    const stored = await until('the line’s tx-file stored', async () => {
      const row = await database.prisma.sponsorLedgerRecord.findFirst({ where: { digest } });
      return row?.cid === null || row === null ? undefined : row;
    });
    assert.equal(stored.submittedAt, null, 'not sent: the relay was out of reach');
    assert.equal((await receipts()).length, 0);
    await service.close();

    // Second run: the stored bytes are sent, once.
    service = await start(relay.url);
    await until('the line taken by the relay', async () => {
      const row = await database.prisma.sponsorLedgerRecord.findFirst({ where: { digest } });
      return row?.submittedAt === null ? undefined : row;
    });
    await service.close();

    // Third run: nothing more to send.
    service = await start(relay.url);
    await sleep(600);
    const taken = await receipts();
    assert.equal(taken.length, 1, 'one file at the relay');
    assert.equal(taken[0]!.cid, stored.cid, 'the bytes stored before the first try');
    assert.equal(await database.prisma.sponsorLedgerRecord.count(), 1, 'one line');

    // The file opens to a line of exactly the settled values.
    const bytes = new Uint8Array(stored.txFile!);
    assert.equal(await cidForBytes(bytes), taken[0]!.cid);
    const tx = parseTxFile(bytes);
    assert.equal(tx.state.before, GENESIS_STATE);
    const opened = openTxFile(tx, { group, clientKey: () => identity.public });
    assert.ok(opened.client.verified);
    assert.equal(new TextDecoder().decode(opened.message.header), SPONSOR_LEDGER_HEADER);
    const line = decodeLedgerLine(opened.message.data);
    const sponsorship = await database.prisma.sponsorship.findUniqueOrThrow({ where: { digest } });
    const receipt = await chain.rpc.request<{ from: string; gasUsed: string; effectiveGasPrice: string }>(
      'eth_getTransactionReceipt',
      [sponsorship.txHash],
    );
    assert.deepEqual(line, {
      tenant: 'acme',
      user: user.address,
      digest,
      kind: 'forward',
      target: getAddress(chain.deployment.keyRegistry),
      selector: REGISTER,
      account: getAddress(chain.sponsor.address),
      txHash: sponsorship.txHash,
      gasUsed: BigInt(receipt.gasUsed),
      effectiveGasPrice: BigInt(receipt.effectiveGasPrice),
      chargedWei: BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice),
      succeeded: true,
    });
    assert.equal(BigInt(sponsorship.chargedWei!.toFixed()), line.chargedWei);

    // The tenant's invoice names the line by the tx-file's CID.
    const invoice = (await (await http('/v1/ledger')).json()) as {
      records: { kind: string; cid: string; submitted: boolean }[];
    };
    assert.deepEqual(
      invoice.records.map((r) => [r.kind, r.cid, r.submitted]),
      [['line', taken[0]!.cid, true]],
    );
    const clean = await reconciliation();
    assert.deepEqual(clean.mismatches, []);
    assert.equal(clean.lines, 1);
    assert.equal(clean.ledgerWei, line.chargedWei.toString());
    assert.equal(clean.chainWei, clean.ledgerWei);
    assert.equal(clean.storeWei, clean.ledgerWei);
    // At the relay is not anchored: without a proof API to show its proof, no line is said to be.
    assert.equal(clean.anchored, 0);
    assert.deepEqual(
      clean.unanchored.map((u) => [u.cid, u.code]),
      [[taken[0]!.cid, 'PROOF_NOT_CHECKED']],
    );
  });

  it('reconciles: a second line for one sponsorship is a duplicate, a charge without a line is missing', async () => {
    const line = await database.prisma.sponsorLedgerRecord.findFirstOrThrow();
    // A bug that wrote the line twice, and a charge recorded without its line.
    await database.prisma.sponsorLedgerRecord.create({
      data: { tenant: 'acme', digest: line.digest, kind: 'line', txHash: line.txHash, record: line.record },
    });
    const unlined = `0x${'cd'.repeat(32)}`;
    await database.prisma.sponsorship.create({
      data: fixtureSettledSponsorship({
        digest: unlined,
        user: Wallet.createRandom().address,
        kind: 'forward',
        to: chain.deployment.forwarder,
        txHash: `0x${'ef'.repeat(32)}`,
      }),
    });
    await until('the duplicate sent', async () => ((await receipts()).length === 2 ? true : undefined));
    const found = await reconciliation();
    assert.deepEqual(found.mismatches.map((m) => [m.code, m.digest]).sort(), [
      ['LEDGER_LINE_DUPLICATE', line.digest],
      ['LEDGER_LINE_MISSING', unlined],
      // Its transaction never reached the chain: a charge without a receipt too.
      ['RECEIPT_MISSING', unlined],
    ]);
  });
});
