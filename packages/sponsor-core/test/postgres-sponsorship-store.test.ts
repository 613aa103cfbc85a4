// The SponsorshipStore contract against @anchorpost/db's adapter on a real PostgreSQL, when
// ANCHORPOST_TEST_POSTGRES_URL names one (skipped otherwise; failing with ANCHORPOST_REQUIRE_POSTGRES=1).
// Several connections, so the concurrent acceptances really run in separate sessions.
import { it } from 'node:test';
import { createDatabase, migrate } from '@anchorpost/db';
import { createTestDatabase, testPostgresForTests } from '@anchorpost/db/testing';
import { sponsorshipStoreContract } from '../src/testing/index.ts';

const realPostgres = testPostgresForTests();

if ('skip' in realPostgres) {
  it('SponsorshipStore contract: PostgreSQL', { skip: realPostgres.skip }, () => undefined);
} else {
  sponsorshipStoreContract('PostgreSQL adapter on PostgreSQL', async () => {
    const testDatabase = await createTestDatabase(realPostgres.adminUrl, 'anchorpost_sponsor');
    await migrate(testDatabase.databaseUrl);
    const database = createDatabase({ databaseUrl: testDatabase.databaseUrl, poolSize: 8 });
    return {
      store: database.sponsorships,
      close: async () => {
        await database.close();
        await testDatabase.drop();
      },
    };
  });
}
