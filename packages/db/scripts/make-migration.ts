// Usage: node scripts/make-migration.ts <name> [--check]
// Creates prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that takes the
// database from the existing migrations to prisma/schema.prisma (offline: Prisma's schema engine
// as Wasm with an in-memory PGlite as shadow database). Prints nothing to do when they match.
// --check writes nothing and exits 1 if the schema has changes without a migration (for CI).
import { mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { planMigration, DEFAULT_MIGRATIONS_DIR } from '../src/migrations/index.ts';
import { LOCKFILE_CONTENT, LOCKFILE_NAME } from '../src/migrations/migration-list.ts';

const args = process.argv.slice(2);
const check = args.includes('--check');
const name = args.find((arg) => !arg.startsWith('--')) ?? (check ? 'check' : undefined);
if (name === undefined) {
  console.error('usage: node scripts/make-migration.ts <name> [--check]');
  process.exit(2);
}

const planned = await planMigration(name);
if (planned === null) {
  console.log('The migrations already match prisma/schema.prisma: nothing to do.');
  process.exit(0);
}
if (check) {
  console.error(
    'prisma/schema.prisma has changes without a migration; run: npm run migration:make -- <name>',
  );
  console.error(planned.script);
  process.exit(1);
}
const dir = join(DEFAULT_MIGRATIONS_DIR, planned.directoryName);
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'migration.sql'), planned.script);
const lockfile = join(DEFAULT_MIGRATIONS_DIR, LOCKFILE_NAME);
await access(lockfile).catch(() => writeFile(lockfile, LOCKFILE_CONTENT));
console.log(`Created prisma/migrations/${planned.directoryName}/migration.sql`);
