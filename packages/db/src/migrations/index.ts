export { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';
export { planMigration, type PlannedMigration, type PlanMigrationOptions } from './plan-migration.ts';
export { DEFAULT_MIGRATIONS_DIR, DEFAULT_SCHEMA_PATH } from './migration-list.ts';
