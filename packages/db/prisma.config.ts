// Prisma CLI configuration (Prisma 7 reads the database URL from here, not from schema.prisma).
// Only needed by operators who run the Prisma CLI themselves, e.g. `npx prisma migrate deploy`
// with internet access; the package itself migrates through `migrate()` (schema-engine-wasm).
import { defineConfig } from 'prisma/config';

const url = process.env['ANCHORPOST_DATABASE_URL'];

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Left out when unset so that `prisma generate` runs without a database.
  ...(url === undefined ? {} : { datasource: { url } }),
});
