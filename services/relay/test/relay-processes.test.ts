// Two relay processes (src/main.ts, each a child process with its own data folder, bus and
// storage) over one real PostgreSQL, as two replicas run in production: a tenant sending past its
// quota, alternating between them, gets no more from both together than its plan allows, the
// excess refused with the quota's stable code by each; and a key the operator revokes over the
// admin API is refused by both within a few seconds, with no restart. Needs a PostgreSQL server
// (ANCHORPOST_TEST_POSTGRES_URL, as scripts/test.sh sets it); skipped, visibly, without one.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, testPostgresForTests, type TestDatabase } from '@anchorpost/db/testing';
import { toPublicKeyFile } from '@anchorpost/protocol';
import { generateRelayKey } from '@anchorpost/relay-core';
import { BigTxFiles, spawnRelay, type RelayProcess } from './relay-main-process.ts';

/** Short, so that a revocation reaches both processes quickly; what the test bounds it by. */
const CACHE_TTL_MS = 1_000;
/** How long both may take to refuse a revoked key: the cache TTL, and slack for a loaded machine. */
const REVOCATION_BOUND_MS = CACHE_TTL_MS + 4_000;

type Relay = Omit<RelayProcess, 'apiKey'>;

interface Refusal {
  status: number;
  code: string;
  retryAfter: string | null;
}

/** The operator's side: the admin API of the first relay, with the admin key both processes read. */
function adminApi(url: string, adminKey: string) {
  return async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const response = await fetch(`${url}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
}

async function submit(relay: Relay, bytes: Uint8Array, apiKey: string): Promise<Refusal | null> {
  const response = await fetch(`${relay.http}/v1/tx-files`, {
    method: 'POST',
    headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
    body: bytes,
  });
  const body = (await response.json()) as { error?: { code: string } };
  if (response.status === 201) return null;
  return {
    status: response.status,
    code: body.error?.code ?? '-',
    retryAfter: response.headers.get('retry-after'),
  };
}

function processes(adminUrl: string): void {
  describe('two relay processes over one PostgreSQL', { timeout: 240_000 }, () => {
    let dir: string;
    let database: TestDatabase | undefined;
    let relays: Relay[] = [];
    let admin: ReturnType<typeof adminApi>;
    let files: BigTxFiles;

    /** A tenant of its own per test, whose client is `files.app`, with these limits over the free plan. */
    async function tenant(
      id: string,
      overrides: Record<string, number>,
    ): Promise<{ key: string; keyId: string }> {
      await admin('POST', 'v1/admin/tenants', { id });
      await admin('POST', `v1/admin/tenants/${id}/clients`, { publicKey: toPublicKeyFile(files.app.public) });
      await admin('PUT', `v1/admin/tenants/${id}/plan`, { plan: 'free', overrides });
      const { apiKey } = (await admin('POST', `v1/admin/tenants/${id}/api-keys`, {
        scopes: ['submit', 'subscribe', 'admin'],
      })) as { apiKey: { key: string; id: string } };
      return { key: apiKey.key, keyId: apiKey.id };
    }

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-relay-processes-'));
      const { databaseUrl } = (database = await createTestDatabase(adminUrl, 'relay_processes'));
      const adminKey = `adm_${randomBytes(32).toString('base64url')}`;
      await writeFile(join(dir, 'admin-key'), `${adminKey}\n`, { mode: 0o600 });
      await writeFile(join(dir, 'relay-key.pem'), generateRelayKey().pkcs8Pem, { mode: 0o600 });
      // No tenant comes from a file: the operator adds them over the admin API.
      await writeFile(join(dir, 'tenants.json'), JSON.stringify({ tenants: [] }));
      const settings = (name: string) => ({
        ANCHORPOST_DATA_DIR: join(dir, name),
        ANCHORPOST_DATABASE_URL: databaseUrl,
        ANCHORPOST_DATABASE_POOL_SIZE: '4',
        ANCHORPOST_RELAY_TENANTS_FILE: join(dir, 'tenants.json'),
        ANCHORPOST_RELAY_KEY_FILE: join(dir, 'relay-key.pem'),
        ANCHORPOST_RELAY_ADMIN_KEY_FILE: join(dir, 'admin-key'),
        ANCHORPOST_RELAY_TENANTS_CACHE_TTL: `${CACHE_TTL_MS}ms`,
      });
      files = await BigTxFiles.create(256);
      // One after the other: the first migrates the database.
      const first = await spawnRelay(settings('a'));
      try {
        relays = [first, await spawnRelay(settings('b'))];
      } catch (error) {
        await first.stop();
        throw error;
      }
      admin = adminApi(first.admin, adminKey);
    });

    after(async () => {
      await Promise.all(relays.map((relay) => relay.stop()));
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('holds files per second across both: together they take no more than one bucket', async (t) => {
      const rate = 10;
      const { key } = await tenant('rate', { filesPerSecond: rate });
      const sent = Array.from({ length: 40 }, (_, i) => files.next(i));
      const refusedBy = new Set<number>();
      let accepted = 0;
      const started = performance.now();
      for (const [i, bytes] of sent.entries()) {
        const refusal = await submit(relays[i % 2]!, bytes, key);
        if (refusal === null) accepted += 1;
        else {
          assert.deepEqual(
            { status: refusal.status, code: refusal.code },
            { status: 429, code: 'RATE_LIMITED' },
          );
          assert.ok(Number(refusal.retryAfter) >= 1, `Retry-After ${refusal.retryAfter}`);
          refusedBy.add(i % 2);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      // ADR 0027's bound: one bucket of `rate` refilled at `rate` a second, plus the slice of
      // ⌈rate / 10⌉ tokens each process may hold. Two buckets of their own would let through
      // twice the bucket and twice the refill.
      const bound = rate + Math.ceil(rate * seconds) + 2 * Math.ceil(rate / 10);
      const apart = 2 * (rate + Math.floor(rate * seconds));
      t.diagnostic(
        `${accepted} of ${sent.length} accepted in ${seconds.toFixed(2)} s: bound ${bound}, two buckets apart would take ${Math.min(apart, sent.length)}`,
      );
      assert.ok(accepted <= bound, `${accepted} accepted in ${seconds.toFixed(2)} s (bound ${bound})`);
      assert.ok(accepted >= rate, `${accepted} accepted`);
      assert.deepEqual([...refusedBy].sort(), [0, 1], 'both processes refused');
    });

    it('holds bytes per day across both: never more than the limit, whichever takes the file', async (t) => {
      const sent = Array.from({ length: 12 }, (_, i) => files.next(100 + i));
      const size = Math.max(...sent.map((bytes) => bytes.byteLength));
      // Room for five files in the day; each process alone would have taken five.
      const limit = 5 * size + Math.floor(size / 2);
      const { key } = await tenant('bytes', { bytesPerDay: limit, filesPerSecond: 1_000 });
      const refusedBy = new Set<number>();
      let acceptedBytes = 0;
      for (const [i, bytes] of sent.entries()) {
        const refusal = await submit(relays[i % 2]!, bytes, key);
        if (refusal === null) acceptedBytes += bytes.byteLength;
        else {
          assert.deepEqual(
            { status: refusal.status, code: refusal.code },
            { status: 429, code: 'DAILY_BYTES_EXHAUSTED' },
          );
          refusedBy.add(i % 2);
        }
      }
      t.diagnostic(`${acceptedBytes} bytes accepted, limit ${limit}, files of at most ${size} bytes`);
      assert.ok(acceptedBytes <= limit, `${acceptedBytes} bytes accepted, limit ${limit}`);
      // A slice unspent on one process is not the other's (ADR 0027), so it may refuse early by
      // that much, never by more.
      assert.ok(acceptedBytes >= limit - 2 * size, `${acceptedBytes} bytes accepted, limit ${limit}`);
      assert.deepEqual([...refusedBy].sort(), [0, 1], 'both processes refused');
    });

    it('refuses a revoked key on both within a few seconds of the revocation, with no restart', async (t) => {
      const { key, keyId } = await tenant('revoked', {});
      const usage = (relay: Relay) =>
        fetch(`${relay.http}/v1/usage`, { headers: { authorization: `Bearer ${key}` } }).then(async (r) => {
          await r.arrayBuffer();
          return r.status;
        });
      // Both know the key (and cache it) before it is revoked.
      assert.deepEqual(await Promise.all(relays.map(usage)), [200, 200]);
      await admin('POST', `v1/admin/api-keys/${keyId}/revoke`);
      const revokedAt = performance.now();
      const refusedAfter: (number | null)[] = [null, null];
      while (refusedAfter.includes(null) && performance.now() - revokedAt < REVOCATION_BOUND_MS + 5_000) {
        const statuses = await Promise.all(relays.map(usage));
        for (const [i, status] of statuses.entries()) {
          if (status === 401) refusedAfter[i] ??= performance.now() - revokedAt;
          else assert.equal(status, 200, `relay ${i}, before it refuses, still answers`);
        }
        await sleep(100);
      }
      t.diagnostic(
        `refused after ${refusedAfter.map((ms) => (ms === null ? '-' : `${ms.toFixed(0)} ms`)).join(' and ')}`,
      );
      for (const [i, ms] of refusedAfter.entries()) {
        assert.ok(ms !== null && ms <= REVOCATION_BOUND_MS, `relay ${i} refused the key after ${ms} ms`);
      }
      // And a submit with it is the one answer a stranger gets, on each.
      for (const [i, relay] of relays.entries()) {
        const refusal = await submit(relay, files.next(200 + i), key);
        assert.deepEqual(refusal, { status: 401, code: 'UNAUTHENTICATED', retryAfter: null });
      }
    });
  });
}

const realPostgres = testPostgresForTests();
if ('skip' in realPostgres) {
  it('two relay processes over one PostgreSQL', { skip: realPostgres.skip }, () => undefined);
} else {
  processes(realPostgres.adminUrl);
}
