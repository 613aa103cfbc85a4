/**
 * client-go's Lease algorithm (LeaseElector) against the in-memory Lease API test double: one
 * leader at a time, renewal, takeover of an expired lease within lease + retry, conflicts, a
 * partitioned or hung leader that steps down before anyone may take over, release on close, and
 * wall clocks skewed by an hour that change nothing.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { LeaseElector } from '../src/index.ts';
import { MemoryLeaseServer } from '../src/testing/index.ts';
import { assertOneLeaderAtATime, candidate, leaders, TIMING, until } from './helpers.ts';

/** Electors of the running test, closed after it whatever happens. */
const running: LeaseElector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Timer slack allowed on a shared 2-core machine. */
const SLACK_MS = 100;

describe('LeaseElector on the Lease API test double', () => {
  it('elects exactly one of five candidates racing for a new lease; conflicts are not errors', async () => {
    const server = new MemoryLeaseServer();
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id, server.api(), {}, running));
    for (const c of all) c.elector.start();
    await until('a leader', () => leaders(...all) === 1);
    await sleep(TIMING.leaseDurationMs * 2);
    assert.equal(leaders(...all), 1);
    const leader = all.find((c) => c.elector.isLeader)!;
    assert.equal(server.lease()?.holderIdentity, leader.elector.identity);
    assert.equal(server.lease()?.leaseTransitions, 0, 'held throughout: no transition');
    assert.ok(
      server.writes.every((w) => w.holderIdentity === leader.elector.identity),
      'only the leader ever wrote',
    );
    assert.ok(server.writes.length >= 15, `renewed every retry period (${server.writes.length} writes)`);
    assert.deepEqual(
      all.flatMap((c) => c.errors),
      [],
      'lost races (409) are part of the algorithm',
    );
    await Promise.all(all.map((c) => c.elector.close()));
    assertOneLeaderAtATime(...all);
  });

  it('takes over a lease whose holder died without releasing it, within lease + retry', async () => {
    const server = new MemoryLeaseServer();
    const apiA = server.api();
    const a = candidate('a', apiA, {}, running);
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    const b = candidate('b', server.api(), {}, running);
    b.elector.start();
    await sleep(3 * TIMING.retryPeriodMs);
    assert.ok(!b.elector.isLeader, 'b waits while a renews');
    // a crashes: it stops renewing, and cannot release.
    const killedAt = performance.now();
    apiA.cut = true;
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    const takeover = bLeads - killedAt;
    assert.ok(
      takeover >= TIMING.leaseDurationMs - TIMING.retryPeriodMs - SLACK_MS,
      `not before expiry (${takeover} ms)`,
    );
    assert.ok(
      takeover <= TIMING.leaseDurationMs + TIMING.retryPeriodMs + SLACK_MS,
      `b took over ${Math.round(takeover)} ms after a died`,
    );
    assert.equal(server.lease()?.holderIdentity, 'b');
    assert.equal(server.lease()?.leaseTransitions, 1, 'one change of holder');
    assert.ok(!a.elector.isLeader, 'a stepped down at its renew deadline');
    assertOneLeaderAtATime(a, b);
  });

  it('a partitioned leader steps down at its renew deadline, before the other may take over', async () => {
    const server = new MemoryLeaseServer();
    const apiA = server.api();
    const a = candidate('a', apiA, {}, running);
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    const b = candidate('b', server.api(), {}, running);
    b.elector.start();
    await sleep(2 * TIMING.retryPeriodMs);
    const cutAt = performance.now();
    apiA.cut = true;
    const aStopped = await until('a steps down', () => !a.elector.isLeader);
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    assert.ok(
      aStopped - cutAt <= TIMING.renewDeadlineMs + SLACK_MS,
      `a stepped down ${Math.round(aStopped - cutAt)} ms after the cut`,
    );
    assert.ok(bLeads > aStopped, 'b only after a stopped');
    assert.ok(a.terms.at(-1)?.stopped !== undefined, 'a was told it stopped leading');
    assert.ok(a.errors.length > 0, 'a reported the failed renewals');
    // a is back: it sees b's live lease and stays a follower.
    apiA.cut = false;
    await sleep(TIMING.leaseDurationMs * 1.5);
    assert.ok(!a.elector.isLeader && b.elector.isLeader);
    assertOneLeaderAtATime(a, b);
  });

  it('a leader whose API calls hang steps down by its deadline timer', async () => {
    const server = new MemoryLeaseServer();
    const apiA = server.api();
    const a = candidate('a', apiA, {}, running);
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    const b = candidate('b', server.api(), {}, running);
    b.elector.start();
    await sleep(2 * TIMING.retryPeriodMs);
    const hungAt = performance.now();
    apiA.hang = true;
    const aStopped = await until('a steps down', () => a.terms.at(-1)?.stopped !== undefined);
    assert.ok(
      aStopped - hungAt <= TIMING.renewDeadlineMs + SLACK_MS,
      `a stepped down ${Math.round(aStopped - hungAt)} ms after its calls hung`,
    );
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    assert.ok(bLeads > aStopped);
    assertOneLeaderAtATime(a, b);
  });

  it('releases on close after its work stopped, so the other takes over at its next retry', async () => {
    const server = new MemoryLeaseServer();
    let workStopped = 0;
    const a = new LeaseElector({
      api: server.api(),
      identity: 'a',
      ...TIMING,
      // The service's work takes a while to stop: the lease must not be released before.
      onStoppedLeading: async () => {
        await sleep(150);
        workStopped = performance.now();
      },
    });
    running.push(a);
    const b = candidate('b', server.api(), {}, running);
    a.start();
    await until('a leads', () => a.isLeader);
    b.elector.start();
    await sleep(2 * TIMING.retryPeriodMs);
    const closing = performance.now();
    await a.close();
    assert.equal(server.lease()?.holderIdentity, '', 'released');
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    assert.ok(bLeads > workStopped && workStopped > 0, 'b only after a’s work stopped');
    assert.ok(
      bLeads - closing < 150 + TIMING.retryPeriodMs + SLACK_MS,
      `b took over ${Math.round(bLeads - closing)} ms after a began closing`,
    );
    assert.equal(server.lease()?.leaseTransitions, 1);
  });

  it('wall clocks skewed by an hour neither steal a live lease nor shorten the wait for a dead one', async () => {
    const server = new MemoryLeaseServer();
    const hour = 3_600_000;
    const apiA = server.api();
    // The leader's clock is an hour slow: the renewTime it writes looks long expired to anyone
    // comparing wall clocks. The others' clocks are an hour fast and an hour slow.
    const a = candidate('a', apiA, { wallClock: () => Date.now() - hour }, running);
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    const b = candidate('b', server.api(), { wallClock: () => Date.now() + hour }, running);
    const c = candidate('c', server.api(), { wallClock: () => Date.now() - hour }, running);
    b.elector.start();
    c.elector.start();
    await sleep(TIMING.leaseDurationMs * 2);
    assert.ok(a.elector.isLeader, 'a keeps the lease it renews');
    assert.equal(b.terms.length + c.terms.length, 0, 'nobody stole it');
    assert.ok(server.lease()!.renewTime < Date.now() - hour + 5_000, 'a wrote its slow time');
    const killedAt = performance.now();
    apiA.cut = true;
    const taken = await until('b or c takes over', () => b.elector.isLeader || c.elector.isLeader);
    const takeover = taken - killedAt;
    assert.ok(
      takeover >= TIMING.leaseDurationMs - TIMING.retryPeriodMs - SLACK_MS,
      `not early (${takeover} ms)`,
    );
    assert.ok(
      takeover <= TIMING.leaseDurationMs + TIMING.retryPeriodMs + SLACK_MS,
      `not late (${takeover} ms)`,
    );
    assertOneLeaderAtATime(a, b, c);
  });

  it('stays a follower while the API server is down for everyone, and leads once it is back', async () => {
    const server = new MemoryLeaseServer();
    server.down = true;
    const a = candidate('a', server.api(), {}, running);
    a.elector.start();
    await sleep(3 * TIMING.retryPeriodMs);
    assert.ok(!a.elector.isLeader);
    assert.ok(a.errors.length >= 2, 'each failed round is reported');
    server.down = false;
    await until('a leads once the server is back', () => a.elector.isLeader);
  });

  it('refuses timings that could let two lead, and an empty identity', () => {
    const api = new MemoryLeaseServer().api();
    assert.throws(
      () => new LeaseElector({ api, identity: 'a', leaseDurationMs: 1_000, renewDeadlineMs: 1_000 }),
      /renew deadline < lease duration/,
    );
    assert.throws(() => new LeaseElector({ api, identity: '' }), /identity/);
  });
});
