/**
 * EvmChain's request state machine on a real anvil, for the EVM-only parts the chain-neutral
 * contract suite cannot express: mempool control, fee replacement, nonces, reverts, crashes.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import { AnchorState } from '../src/anchor-request.ts';
import type { AnchorRecord } from '../src/anchor-request.ts';
import type { AnchorRequestStore } from '../src/anchor-request-store.ts';
import { ChainErrorCode } from '../src/chain-error.ts';
import { setAnchorSubmitter, encodeAnchorCall } from '../src/evm/anchor-contract.ts';
import { toQuantity } from '../src/evm/rpc-types.ts';
import type { RpcReceipt, RpcTransaction } from '../src/evm/rpc-types.ts';
import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { allAnchors, inState, sampleAnchorRequest, settle } from '../src/testing/contract.ts';
import { startEvmTestChain } from '../src/testing/evm-harness.ts';
import type { EvmTestChain } from '../src/testing/evm-harness.ts';

const GWEI = 1_000_000_000n;

/** A clock the test moves by hand, so "not mined after N minutes" needs no sleeping. */
class TestClock {
  #ms = Date.parse('2026-03-01T12:00:00.000Z');
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
}

let chains: EvmTestChain[] = [];
async function testChain(...args: Parameters<typeof startEvmTestChain>): Promise<EvmTestChain> {
  const chain = await startEvmTestChain(...args);
  chains.push(chain);
  return chain;
}
afterEach(async () => {
  await Promise.all(chains.map((c) => c.close()));
  chains = [];
});

const nonceOf = async (t: EvmTestChain, address: string, tag = 'latest'): Promise<number> =>
  Number(await t.call<string>('eth_getTransactionCount', [address, tag]));
const receiptOf = (t: EvmTestChain, hash: string): Promise<RpcReceipt | null> =>
  t.call<RpcReceipt | null>('eth_getTransactionReceipt', [hash]);
const txOf = (t: EvmTestChain, hash: string): Promise<RpcTransaction | null> =>
  t.call<RpcTransaction | null>('eth_getTransactionByHash', [hash]);
const stateOf = async (
  chain: { status(s: number): Promise<AnchorRecord | undefined> },
  s: number,
): Promise<AnchorRecord> => (await chain.status(s))!;

describe('EvmChain: fees and stuck transactions', () => {
  it('replaces a transaction stuck under a high base fee with the same nonce and fees +12.5% or more, mined once', async () => {
    const t = await testChain();
    const clock = new TestClock();
    const chain = t.openWith(new MemoryAnchorRequestStore(), { now: clock.now, replaceAfterMs: 60_000 });
    await t.call('evm_setAutomine', [false]);
    const request = sampleAnchorRequest(1);
    await chain.anchor(request);
    await chain.tick();
    const first = await stateOf(chain, 1);
    assert.equal(first.state, AnchorState.Submitted);
    assert.equal(first.attempts.length, 1);
    const firstFees = first.attempts[0]!.fees;

    // The next block's base fee is far above what the first attempt offers: it cannot be included.
    await t.call('anvil_setNextBlockBaseFeePerGas', [toQuantity(100n * GWEI)]);
    await t.call('evm_mine');
    assert.equal(await receiptOf(t, first.attempts[0]!.txHash), null);
    await chain.tick();
    assert.equal((await stateOf(chain, 1)).attempts.length, 1, 'not replaced before replaceAfterMs');

    clock.advance(60_000);
    const transitions = await chain.tick();
    assert.deepEqual(
      transitions.map((x) => `${x.from}>${x.to}`),
      ['SUBMITTED>SUBMITTED'],
    );
    const replaced = await stateOf(chain, 1);
    assert.equal(replaced.attempts.length, 2);
    assert.equal(replaced.nonce, first.nonce);
    const a = replaced.attempts[0]!.fees;
    const b = replaced.attempts[1]!.fees;
    assert.deepEqual(a, firstFees);
    for (const field of ['maxFeePerGas', 'maxPriorityFeePerGas']) {
      assert.ok(BigInt(b[field]!) * 8n >= BigInt(a[field]!) * 9n, `${field}: ${a[field]} -> ${b[field]}`);
    }
    assert.ok(BigInt(b.maxFeePerGas!) > 100n * GWEI, 'the replacement covers the current base fee');
    // The node holds the replacement, not the original.
    assert.equal(await txOf(t, first.attempts[0]!.txHash), null);
    assert.notEqual(await txOf(t, replaced.attempts[1]!.txHash), null);

    await t.call('evm_mine');
    await chain.tick();
    const mined = await stateOf(chain, 1);
    assert.equal(mined.state, AnchorState.Mined);
    assert.equal(mined.inclusion?.txHash, replaced.attempts[1]!.txHash);
    assert.equal(await receiptOf(t, replaced.attempts[0]!.txHash), null);
    assert.equal(await nonceOf(t, t.owner.address), first.nonce! + 1);
    const anchors = await allAnchors(chain);
    assert.deepEqual(
      anchors.map((x) => [x.sequence, x.txHash]),
      [[1, mined.inclusion.txHash]],
    );
  });

  it('waits at the fee cap instead of overpaying, says so, and is mined once fees come down', async () => {
    const t = await testChain();
    const clock = new TestClock();
    const base = BigInt(
      (await t.call<{ baseFeePerGas: string }>('eth_getBlockByNumber', ['latest', false])).baseFeePerGas,
    );
    // Below the usual first offer (2 × base + 1 gwei tip), above what inclusion needs: no room to bump.
    const cap = base + base / 2n + GWEI;
    const chain = t.openWith(new MemoryAnchorRequestStore(), {
      now: clock.now,
      replaceAfterMs: 1_000,
      maxFeePerGasCap: cap,
    });
    await t.call('evm_setAutomine', [false]);
    await chain.anchor(sampleAnchorRequest(2));
    await chain.tick();
    await t.call('anvil_setNextBlockBaseFeePerGas', [toQuantity(100n * GWEI)]);
    await t.call('evm_mine');
    clock.advance(1_000);
    await chain.tick();
    const capped = await stateOf(chain, 2);
    assert.equal(capped.state, AnchorState.Submitted);
    assert.equal(capped.lastError?.code, ChainErrorCode.FeeCapReached, capped.lastError?.message);
    assert.equal(capped.attempts.length, 1);
    assert.equal(BigInt(capped.attempts[0]!.fees.maxFeePerGas!), cap);
    // Empty blocks lower the base fee by 12.5% each until the transaction fits again.
    for (let i = 0; i < 60 && (await stateOf(chain, 2)).state === AnchorState.Submitted; i++) {
      await t.call('evm_mine');
      await chain.tick();
    }
    assert.equal((await stateOf(chain, 2)).state, AnchorState.Mined);
    assert.equal((await allAnchors(chain)).length, 1);
  });

  it('broadcasts again a transaction the node dropped, without replacing it', async () => {
    const t = await testChain();
    const chain = t.open(new MemoryAnchorRequestStore());
    await t.call('evm_setAutomine', [false]);
    await chain.anchor(sampleAnchorRequest(3));
    await chain.tick();
    const submitted = await stateOf(chain, 3);
    const hash = submitted.attempts[0]!.txHash;
    await t.call('anvil_dropTransaction', [hash]);
    assert.equal(await txOf(t, hash), null);
    await chain.tick();
    assert.notEqual(await txOf(t, hash), null, 'back in the mempool');
    await t.call('evm_mine');
    await chain.tick();
    const mined = await stateOf(chain, 3);
    assert.equal(mined.state, AnchorState.Mined);
    assert.equal(mined.attempts.length, 1);
    assert.equal(mined.inclusion?.txHash, hash);
  });
});

describe('EvmChain: nonces', () => {
  it('gives the nonce back when the node refuses the transaction (no funds), then uses it', async () => {
    const t = await testChain();
    const poor = Wallet.createRandom();
    await setAnchorSubmitter(t.owner, {
      rpc: t.rpc,
      contractAddress: t.contractAddress,
      submitter: poor.address,
      allowed: true,
    });
    const chain = t.openWith(new MemoryAnchorRequestStore(), { signer: poor });
    await chain.anchor(sampleAnchorRequest(4));
    await chain.anchor(sampleAnchorRequest(5));
    const transitions = await chain.tick();
    assert.deepEqual(
      transitions.map((x) => `${x.sequence}:${x.from}>${x.to}`),
      ['4:PENDING>SUBMITTED', '4:SUBMITTED>PENDING'],
      'the second request is not tried while there are no funds',
    );
    const refused = await stateOf(chain, 4);
    assert.equal(refused.state, AnchorState.Pending);
    assert.equal(refused.lastError?.code, ChainErrorCode.InsufficientFunds);
    assert.equal(refused.nonce, null);
    assert.deepEqual(refused.attempts, []);

    await t.call('anvil_setBalance', [poor.address, toQuantity(10n ** 18n)]);
    await settle(chain, t, async () => (await stateOf(chain, 5)).state === AnchorState.Confirmed);
    const four = await stateOf(chain, 4);
    const five = await stateOf(chain, 5);
    assert.equal(four.lastError, null);
    const nonces = await Promise.all(
      [four, five].map(async (r) => Number((await txOf(t, r.inclusion!.txHash))!.nonce)),
    );
    assert.deepEqual(nonces, [0, 1], 'nonce 0 was not burned');
    assert.equal(await nonceOf(t, poor.address), 2);
  });

  it('starts over with a new nonce when another transaction takes the nonce', async () => {
    const t = await testChain();
    const chain = t.open(new MemoryAnchorRequestStore());
    await t.call('evm_setAutomine', [false]);
    await chain.anchor(sampleAnchorRequest(6));
    await chain.tick();
    const submitted = await stateOf(chain, 6);
    // Someone else with the same key sends a plain transfer with the same nonce and a higher fee.
    const other = await t.owner.signTransaction({
      type: 2,
      chainId: BigInt(t.anvil.chainId),
      nonce: submitted.nonce!,
      to: t.stranger.address,
      value: 1n,
      gasLimit: 21_000n,
      maxFeePerGas: 1_000n * GWEI,
      maxPriorityFeePerGas: 100n * GWEI,
    });
    await t.call('eth_sendRawTransaction', [other]);
    await t.call('evm_mine');
    const transitions = await chain.tick();
    assert.deepEqual(
      transitions.map((x) => `${x.from}>${x.to}`),
      ['SUBMITTED>PENDING', 'PENDING>SUBMITTED'],
    );
    const again = await stateOf(chain, 6);
    assert.equal(again.nonce, submitted.nonce! + 1);
    await t.call('evm_mine');
    await chain.tick();
    assert.equal((await stateOf(chain, 6)).state, AnchorState.Mined);
    assert.equal((await allAnchors(chain)).length, 1);
  });
});

describe('EvmChain: never twice', () => {
  it('adopts the anchor when a competing transaction wins the race and ours reverts', async () => {
    const t = await testChain();
    const chain = t.open(new MemoryAnchorRequestStore());
    const request = sampleAnchorRequest(7);
    await t.call('evm_setAutomine', [false]);
    await chain.anchor(request);
    await chain.tick();
    const ours = (await stateOf(chain, 7)).attempts[0]!.txHash;
    // A second submitter anchors the same batch with a higher tip: mined first in the same block.
    const competing = await t.otherSubmitter.signTransaction({
      type: 2,
      chainId: BigInt(t.anvil.chainId),
      nonce: await nonceOf(t, t.otherSubmitter.address, 'pending'),
      to: t.contractAddress,
      data: encodeAnchorCall(request.root, request.batchCid, request.sequence),
      gasLimit: 100_000n,
      maxFeePerGas: 1_000n * GWEI,
      maxPriorityFeePerGas: 500n * GWEI,
    });
    const theirs = await t.call<string>('eth_sendRawTransaction', [competing]);
    await t.call('evm_mine');
    assert.equal((await receiptOf(t, ours))?.status, '0x0', 'ours reverted (AlreadyAnchored)');
    assert.equal((await receiptOf(t, theirs))?.status, '0x1');
    const transitions = await chain.tick();
    assert.deepEqual(
      transitions.map((x) => `${x.from}>${x.to}`),
      ['SUBMITTED>PENDING', 'PENDING>MINED'],
    );
    const adopted = await stateOf(chain, 7);
    assert.equal(adopted.inclusion?.txHash, theirs);
    assert.equal(adopted.inclusion.adopted, true);
    const anchors = await allAnchors(chain);
    assert.equal(anchors.length, 1);
    assert.equal(anchors[0]!.submitter, t.otherSubmitter.address.toLowerCase());
  });

  it('fails with NOT_SUBMITTER for an unauthorized key, and retry() succeeds once authorized', async () => {
    const t = await testChain();
    const chain = t.openWith(new MemoryAnchorRequestStore(), { signer: t.stranger });
    await chain.anchor(sampleAnchorRequest(8));
    await chain.tick();
    const failed = await stateOf(chain, 8);
    assert.equal(failed.state, AnchorState.Failed);
    assert.equal(failed.failure?.code, ChainErrorCode.NotSubmitter);
    assert.equal(await nonceOf(t, t.stranger.address), 1, 'only the look-alike deployment: nothing sent');
    await setAnchorSubmitter(t.owner, {
      rpc: t.rpc,
      contractAddress: t.contractAddress,
      submitter: t.stranger.address,
      allowed: true,
    });
    await chain.retry(8);
    await settle(chain, t, inState(chain, 8, AnchorState.Confirmed));
  });

  it('watches a CONFIRMED anchor until finality and re-anchors it after a deeper reorg', async () => {
    const t = await testChain();
    const chain = t.open(new MemoryAnchorRequestStore());
    await chain.anchor(sampleAnchorRequest(9));
    await settle(chain, t, inState(chain, 9, AnchorState.Confirmed));
    const confirmed = (await stateOf(chain, 9)).inclusion!;
    const head = await chain.head();
    await t.reorg(head.number - confirmed.blockNumber + 1);
    const transitions = await chain.tick();
    assert.equal(`${transitions[0]!.from}>${transitions[0]!.to}`, 'CONFIRMED>SUBMITTED');
    await settle(chain, t, inState(chain, 9, AnchorState.Finalized));
    const anchors = await allAnchors(chain);
    assert.equal(anchors.length, 1);
    assert.notEqual(anchors[0]!.blockHash, confirmed.blockHash);
  });
});

describe('EvmChain: crash between persisting and broadcasting', () => {
  /** A store that dies right after persisting the first SUBMITTED record, like a killed process. */
  class DyingStore implements AnchorRequestStore {
    readonly inner = new MemoryAnchorRequestStore();
    dead = false;
    create(record: AnchorRecord): Promise<AnchorRecord> {
      return this.#alive(() => this.inner.create(record));
    }
    get(chain: string, sequence: number): Promise<AnchorRecord | undefined> {
      return this.#alive(() => this.inner.get(chain, sequence));
    }
    listOpen(chain: string, page: { afterSequence: number; limit: number }): Promise<AnchorRecord[]> {
      return this.#alive(() => this.inner.listOpen(chain, page));
    }
    async update(record: AnchorRecord): Promise<void> {
      await this.#alive(() => this.inner.update(record));
      if (record.state === AnchorState.Submitted) {
        this.dead = true;
        throw new Error('process killed');
      }
    }
    #alive<T>(run: () => Promise<T>): Promise<T> {
      return this.dead ? Promise.reject(new Error('process is dead')) : run();
    }
  }

  it('broadcasts the persisted transaction on restart: same nonce, same hash, one anchor', async () => {
    const t = await testChain();
    const store = new DyingStore();
    const chain = t.open(store);
    await chain.anchor(sampleAnchorRequest(11));
    await chain.anchor(sampleAnchorRequest(12));
    await assert.rejects(chain.tick(), /process killed/);
    const persisted = (await store.inner.get(chain.id, 11))!;
    assert.equal(persisted.state, AnchorState.Submitted);
    assert.equal(await txOf(t, persisted.attempts[0]!.txHash), null, 'never left the process');
    assert.equal(await nonceOf(t, t.owner.address, 'pending'), persisted.nonce);

    const restarted = t.open(store.inner);
    await settle(
      restarted,
      t,
      async () =>
        (await stateOf(restarted, 11)).state === AnchorState.Confirmed &&
        (await stateOf(restarted, 12)).state === AnchorState.Confirmed,
    );
    const eleven = await stateOf(restarted, 11);
    assert.equal(eleven.inclusion?.txHash, persisted.attempts[0]!.txHash);
    assert.equal(eleven.nonce, persisted.nonce);
    assert.deepEqual(
      (await allAnchors(restarted)).map((a) => a.sequence),
      [11, 12],
    );
  });
});
