/**
 * The Lease algorithm against the in-memory API server double and against a lease file: one leader
 * at a time, takeover after expiry measured on the taker's own clock, a partitioned leader that
 * steps down before anyone may take over, and release on close.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { electionConfigFromEnv, FileLeaseStore, LeaderElector, LeaseConflict } from '../src/index.ts';
import type { LeaseStore } from '../src/index.ts';
import { MemoryLeaseServer } from '../src/testing/index.ts';

const TIMING = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 50 } as const;
/** Electors of the running test, closed after it whatever happens. */
const running: LeaderElector[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

interface Candidate {
  readonly elector: LeaderElector;
  readonly terms: { started: number; stopped?: number }[];
}

function candidate(identity: string, store: LeaseStore): Candidate {
  const terms: Candidate['terms'] = [];
  const elector = new LeaderElector({
    store,
    identity,
    ...TIMING,
    onStartedLeading: () => terms.push({ started: performance.now() }),
    onStoppedLeading: () => {
      terms.at(-1)!.stopped = performance.now();
    },
  });
  running.push(elector);
  return { elector, terms };
}

async function until(what: string, condition: () => boolean, ms = 5_000): Promise<number> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
    await sleep(5);
  }
  return performance.now();
}

/** Never two leaders at once: no two terms overlap. */
function assertNoOverlap(...candidates: Candidate[]): void {
  const terms = candidates
    .flatMap((c) => c.terms.map((t) => ({ ...t, stopped: t.stopped ?? Infinity })))
    .sort((a, b) => a.started - b.started);
  for (let i = 1; i < terms.length; i++)
    assert.ok(terms[i]!.started >= terms[i - 1]!.stopped, 'two leaders at once');
}

describe('LeaderElector on the Lease API test double', () => {
  it('elects exactly one of two candidates, and keeps it while it renews', async () => {
    const server = new MemoryLeaseServer();
    const a = candidate('a', server.store());
    const b = candidate('b', server.store());
    a.elector.start();
    b.elector.start();
    await until('a leader', () => a.elector.isLeader || b.elector.isLeader);
    await sleep(TIMING.leaseDurationMs * 2);
    assert.equal(Number(a.elector.isLeader) + Number(b.elector.isLeader), 1);
    const leader = a.elector.isLeader ? 'a' : 'b';
    assert.equal(server.current!.holderIdentity, leader);
    assert.equal(server.current?.leaseTransitions, 0, 'held throughout: no transition');
    assert.ok(server.writes.length > 5, 'renewed every retry period');
    await a.elector.close();
    await b.elector.close();
    assertNoOverlap(a, b);
  });

  it('a partitioned leader steps down at the renew deadline; the other takes over after the lease, never before', async () => {
    const server = new MemoryLeaseServer();
    const storeA = server.store();
    const a = candidate('a', storeA);
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    const b = candidate('b', server.store());
    b.elector.start();
    await sleep(200);
    assert.ok(!b.elector.isLeader);
    const cutAt = performance.now();
    storeA.cut = true;
    const aStopped = await until('a steps down', () => !a.elector.isLeader);
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    assert.ok(
      aStopped - cutAt <= TIMING.renewDeadlineMs + 2 * TIMING.retryPeriodMs + 50,
      `a stepped down after ${aStopped - cutAt} ms`,
    );
    assert.ok(bLeads > aStopped, 'b only after a stopped');
    assert.ok(
      bLeads - cutAt <= TIMING.leaseDurationMs + 3 * TIMING.retryPeriodMs + 50,
      `b took over after ${bLeads - cutAt} ms`,
    );
    assert.equal(server.current?.holderIdentity, 'b');
    assert.equal(server.current.leaseTransitions, 1);
    // a is back: it sees b's fresh lease and stays a follower.
    storeA.cut = false;
    await sleep(TIMING.leaseDurationMs);
    assert.ok(!a.elector.isLeader && b.elector.isLeader);
    await a.elector.close();
    await b.elector.close();
    assertNoOverlap(a, b);
  });

  it('releases on close, so the other takes over at its next retry rather than after the lease', async () => {
    const server = new MemoryLeaseServer();
    const a = candidate('a', server.store());
    const b = candidate('b', server.store());
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    b.elector.start();
    const closing = performance.now();
    await a.elector.close();
    assert.equal(server.current?.holderIdentity, '');
    const bLeads = await until('b takes over', () => b.elector.isLeader);
    assert.ok(bLeads - closing < TIMING.leaseDurationMs, `b took over after ${bLeads - closing} ms`);
    await b.elector.close();
    assertNoOverlap(a, b);
  });

  it('refuses a write based on a stale resourceVersion, and a second create', async () => {
    const server = new MemoryLeaseServer();
    const store = server.store();
    const spec = {
      holderIdentity: 'a',
      leaseDurationSeconds: 1,
      acquireTime: 0,
      renewTime: 0,
      leaseTransitions: 0,
    };
    const first = await store.create(spec);
    await assert.rejects(store.create(spec), LeaseConflict);
    await store.replace(first.version, { ...spec, holderIdentity: 'b' });
    await assert.rejects(store.replace(first.version, { ...spec, holderIdentity: 'c' }), LeaseConflict);
    assert.equal(server.current?.holderIdentity, 'b');
  });

  it('stays a follower, without errors, while the API server is down for everyone', async () => {
    const server = new MemoryLeaseServer();
    server.down = true;
    const errors: unknown[] = [];
    const a = new LeaderElector({
      store: server.store(),
      identity: 'a',
      ...TIMING,
      onError: (e) => errors.push(e),
    });
    a.start();
    await sleep(200);
    assert.ok(!a.isLeader);
    assert.ok(errors.length > 0, 'reported');
    server.down = false;
    await until('a leads once the server is back', () => a.isLeader);
    await a.close();
  });
});

describe('LeaderElector on a lease file (the embedded fallback)', () => {
  it('elects one of two candidates on one machine and hands over on close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-lease-'));
    try {
      const path = join(dir, 'leases', 'anchorer.json');
      const a = candidate('a', new FileLeaseStore(path));
      const b = candidate('b', new FileLeaseStore(path));
      a.elector.start();
      b.elector.start();
      await until('a leader', () => a.elector.isLeader || b.elector.isLeader);
      await sleep(300);
      assert.equal(Number(a.elector.isLeader) + Number(b.elector.isLeader), 1);
      const [leader, follower] = a.elector.isLeader ? [a, b] : [b, a];
      await leader.elector.close();
      await until('the other takes over', () => follower.elector.isLeader);
      await follower.elector.close();
      assertNoOverlap(a, b);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('electionConfigFromEnv', () => {
  it('defaults to off, and checks every setting by name', () => {
    assert.equal(electionConfigFromEnv({}, 'anchorer').mode, 'off');
    const k8s = electionConfigFromEnv(
      { ANCHORPOST_LEADER_ELECTION: 'kubernetes', POD_NAMESPACE: 'ap', POD_NAME: 'anchorer-0' },
      'anchorer',
    );
    assert.deepEqual(
      [k8s.leaseName, k8s.namespace, k8s.identity],
      ['anchorpost-anchorer', 'ap', 'anchorer-0'],
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_ELECTION: 'zookeeper' }, 'x'),
      /ANCHORPOST_LEADER_ELECTION/,
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_ELECTION: 'kubernetes' }, 'x'),
      /NAMESPACE/,
    );
    assert.throws(
      () => electionConfigFromEnv({ ANCHORPOST_LEADER_RENEW_DEADLINE_MS: '20000' }, 'x'),
      /retry period < renew deadline < lease duration/,
    );
  });
});
