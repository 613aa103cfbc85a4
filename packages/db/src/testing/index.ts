/** `@anchorpost/db/testing`: the contract suite and deterministic fixtures, for this package's and other packages' tests. */
export { databaseContract, BULK_ENTRIES, type DatabaseFactory, type DatabaseUnderTest } from './contract.ts';
export {
  fixtureAnchor,
  fixtureBatch,
  fixtureCid,
  fixtureEntries,
  fixtureHash,
  fixtureSettledSponsorship,
  fixtureTxFile,
  type SponsorshipFixture,
} from './fixtures.ts';
export {
  createTestDatabase,
  postgresRequired,
  testPostgresForTests,
  type TestDatabase,
} from './test-postgres.ts';
