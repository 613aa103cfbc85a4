// Codegen: `prisma generate` for prisma/schema.prisma into src/generated/prisma, offline.
// The Prisma 7 CLI insists that its native schema engine exists before `generate` even though
// generating the client never uses it (the client is pure TypeScript + a Wasm query compiler),
// and it would download the engine from a host that is not reachable here. Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at a stand-in satisfies that check without any download.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env['PRISMA_SCHEMA_ENGINE_BINARY'] ??= fileURLToPath(new URL('./schema-engine-offline.sh', import.meta.url));

const cli = fileURLToPath(import.meta.resolve('prisma/build/index.js'));
const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(result.status ?? 1);
