/**
 * @anchorpost/db — the index in PostgreSQL (Prisma 7 on @prisma/adapter-pg) and its embedded
 * stand-in (PGlite over its socket server), migrations that the Prisma CLI and this package
 * both understand, and the repository the parser and the proof API use.
 */
export { toDbError } from './to-db-error.ts';
export { startEmbeddedPostgres, EMBEDDED_POOL_SIZE, EMBEDDED_SHARED_BUFFERS } from './embedded-postgres.ts';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres.ts';
export { createDatabase, DEFAULT_POOL_SIZE, type Database, type DatabaseOptions } from './create-database.ts';
export { PrismaIndexRepository, ENTRY_CHUNK, MAX_PAGE_LIMIT, TREE_LEVEL } from './index-repository.ts';
export { PrismaReceiptRepository } from './receipt-repository.ts';
export {
  PrismaAnchorRequestRepository,
  OPEN_ANCHOR_REQUEST_STATES,
  type AnchorAttemptRow,
  type AnchorInclusionRow,
  type AnchorProblemRow,
  type AnchorRequestRecord,
  type AnchorRequestRepository,
  type AnchorRequestState,
  type AnchorRequestUpdate,
} from './anchor-request-repository.ts';
export { PrismaSponsorshipRepository } from './sponsorship-repository.ts';
export { PrismaPeerRepository } from './peer-repository.ts';
export { PrismaTreasuryRefillRepository } from './treasury-refill-repository.ts';
export { PrismaSponsorAuditRepository } from './sponsor-audit-repository.ts';
export type {
  SponsorAccountTransactionRecord,
  SponsorAuditCursorRecord,
} from './sponsor-audit-repository.ts';
export { PersistedRequestRepository } from './persisted-request-repository.ts';
export type {
  PersistedRequest,
  PersistedRequestColumns,
  RequestPage,
  RequestRowRepository,
  RequestTable,
  RequestTableDelegate,
  RowReader,
} from './persisted-request-repository.ts';
export {
  PrismaSponsorTransactionRepository,
  type SponsorTransactionRow,
} from './sponsor-transaction-repository.ts';
// The port (errors, rows, repository interfaces) is @anchorpost/db-port; re-exported so the
// services that open a database need one import.
export * from '@anchorpost/db-port';
export {
  migrate,
  planMigration,
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_SCHEMA_PATH,
  type MigrateOptions,
  type MigrateResult,
  type PlannedMigration,
  type PlanMigrationOptions,
} from './migrations/index.ts';
export { openDatabase, type OpenedDatabase } from './open-database.ts';
export { databaseConfigSchema, readDatabaseConfig, type DatabaseConfig } from './database-config.ts';
