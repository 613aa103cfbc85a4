/**
 * The database contract: one suite that every backend of this package must pass — the
 * embedded PGlite and a real PostgreSQL. It checks what the services rely on: migrations that
 * Prisma's CLI would accept, atomic bulk writes, the proof and pagination queries, error
 * codes, durability, and that a truncated and re-indexed database is identical.
 *
 * Each group is a describe of its own (`migrations`, `index writes`, `index reads`, `durability`,
 * `availability`, `peers`, `sponsor audit`, in database-contract/), each test on a database of its own: run one group alone
 * with `node --test --test-name-pattern '^index reads$' test/pglite.contract.test.ts`.
 */
import { describe } from 'node:test';
import { availabilityGroup } from './database-contract/availability.ts';
import { durabilityGroup } from './database-contract/durability.ts';
import type { DatabaseFactory } from './database-contract/fixture.ts';
import { indexReadsGroup } from './database-contract/index-reads.ts';
import { indexWritesGroup } from './database-contract/index-writes.ts';
import { migrationsGroup } from './database-contract/migrations.ts';
import { peersGroup } from './database-contract/peers.ts';
import { sponsorAuditGroup } from './database-contract/sponsor-audit.ts';

export { BULK_ENTRIES } from './database-contract/fixture.ts';
export type { DatabaseFactory, DatabaseUnderTest } from './database-contract/fixture.ts';

/** Registers the contract suite for one backend. */
export function databaseContract(name: string, factory: DatabaseFactory): void {
  describe(`database contract: ${name}`, () => {
    migrationsGroup(factory);
    indexWritesGroup(factory);
    indexReadsGroup(factory);
    durabilityGroup(factory);
    availabilityGroup(factory);
    peersGroup(factory);
    sponsorAuditGroup(factory);
  });
}
