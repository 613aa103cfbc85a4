/**
 * One contract for every LeaseApi — the in-memory test double, the lease file, and
 * KubernetesLeaseApi (the real @kubernetes/client-node CoordinationV1Api) talking HTTP to the
 * double's API server endpoints: 404 as undefined, create, 409 AlreadyExists, compare-and-swap
 * replace, 409 Conflict on a stale version, 404 NotFound, and the times kept to the millisecond.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { FileLeaseApi, LeaseConflict, LeaseElector, LeaseNotFound } from '../src/index.ts';
import { KubernetesLeaseApi } from '../src/kubernetes-lease-api.ts';
import type { LeaseApi } from '../src/index.ts';
import { MemoryLeaseServer } from '../src/testing/index.ts';
import { assertOneLeaderAtATime, candidate, leaders, TIMING, until } from './helpers.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** A kubeconfig for the double's HTTP endpoints (plain HTTP on 127.0.0.1, a dummy token). */
function kubeConfigFor(url: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'double', server: url, skipTLSVerify: true }],
    users: [{ name: 'candidate', token: 'test-double-token' }],
    contexts: [{ name: 'double', cluster: 'double', user: 'candidate', namespace: 'anchorpost' }],
    currentContext: 'double',
  });
  return config;
}

interface Implementation {
  readonly name: string;
  /** Two handles on one lease (as two candidates), and one on a lease that never exists. */
  open(): Promise<{ a: LeaseApi; b: LeaseApi; missing: LeaseApi }>;
}

const implementations: Implementation[] = [
  {
    name: 'the in-memory test double',
    open: () => {
      const server = new MemoryLeaseServer();
      return Promise.resolve({ a: server.api('x'), b: server.api('x'), missing: server.api('missing') });
    },
  },
  {
    name: 'FileLeaseApi (embedded)',
    open: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'anchorpost-lease-api-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const path = join(dir, 'leases', 'x.json');
      return {
        a: new FileLeaseApi(path),
        b: new FileLeaseApi(path),
        missing: new FileLeaseApi(join(dir, 'leases', 'missing.json')),
      };
    },
  },
  {
    name: 'KubernetesLeaseApi over HTTP to the test double',
    open: async () => {
      const server = new MemoryLeaseServer();
      const http = await server.listen();
      cleanups.push(() => http.close());
      const lease = (name: string) =>
        new KubernetesLeaseApi({ name, namespace: 'anchorpost', kubeConfig: kubeConfigFor(http.url) });
      return { a: lease('x'), b: lease('x'), missing: lease('missing') };
    },
  },
];

const spec = (holderIdentity: string, at: number) => ({
  holderIdentity,
  leaseDurationSeconds: 15,
  acquireTime: at,
  renewTime: at + 1,
  leaseTransitions: 0,
});

for (const implementation of implementations) {
  describe(`LeaseApi contract: ${implementation.name}`, () => {
    it('creates once, then replaces only from the current version', async () => {
      const { a, b } = await implementation.open();
      assert.equal(await a.get(), undefined, 'no lease yet');
      const at = Date.parse('2026-11-22T13:30:49.123Z');
      const first = await a.create(spec('a', at));
      assert.deepEqual({ ...first, version: '' }, { ...spec('a', at), version: '' });
      await assert.rejects(
        b.create(spec('b', at)),
        (e) => e instanceof LeaseConflict && e.reason === 'AlreadyExists',
      );

      const seen = await b.get();
      assert.deepEqual(seen, first, 'the other candidate reads the same lease, times to the millisecond');
      const second = await b.replace(first.version, { ...spec('b', at + 5), leaseTransitions: 1 });
      assert.notEqual(second.version, first.version, 'every write changes the version');
      await assert.rejects(
        a.replace(first.version, spec('a', at + 9)),
        (e) => e instanceof LeaseConflict && e.reason === 'Conflict',
        'a write based on a stale read loses',
      );
      assert.equal((await a.get())?.holderIdentity, 'b');
      const released = await b.replace(second.version, { ...spec('', at + 10), leaseTransitions: 1 });
      assert.equal((await a.get())?.holderIdentity, '', 'an empty holder (released)');
      assert.equal(released.leaseTransitions, 1);
    });

    it('answers NotFound for a replace of a lease that does not exist', async () => {
      const { missing } = await implementation.open();
      await assert.rejects(missing.replace('1', spec('a', 0)), (e) => e instanceof LeaseNotFound);
    });

    it('elects one of two candidates through it, and hands over on close', async () => {
      const { a: apiA, b: apiB } = await implementation.open();
      const a = candidate('a', apiA);
      const b = candidate('b', apiB);
      a.elector.start();
      b.elector.start();
      try {
        await until('a leader', () => leaders(a, b) === 1);
        await new Promise((resolve) => setTimeout(resolve, TIMING.leaseDurationMs));
        assert.equal(leaders(a, b), 1);
        const [leader, follower] = a.elector.isLeader ? [a, b] : [b, a];
        await leader.elector.close();
        await until('the other takes over', () => follower.elector.isLeader, TIMING.leaseDurationMs);
        assert.deepEqual([...a.errors, ...b.errors], []);
      } finally {
        await a.elector.close();
        await b.elector.close();
      }
      assertOneLeaderAtATime(a, b);
    });
  });
}

describe('the Lease API test double over HTTP', () => {
  it('refuses what the API server refuses: times that are not MicroTime, a name that does not match', async () => {
    const http = await new MemoryLeaseServer().listen();
    cleanups.push(() => http.close());
    const post = (body: unknown) =>
      fetch(`${http.url}/apis/coordination.k8s.io/v1/namespaces/anchorpost/leases`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const lease = (renewTime: string) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'x' },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, renewTime },
    });
    const millis = await post(lease('2026-11-22T13:30:49.123Z'));
    assert.equal(millis.status, 400, 'Date.toISOString() precision is refused');
    assert.equal(((await millis.json()) as { reason: string }).reason, 'BadRequest');
    assert.equal((await post(lease('2026-11-22T13:30:49.123000Z'))).status, 201);
    const stale = await fetch(`${http.url}/apis/coordination.k8s.io/v1/namespaces/anchorpost/leases/x`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...lease('2026-11-22T13:30:50.000000Z'),
        metadata: { name: 'x', resourceVersion: '999' },
      }),
    });
    assert.equal(stale.status, 409);
    assert.equal(((await stale.json()) as { reason: string }).reason, 'Conflict');
    const renamed = await fetch(`${http.url}/apis/coordination.k8s.io/v1/namespaces/anchorpost/leases/y`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(lease('2026-11-22T13:30:50.000000Z')),
    });
    assert.equal(renamed.status, 400);
  });

  it('is what a LeaseElector on the real client renews through', async () => {
    const server = new MemoryLeaseServer();
    const http = await server.listen();
    cleanups.push(() => http.close());
    const elector = new LeaseElector({
      api: new KubernetesLeaseApi({
        name: 'anchorpost-anchorer',
        namespace: 'anchorpost',
        kubeConfig: kubeConfigFor(http.url),
      }),
      identity: 'anchorer-0',
      ...TIMING,
    });
    elector.start();
    try {
      await until('it leads', () => elector.isLeader);
      await until('it renews', () => server.writes.length >= 3);
      const lease = server.lease('anchorpost-anchorer', 'anchorpost');
      assert.equal(lease?.holderIdentity, 'anchorer-0');
      assert.equal(lease.leaseDurationSeconds, 1);
      assert.ok(Math.abs(lease.renewTime - Date.now()) < 1_000, 'renewTime is now');
    } finally {
      await elector.close();
    }
    assert.equal(server.lease('anchorpost-anchorer', 'anchorpost')?.holderIdentity, '', 'released');
  });
});
