/**
 * Database contract, group "availability": an unreachable or restarted database answers
 * UNAVAILABLE (retryable), and works again once it is back.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DbError } from '@anchorpost/db-port';
import { createDatabase } from '../../create-database.ts';
import { migrate } from '../../migrations/migrate.ts';
import { fixtureCid } from '../fixtures.ts';
import { closedPort, expectDbError } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

export function availabilityGroup(factory: DatabaseFactory): void {
  describe('availability', () => {
    it('reports a database that cannot be reached as UNAVAILABLE (retryable)', async () => {
      const url = `postgresql://postgres:postgres@127.0.0.1:${await closedPort()}/postgres`;
      const db = createDatabase({ databaseUrl: url, poolSize: 1, connectTimeoutMs: 2_000 });
      try {
        await expectDbError(db.index.getBatch(fixtureCid('x')), 'UNAVAILABLE', true);
        await expectDbError(db.ping(), 'UNAVAILABLE', true);
      } finally {
        await db.close();
      }
      await expectDbError(migrate(url), 'UNAVAILABLE', true);
    });

    it('reports a stopped database as UNAVAILABLE and works again once it is back', async () => {
      const target = await factory.create();
      const db = createDatabase({
        databaseUrl: target.databaseUrl,
        poolSize: target.poolSize,
        connectTimeoutMs: 2_000,
      });
      try {
        await db.ping();
        await target.restart();
        // The pooled connection died with the server; the next call says so, the one after reconnects.
        const outcome = await db.ping().then(
          () => 'ok',
          (error: unknown) => error,
        );
        if (outcome !== 'ok') {
          assert.ok(outcome instanceof DbError);
          assert.equal(outcome.code, 'UNAVAILABLE', outcome.message);
          assert.equal(outcome.retryable, true);
        }
        await db.ping();
      } finally {
        await db.close();
        await target.destroy();
      }
    });
  });
}
