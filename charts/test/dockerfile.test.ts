/**
 * The images' Dockerfile: hadolint (every warning fails), and what the platform promises of its
 * images — a base pinned by digest, a non-root user, a health check and an entrypoint per service,
 * production dependencies only.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { REPO } from './tools.ts';

const run = promisify(execFile);
const DOCKERFILE = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
const SERVICES = ['relay', 'batcher', 'anchorer', 'parser', 'proof-api', 'sponsor', 'updater'];

/** Stage name → its lines (continuations joined). */
function stages(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = '';
  for (const line of DOCKERFILE.replace(/\\\n\s*/g, ' ').split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) {
      current = from[1]!;
      out.set(current, [line]);
    } else if (current !== '') out.get(current)!.push(line);
  }
  return out;
}

/** Every line of every stage. */
function all(): string[] {
  return [...stages().values()].flat();
}

describe('Dockerfile', () => {
  it('passes hadolint with every warning an error', async () => {
    const { stdout: hadolint } = await run('bash', [join(REPO, 'scripts/install-hadolint.sh')]);
    const result = await run(hadolint.trim(), [
      '--config',
      join(REPO, '.hadolint.yaml'),
      join(REPO, 'Dockerfile'),
    ]).then(
      () => 0,
      (error: unknown) => {
        const { stdout } = error as { stdout?: string };
        return assert.fail(`hadolint: ${stdout ?? 'failed'}`);
      },
    );
    assert.equal(result, 0);
  });

  it('pins the base image by digest and builds every service as its own target', () => {
    assert.match(DOCKERFILE, /^ARG NODE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const all = stages();
    for (const service of SERVICES) {
      const lines = all.get(service);
      assert.ok(lines !== undefined, `a ${service} target`);
      assert.match(lines[0]!, /^FROM runtime AS/, `${service} builds on the runtime stage`);
      assert.ok(
        lines.some((l) => /^HEALTHCHECK .*\/healthz/.test(l)),
        `${service}: HEALTHCHECK on /healthz`,
      );
      assert.ok(
        lines.some((l) => l.startsWith(`ENTRYPOINT ["node", "services/${service}/dist/main.js"]`)),
        `${service}: entrypoint`,
      );
      assert.ok(
        lines.some((l) => /^ENV ANCHORPOST_[A-Z_]+_HOST=0\.0\.0\.0/.test(l)),
        `${service}: listens beyond loopback`,
      );
      assert.ok(
        lines.some((l) => /ANCHORPOST_[A-Z_]+_MANAGEMENT_HOST=0\.0\.0\.0/.test(l)),
        `${service}: its management port (the probes', Prometheus') beyond loopback too`,
      );
    }
    assert.ok(all.has('migrate'), 'a migrate target for the chart hook');
  });

  it('runs as a non-root user with production dependencies only', () => {
    const all = stages();
    const runtime = all.get('runtime')!;
    assert.ok(
      runtime.some((l) => /^USER 1000(:1000)?$/.test(l)),
      'USER 1000 in the runtime stage',
    );
    for (const [name, lines] of all) {
      if (name === 'build') continue;
      // Root only to install system packages (the updater's git), and back to uid 1000 after.
      const users = lines.filter((l) => l.startsWith('USER '));
      assert.ok(
        users.length === 0 || /^USER 1000(:1000)?$/.test(users.at(-1)!),
        `${name} ends as uid 1000, not root`,
      );
      assert.ok(!lines.some((l) => /npm (ci|install)/.test(l)), `${name} installs nothing`);
    }
    assert.ok(
      all.get('build')!.some((l) => l.includes('npm prune --omit=dev --omit=peer')),
      'dev dependencies, and what only peer dependencies pull in, pruned',
    );
  });

  it("builds offline, from the npm cache bound in, with the engine's own frontend", () => {
    assert.ok(
      all().some((l) =>
        /^RUN --mount=type=bind,source=\.image-build\/npm-cache,.* npm ci --offline --cache /.test(l),
      ),
      'npm ci --offline from the bound npm cache (scripts/build-images.sh)',
    );
    // A `# syntax=` line makes BuildKit pull its frontend image from Docker Hub.
    assert.doesNotMatch(DOCKERFILE, /^# *syntax *=/m);
  });
});
