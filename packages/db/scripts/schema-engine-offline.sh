#!/bin/sh
# Stand-in for Prisma's native schema engine, which the CLI downloads on first use and which
# cannot be fetched offline. `prisma generate` only checks that the file exists and never runs it;
# anything that does run it lands here. Migrations go through `migrate()` (schema-engine-wasm).
echo "The native Prisma schema engine is not installed (offline). Use 'npm run migrate' or run 'npx prisma migrate deploy' where it can be downloaded." >&2
exit 1
