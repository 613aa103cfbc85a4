/**
 * The sending loop on anvil with its records in PostgreSQL (PGlite): sponsorships accepted by the
 * desk are taken by their account's sender, sent through the one engine and settled from their
 * receipts. With automine off and a rising base fee the replacement is the one charged; after
 * `anvil_reorg` the sponsorship goes back to `sent` and is settled again, its ledger line voided
 * and written again (one line in force, the reconciliation clean); a sponsor killed between
 * signing and broadcast sends the saved transaction on restart, with no second nonce; a
 * sponsorship released at its deadline before it was signed is never sent.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { keccak256, toQuantity, toUtf8Bytes } from 'ethers';
import type { Wallet } from 'ethers';
import { AnchorState } from '@anchorpost/chains';
import type { TransactionSigner } from '@anchorpost/chains';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import {
  anchorpostKeyRegistryInterface as registry,
  RpcSponsorChain,
  SponsorTransactionEngine,
} from '@anchorpost/sponsor-contracts';
import type { SponsorTransactionRecord } from '@anchorpost/sponsor-contracts';
import { startSponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { cidForBytes } from '@anchorpost/protocol';
import { decodeLedgerLine, decodeLedgerVoid, reconcileLedger, SponsorDesk } from '@anchorpost/sponsor-core';
import type { SponsorshipRecord, TenantPolicy } from '@anchorpost/sponsor-core';
import { PostgresSponsorLedger } from '../src/ledger/postgres-sponsor-ledger.ts';
import { PostgresSponsorTransactionStore } from '../src/sending/postgres-sponsor-transaction-store.ts';
import type { SponsorTransactionStore } from '../src/sending/postgres-sponsor-transaction-store.ts';
import { SponsorAccountSender } from '../src/sending/sponsor-account-sender.ts';
import { forwardRequestBody } from './forward-request-body.ts';

const GWEI = 1_000_000_000n;

/** The store of a process that is killed right after it saves a signed transaction. */
class DyingStore implements SponsorTransactionStore {
  readonly #inner: SponsorTransactionStore;
  #dead = false;
  constructor(inner: SponsorTransactionStore) {
    this.#inner = inner;
  }
  create(record: SponsorTransactionRecord) {
    return this.#alive(() => this.#inner.create(record));
  }
  get(chain: string, sequence: number) {
    return this.#alive(() => this.#inner.get(chain, sequence));
  }
  getByDigest(digest: string) {
    return this.#alive(() => this.#inner.getByDigest(digest));
  }
  lastSequence(chain: string) {
    return this.#alive(() => this.#inner.lastSequence(chain));
  }
  listOpen(chain: string, page: { afterSequence: number; limit: number }) {
    return this.#alive(() => this.#inner.listOpen(chain, page));
  }
  async update(record: SponsorTransactionRecord): Promise<void> {
    await this.#alive(() => this.#inner.update(record));
    if (record.state === AnchorState.Submitted) {
      this.#dead = true;
      throw new Error('process killed');
    }
  }
  #alive<T>(run: () => Promise<T>): Promise<T> {
    return this.#dead ? Promise.reject(new Error('process is dead')) : run();
  }
}

describe('the sponsor sending loop on anvil with PostgreSQL', () => {
  let chain: SponsorTestChain;
  let server: EmbeddedPostgres;
  let database: Database;
  let transactions: PostgresSponsorTransactionStore;
  let ledger: PostgresSponsorLedger;
  let desk: SponsorDesk;
  /** Unix seconds of the desk and the sender: the chain's time. */
  let now: bigint;
  /** Milliseconds of the engine's clock (when to replace). */
  let clockMs: number;

  before(async () => {
    chain = await startSponsorTestChain();
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    transactions = new PostgresSponsorTransactionStore(database.sponsorTransactions);
    ledger = new PostgresSponsorLedger(database.prisma);
    const { keyRegistry, forwarder, chainId } = chain.deployment;
    const policy: TenantPolicy = {
      tenant: 'acme',
      allow: new Map([[keyRegistry, new Set([registry.getFunction('register')!.selector])]]),
      maxGas: 500_000n,
      periodSeconds: 86_400,
      tenantBudget: { wei: 10n ** 18n, count: 100 },
      userBudget: { wei: 10n ** 17n, count: 10 },
      minDeadlineSeconds: 30,
    };
    desk = new SponsorDesk({
      network: { chainId, forwarder, governors: new Map(), ballotTtlSeconds: 3600 },
      store: database.sponsorships,
      chain: new RpcSponsorChain(chain.rpc),
      policyOf: () => policy,
      sponsorAccount: chain.sponsor.address,
      now: () => now,
    });
  });
  after(async () => {
    await database.close();
    await server.stop();
    await chain.close();
  });
  beforeEach(async () => {
    await chain.rpc.request('evm_setAutomine', [true]);
    now = await chain.latestTimestamp();
    clockMs = Date.now();
  });

  async function openSender(
    signer: TransactionSigner = chain.sponsor,
    store: SponsorTransactionStore = transactions,
  ): Promise<SponsorAccountSender> {
    const engine = await SponsorTransactionEngine.open({
      rpcUrls: [chain.anvil.rpcUrl],
      chainId: Number(chain.deployment.chainId),
      forwarder: chain.deployment.forwarder,
      signer,
      store,
      confirmations: 1,
      finalityDepth: 12,
      replaceAfterMs: 60_000,
      now: () => new Date(clockMs),
    });
    return new SponsorAccountSender({
      engine,
      transactions: store,
      sponsorships: database.sponsorships,
      tenants: { except: [] },
      sendMarginSeconds: 60,
      batch: 16,
      now: () => now,
      ledger,
    });
  }

  async function accept(user: Wallet = chain.newUser(), deadlineSeconds = 600n): Promise<SponsorshipRecord> {
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
      now + deadlineSeconds,
    );
    return (await desk.accept('acme', body)).record;
  }

  const sponsorship = async (digest: string) => (await database.sponsorships.get(digest))!;
  const transaction = async (digest: string) => (await transactions.getByDigest(digest))!;
  const receipt = (hash: string) =>
    chain.rpc.request<{ gasUsed: string; effectiveGasPrice: string; blockHash: string } | null>(
      'eth_getTransactionReceipt',
      [hash],
    );
  const nonceOf = async (tag: string) =>
    Number(await chain.rpc.request<string>('eth_getTransactionCount', [chain.sponsor.address, tag]));

  it('takes an accepted sponsorship, sends it and settles exactly what the sponsor paid', async () => {
    const sender = await openSender();
    const accepted = await accept();
    const before = await chain.balanceOf(chain.sponsor.address);
    await sender.pass();
    await sender.pass();
    const settled = await sponsorship(accepted.digest);
    assert.equal(settled.state, 'settled');
    assert.equal(settled.succeeded, true);
    assert.equal(before - (await chain.balanceOf(chain.sponsor.address)), settled.chargedWei);
    const record = await transaction(accepted.digest);
    assert.equal(record.inclusion?.txHash, settled.txHash);
    assert.equal(record.attempts[0]!.fees.gasLimit, accepted.gasLimit.toString());
    await sender.pass();
    assert.equal((await transaction(accepted.digest)).attempts.length, 1, 'sent once');
  });

  it('with automine off and a rising base fee, charges the replacement that was mined', async () => {
    // Accepted while the base fee is high: the reservation's fee cap leaves room for a bump later.
    await chain.rpc.request('anvil_setNextBlockBaseFeePerGas', [toQuantity(20n * GWEI)]);
    await chain.rpc.request('evm_mine', []);
    now = await chain.latestTimestamp();
    const accepted = await accept();
    assert.ok(accepted.maxFeePerGas >= 40n * GWEI);
    await chain.rpc.request('anvil_setNextBlockBaseFeePerGas', [toQuantity(1n * GWEI)]);
    await chain.rpc.request('evm_mine', []);
    await chain.rpc.request('evm_setAutomine', [false]);
    const sender = await openSender();
    const before = await chain.balanceOf(chain.sponsor.address);
    await sender.pass();
    const first = await transaction(accepted.digest);
    assert.equal(first.state, AnchorState.Submitted);
    assert.equal((await sponsorship(accepted.digest)).txHash, first.attempts[0]!.txHash);
    // The base fee rises past the first offer (2 × 1 gwei + tip) but stays under the reserved cap.
    await chain.rpc.request('anvil_setNextBlockBaseFeePerGas', [toQuantity(8n * GWEI)]);
    await chain.rpc.request('evm_mine', []);
    assert.equal(await receipt(first.attempts[0]!.txHash), null, 'the first offer is too low now');
    clockMs += 60_000;
    await sender.pass();
    const replaced = await transaction(accepted.digest);
    assert.equal(replaced.attempts.length, 2);
    assert.ok(BigInt(replaced.attempts[1]!.fees.maxFeePerGas!) <= accepted.maxFeePerGas, 'within the cap');
    assert.equal(
      (await sponsorship(accepted.digest)).txHash,
      replaced.attempts[1]!.txHash,
      'sent as the replacement',
    );
    await chain.rpc.request('evm_mine', []);
    await sender.pass();
    const settled = await sponsorship(accepted.digest);
    assert.equal(settled.state, 'settled');
    assert.equal(settled.txHash, replaced.attempts[1]!.txHash);
    assert.equal(await receipt(replaced.attempts[0]!.txHash), null, 'the first attempt was never mined');
    const mined = (await receipt(replaced.attempts[1]!.txHash))!;
    assert.equal(settled.chargedWei, BigInt(mined.gasUsed) * BigInt(mined.effectiveGasPrice));
    assert.equal(before - (await chain.balanceOf(chain.sponsor.address)), settled.chargedWei);
  });

  it('after anvil_reorg the sponsorship goes back to sent and is settled again from the new block; its line voided and written again', async () => {
    const sender = await openSender();
    const accepted = await accept();
    await sender.pass();
    await sender.pass();
    const first = await sponsorship(accepted.digest);
    assert.equal(first.state, 'settled');
    const firstBlock = (await receipt(first.txHash!))!.blockHash;
    // The block is replaced by an empty one; with automine off the re-broadcast waits in the pool.
    await chain.rpc.request('evm_setAutomine', [false]);
    await chain.rpc.request('anvil_reorg', [1, []]);
    await sender.pass();
    const back = await sponsorship(accepted.digest);
    assert.equal(back.state, 'sent');
    assert.equal(back.chargedWei, null);
    assert.equal((await transaction(accepted.digest)).state, AnchorState.Submitted);
    await chain.rpc.request('evm_mine', []);
    await sender.pass();
    const again = await sponsorship(accepted.digest);
    assert.equal(again.state, 'settled');
    const mined = (await receipt(again.txHash!))!;
    assert.notEqual(mined.blockHash, firstBlock);
    assert.equal(again.chargedWei, BigInt(mined.gasUsed) * BigInt(mined.effectiveGasPrice));
    // The ledger: the first line, its void, the line the chain ended up with; one in force.
    const records = (await ledger.ledger('acme')).filter((r) => r.digest === accepted.digest);
    assert.deepEqual(
      records.map((r) => r.kind),
      ['line', 'void', 'line'],
    );
    const last = decodeLedgerLine(records[2]!.record);
    assert.equal(last.txHash, again.txHash);
    assert.equal(last.chargedWei, again.chargedWei);
    assert.equal(decodeLedgerVoid(records[1]!.record).txHash, first.txHash);
    const checked = await reconcileLedger({
      lines: await Promise.all(
        records.map(async (r) => ({ cid: await cidForBytes(r.record), bytes: r.record })),
      ),
      sponsorships: [again],
      cidOf: (bytes) => cidForBytes(bytes),
      receiptOf: async (hash) => {
        const r = await chain.rpc.request<{
          from: string;
          gasUsed: string;
          effectiveGasPrice: string;
        } | null>('eth_getTransactionReceipt', [hash]);
        return r === null
          ? null
          : { from: r.from, gasUsed: BigInt(r.gasUsed), effectiveGasPrice: BigInt(r.effectiveGasPrice) };
      },
    });
    assert.deepEqual(checked.mismatches, []);
    assert.equal(checked.lines, 1);
    assert.equal(checked.ledgerWei, again.chargedWei);
  });

  it('a sponsor killed between signing and broadcast sends the saved transaction on restart: no second nonce', async () => {
    await chain.rpc.request('evm_setAutomine', [false]);
    const accepted = await accept();
    const pending = await nonceOf('pending');
    const doomed = await openSender(chain.sponsor, new DyingStore(transactions));
    await assert.rejects(doomed.pass(), /process killed/);
    const saved = await transaction(accepted.digest);
    assert.equal(saved.state, AnchorState.Submitted, 'signed and saved');
    assert.equal(await nonceOf('pending'), pending, 'never broadcast');
    const restarted = await openSender();
    await restarted.pass();
    assert.equal((await sponsorship(accepted.digest)).txHash, saved.attempts[0]!.txHash);
    await chain.rpc.request('evm_mine', []);
    await restarted.pass();
    const record = await transaction(accepted.digest);
    assert.equal(record.inclusion?.txHash, saved.attempts[0]!.txHash, 'the saved transaction, not a new one');
    assert.equal(record.nonce, saved.nonce);
    assert.equal(record.attempts.length, 1);
    assert.equal(await nonceOf('latest'), pending + 1, 'one nonce used');
    assert.equal((await sponsorship(accepted.digest)).state, 'settled');
  });

  it('never sends a sponsorship released at its deadline before it was signed', async () => {
    const sender = await openSender();
    const accepted = await accept(chain.newUser(), 120n);
    // Taken (the deadline is 120 s away, more than the 60 s margin), but the pass's tick fails.
    await chain.rpc.request('evm_setAutomine', [true]);
    const offline = await openSender({
      getAddress: () => chain.sponsor.getAddress(),
      signTransaction: () => Promise.reject(new Error('signer unreachable')),
    });
    await offline.pass().catch(() => undefined);
    assert.equal((await transaction(accepted.digest)).state, AnchorState.Pending);
    now += 200n;
    await sender.pass();
    assert.equal((await sponsorship(accepted.digest)).state, 'released');
    const abandoned = await transaction(accepted.digest);
    assert.equal(abandoned.state, AnchorState.Failed);
    assert.equal(abandoned.failure?.code, 'RELEASED');
    assert.equal(abandoned.attempts.length, 0, 'never signed');
  });
});
