// Usage: ANCHORPOST_DATABASE_URL=postgresql://… node scripts/migrate.ts
// Applies pending migrations from prisma/migrations (what `prisma migrate deploy` does, offline).
import { migrate } from '../src/migrations/index.ts';

const url = process.env['ANCHORPOST_DATABASE_URL'];
if (url === undefined || url === '') {
  console.error('ANCHORPOST_DATABASE_URL is not set');
  process.exit(2);
}
const { applied } = await migrate(url);
console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`);
