/**
 * The anchoring engine's transitions on a driver test double: what it persists and when, what it
 * asks the driver, and how one tick's problems steer the rest of the tick. No chain involved.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnchorTransition } from '../src/anchor-chain.ts';
import { AnchorState } from '../src/anchor-request.ts';
import type { AnchorRecord, AnchorRequest } from '../src/anchor-request.ts';
import { ChainError, ChainErrorCode } from '../src/chain-error.ts';
import { AnchorEngine } from '../src/engine/index.ts';
import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { sampleAnchorRequest } from '../src/testing/contract.ts';
import { AnchorDriverDouble, ChainReaderDouble } from './anchor-driver-double.ts';

function engineOn(tuning: { maxInFlight?: number } = {}) {
  const driver = new AnchorDriverDouble();
  const store = new MemoryAnchorRequestStore();
  const engine = new AnchorEngine({
    reader: new ChainReaderDouble(driver),
    driver,
    store,
    defaults: { confirmations: 3, finalityDepth: 6 },
    maxInFlight: tuning.maxInFlight,
  });
  const stateOf = async (sequence: number): Promise<AnchorRecord> => (await engine.status(sequence))!;
  return { driver, store, engine, stateOf };
}

type Setup = ReturnType<typeof engineOn>;

/** Anchors `request`, sends it in one tick, and has the driver see it in block `blockNumber`. */
async function sentAndMined(setup: Setup, request: AnchorRequest, blockNumber: number): Promise<string> {
  await setup.engine.anchor(request);
  await setup.engine.tick();
  const { txHash } = (await setup.stateOf(request.sequence)).attempts[0]!;
  const anchor = setup.driver.include(request.sequence, blockNumber, request);
  setup.driver.followAnswer = () => ({ kind: 'included', inclusion: { ...anchor, txHash } });
  return txHash;
}

const moves = (transitions: AnchorTransition[]): string[] =>
  transitions.map((t) => `${t.sequence}:${t.from}>${t.to}`);

const noFunds = () => new ChainError(ChainErrorCode.InsufficientFunds, 'insufficient funds for gas');

describe('AnchorEngine on a driver test double', () => {
  it('persists SUBMITTED with the signed transaction before the driver broadcasts it', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(1));
    let seenAtBroadcast: AnchorRecord | undefined;
    driver.onBroadcast = async () => {
      seenAtBroadcast = await stateOf(1);
    };
    assert.deepEqual(moves(await engine.tick()), ['1:PENDING>SUBMITTED']);
    const persisted = seenAtBroadcast!;
    assert.equal(persisted.state, AnchorState.Submitted);
    assert.equal(persisted.attempts[0]?.txHash, 'tx-1-1');
    assert.deepEqual(driver.calls.slice(0, 3), ['begin', 'sign:1', 'broadcast:first:tx-1-1']);
  });

  it('follows an included transaction to MINED, CONFIRMED exactly at N and FINALIZED at the finality depth', async () => {
    const setup = engineOn();
    const { driver, engine, stateOf } = setup;
    const txHash = await sentAndMined(setup, sampleAnchorRequest(2), 100);
    assert.deepEqual(moves(await engine.tick()), ['2:SUBMITTED>MINED']);
    const mined = await stateOf(2);
    assert.deepEqual(mined.inclusion, {
      txHash,
      blockNumber: 100,
      blockHash: 'block-100',
      blockTime: '2026-01-01T00:00:00.000Z',
      logIndex: 0,
      adopted: false,
    });
    assert.equal(mined.confirmations, 1);
    driver.headNumber = 101;
    assert.deepEqual(moves(await engine.tick()), [], 'two confirmations are not three');
    driver.headNumber = 102;
    assert.deepEqual(moves(await engine.tick()), ['2:MINED>CONFIRMED']);
    assert.equal((await stateOf(2)).confirmations, 3);
    driver.headNumber = 105;
    assert.deepEqual(moves(await engine.tick()), ['2:CONFIRMED>FINALIZED']);
    assert.equal((await stateOf(2)).confirmations, 6);
    assert.deepEqual(await engine.tick(), [], 'FINALIZED is no longer watched');
  });

  it('adopts an anchor already on chain without signing, and fails one with another batch', async () => {
    const { driver, engine, stateOf } = engineOn();
    const ours = sampleAnchorRequest(3);
    driver.onChain.set(3, driver.include(3, 99, ours));
    const theirs = sampleAnchorRequest(4);
    driver.onChain.set(
      4,
      driver.include(4, 99, { root: theirs.root, batchCid: sampleAnchorRequest(5).batchCid }),
    );
    await engine.anchor(ours);
    await engine.anchor(theirs);
    assert.deepEqual(moves(await engine.tick()), ['3:PENDING>MINED', '4:PENDING>FAILED']);
    assert.ok(!driver.calls.some((c) => c.startsWith('sign')), 'nothing signed');
    const adopted = await stateOf(3);
    assert.equal(adopted.inclusion!.adopted, true);
    assert.equal(adopted.inclusion!.txHash, 'tx-on-chain-3');
    assert.equal(adopted.confirmations, 2);
    const failed = await stateOf(4);
    assert.equal(failed.failure?.code, ChainErrorCode.Conflict);
    // An operator's retry puts it back; the chain still says the same, so it fails again.
    assert.equal((await engine.retry(4)).state, AnchorState.Pending);
    assert.deepEqual(moves(await engine.tick()), ['4:PENDING>FAILED']);
  });

  it('forgets a refused transaction (back to PENDING, no nonce, no attempts) and sends it afresh next tick', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(6));
    driver.signAnswer = (_, attempt) => ({ kind: 'signed', attempt, nonce: 7 });
    driver.broadcastAnswer = () => ({
      kind: 'refused',
      error: new ChainError(ChainErrorCode.Rejected, 'underpriced'),
    });
    assert.deepEqual(moves(await engine.tick()), ['6:PENDING>SUBMITTED', '6:SUBMITTED>PENDING']);
    const refused = await stateOf(6);
    assert.equal(refused.nonce, null);
    assert.deepEqual(refused.attempts, []);
    assert.equal(refused.lastError?.code, ChainErrorCode.Rejected);
    driver.broadcastAnswer = () => ({ kind: 'accepted' });
    assert.deepEqual(moves(await engine.tick()), ['6:PENDING>SUBMITTED']);
    assert.equal((await stateOf(6)).nonce, 7);
    assert.equal((await stateOf(6)).lastError, null);
  });

  it('fails a request the driver says no retry can fix, and leaves one it says to wait on alone', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(8));
    await engine.anchor(sampleAnchorRequest(9));
    driver.signAnswer = (record) =>
      record.sequence === 8
        ? { kind: 'failed', error: new ChainError(ChainErrorCode.NotSubmitter, 'not allowed') }
        : { kind: 'wait' };
    assert.deepEqual(moves(await engine.tick()), ['8:PENDING>FAILED']);
    assert.equal((await stateOf(8)).failure?.code, ChainErrorCode.NotSubmitter);
    assert.equal((await stateOf(9)).state, AnchorState.Pending);
    assert.equal((await stateOf(9)).version, 1, 'nothing written for a wait');
  });

  it('persists a replacement beside the attempt before sending it, and forgets it when refused', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(10));
    await engine.tick();
    const first = (await stateOf(10)).attempts[0]!;
    const second = driver.attempt(10);
    // Once: a real driver waits a full period after a refused replacement.
    driver.followAnswer = (record) =>
      record.lastError === null ? { kind: 'replacement', attempt: second } : { kind: 'waiting' };
    let attemptsAtBroadcast: string[] = [];
    driver.onBroadcast = async () => {
      attemptsAtBroadcast = (await stateOf(10)).attempts.map((a) => a.txHash);
    };
    driver.broadcastAnswer = () => ({
      kind: 'refused',
      error: new ChainError(ChainErrorCode.Rejected, 'replacement underpriced'),
    });
    assert.deepEqual(moves(await engine.tick()), ['10:SUBMITTED>SUBMITTED', '10:SUBMITTED>SUBMITTED']);
    assert.deepEqual(attemptsAtBroadcast, [first.txHash, second.txHash]);
    assert.ok(driver.calls.includes(`broadcast:replacement:${second.txHash}`));
    const after = await stateOf(10);
    assert.deepEqual(
      after.attempts.map((a) => a.txHash),
      [first.txHash],
    );
    assert.equal(after.lastError?.code, ChainErrorCode.Rejected);
  });

  it('sends a request the driver calls lost again in the same tick, and records why', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(11));
    await engine.tick();
    driver.followAnswer = (record) =>
      record.attempts.length > 0 && record.attempts[0]!.txHash.endsWith('-1')
        ? { kind: 'lost', error: new ChainError(ChainErrorCode.NonceConsumed, 'nonce taken') }
        : { kind: 'waiting' };
    assert.deepEqual(moves(await engine.tick()), ['11:SUBMITTED>PENDING', '11:PENDING>SUBMITTED']);
    const again = await stateOf(11);
    assert.equal(again.attempts.length, 1);
    assert.notEqual(again.attempts[0]!.txHash, 'tx-11-1');
  });

  it('takes a reorganized block back: its own transaction to SUBMITTED, an adopted anchor to PENDING', async () => {
    const setup = engineOn();
    const { driver, engine, stateOf } = setup;
    const adopted = sampleAnchorRequest(13);
    const txHash = await sentAndMined(setup, sampleAnchorRequest(12), 100);
    driver.onChain.set(13, driver.include(13, 100, adopted));
    await engine.anchor(adopted);
    await engine.tick();
    assert.equal((await stateOf(12)).state, AnchorState.Mined);
    assert.equal((await stateOf(13)).state, AnchorState.Mined);
    driver.blocks.set(100, 'block-100-other');
    driver.onChain.delete(13);
    driver.followAnswer = () => ({ kind: 'waiting' });
    const transitions = await engine.tick();
    assert.deepEqual(moves(transitions), ['12:MINED>SUBMITTED', '13:MINED>PENDING', '13:PENDING>SUBMITTED']);
    const back = await stateOf(12);
    assert.equal(back.lastError?.code, ChainErrorCode.Reorganized);
    assert.equal(back.inclusion, null);
    assert.deepEqual(
      back.attempts.map((a) => a.txHash),
      [txHash],
      'the very transaction goes out again',
    );
  });

  it('never has more than maxInFlight requests SUBMITTED', async () => {
    const { engine } = engineOn({ maxInFlight: 2 });
    for (const s of [20, 21, 22]) await engine.anchor(sampleAnchorRequest(s));
    assert.deepEqual(moves(await engine.tick()), ['20:PENDING>SUBMITTED', '21:PENDING>SUBMITTED']);
    assert.deepEqual(moves(await engine.tick()), []);
  });

  it('follows sent requests in the order they were sent, and tells the driver what each holds', async () => {
    const { driver, engine } = engineOn();
    await engine.anchor(sampleAnchorRequest(31));
    await engine.tick();
    await engine.anchor(sampleAnchorRequest(30));
    await engine.tick();
    driver.calls.length = 0;
    await engine.tick();
    assert.deepEqual(driver.calls, ['begin', 'follow:31', 'holds:31', 'follow:30', 'holds:30']);
  });

  it('notes a retryable problem once on the request and carries on with the others', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(40));
    await engine.anchor(sampleAnchorRequest(41));
    await engine.tick();
    driver.followAnswer = (record) =>
      record.sequence === 40
        ? new ChainError(ChainErrorCode.RpcError, 'receipt: bad answer')
        : { kind: 'waiting' };
    await engine.tick();
    const noted = await stateOf(40);
    assert.equal(noted.state, AnchorState.Submitted);
    assert.equal(noted.lastError?.code, ChainErrorCode.RpcError);
    await engine.tick();
    assert.equal((await stateOf(40)).version, noted.version, 'the same problem is not written again');
    assert.ok(driver.calls.filter((c) => c === 'follow:41').length >= 2, 'the other request is followed');
  });

  it('ends the tick on lost connectivity and on errors that are not retryable ChainErrors', async () => {
    const { driver, engine, stateOf } = engineOn();
    await engine.anchor(sampleAnchorRequest(50));
    driver.signAnswer = () => new ChainError(ChainErrorCode.Unavailable, 'no endpoint answered');
    await assert.rejects(
      engine.tick(),
      (e: unknown) => e instanceof ChainError && e.code === ChainErrorCode.Unavailable,
    );
    driver.signAnswer = () => new TypeError('a bug');
    await assert.rejects(engine.tick(), TypeError);
    assert.equal((await stateOf(50)).lastError, null, 'nothing noted on the request');
  });

  it('shares one run between concurrent tick() calls', async () => {
    const { driver, engine } = engineOn();
    await engine.anchor(sampleAnchorRequest(60));
    const [a, b] = await Promise.all([engine.tick(), engine.tick()]);
    assert.equal(a, b);
    assert.equal(driver.calls.filter((c) => c === 'begin').length, 1);
  });
});

describe('AnchorEngine: insufficient funds stop new submissions, wherever they show', () => {
  const threePending = async () => {
    const setup = engineOn();
    for (const s of [70, 71, 72]) await setup.engine.anchor(sampleAnchorRequest(s));
    return setup;
  };

  it('when the node refuses a first transaction', async () => {
    const { driver, engine, stateOf } = await threePending();
    driver.broadcastAnswer = () => ({ kind: 'refused', error: noFunds() });
    assert.deepEqual(moves(await engine.tick()), ['70:PENDING>SUBMITTED', '70:SUBMITTED>PENDING']);
    assert.equal((await stateOf(70)).lastError?.code, ChainErrorCode.InsufficientFunds);
    assert.equal(driver.calls.filter((c) => c.startsWith('sign')).length, 1);
  });

  it('when signing finds the account cannot pay', async () => {
    const { driver, engine, stateOf } = await threePending();
    driver.signAnswer = () => noFunds();
    assert.deepEqual(moves(await engine.tick()), []);
    assert.equal((await stateOf(70)).lastError?.code, ChainErrorCode.InsufficientFunds);
    assert.deepEqual(
      driver.calls.filter((c) => c.startsWith('sign')),
      ['sign:70'],
    );
  });

  it('when a replacement is refused', async () => {
    const { driver, engine } = engineOn();
    await engine.anchor(sampleAnchorRequest(73));
    await engine.tick();
    await engine.anchor(sampleAnchorRequest(74));
    driver.followAnswer = () => ({ kind: 'replacement', attempt: driver.attempt(73) });
    driver.broadcastAnswer = (_, purpose) =>
      purpose === 'replacement' ? { kind: 'refused', error: noFunds() } : { kind: 'accepted' };
    driver.calls.length = 0;
    await engine.tick();
    assert.ok(!driver.calls.includes('sign:74'), 'no new request is tried');
  });

  it('and otherwise not: a plain refusal lets the next request go', async () => {
    const { driver, engine } = await threePending();
    driver.broadcastAnswer = (attempt) =>
      attempt.txHash.startsWith('tx-70-')
        ? { kind: 'refused', error: new ChainError(ChainErrorCode.Rejected, 'bad') }
        : { kind: 'accepted' };
    assert.deepEqual(moves(await engine.tick()), [
      '70:PENDING>SUBMITTED',
      '70:SUBMITTED>PENDING',
      '71:PENDING>SUBMITTED',
      '72:PENDING>SUBMITTED',
    ]);
  });

  it('a driver that knows nothing more can go out this tick says so (blocked, or a refusal that stops)', async () => {
    const { driver, engine, stateOf } = await threePending();
    driver.signAnswer = () => ({
      kind: 'blocked',
      error: new ChainError(ChainErrorCode.RpcError, 'no anchor box'),
    });
    await engine.tick();
    assert.equal((await stateOf(70)).lastError?.message, 'no anchor box');
    assert.deepEqual(
      driver.calls.filter((c) => c.startsWith('sign')),
      ['sign:70'],
    );
  });
});
