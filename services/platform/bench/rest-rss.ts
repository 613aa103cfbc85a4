/**
 * `npm start` at rest: the whole platform in one process (every service, PGlite, Helia, anvil as a
 * child) started as `npm start` starts it, in a temp data dir and on free ports, then left alone
 * for ANCHORPOST_BENCH_REST_SECONDS (default 30). Prints its RSS at rest and at its peak (the
 * kernel's high-water mark), the anvil child's, and the JavaScript side's split (heap, external:
 * mostly PGlite's WebAssembly memory), beside a bare `node` process started in the same run.
 * Writes bench-results/platform-rest.json.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BenchReport } from '../../../scripts/bench-report.ts';

const REST_SECONDS = Number(process.env['ANCHORPOST_BENCH_REST_SECONDS'] ?? 30);
const READY_LIMIT_MS = 15 * 60_000;
const PORTS = [
  'ANVIL',
  'RELAY_HTTP',
  'RELAY_GRPC',
  'RELAY_ADMIN',
  'RELAY_MANAGEMENT',
  'BATCHER',
  'BATCHER_MANAGEMENT',
  'ANCHORER',
  'ANCHORER_MANAGEMENT',
  'PARSER',
  'PARSER_MANAGEMENT',
  'PROOF_API',
  'PROOF_API_MANAGEMENT',
  'EMBEDDED_POSTGRES',
];

/** VmRSS and VmHWM of a process, in MiB, from /proc (Linux). */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

async function childrenOf(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  child.kill('SIGINT');
  const forced = setTimeout(() => {
    child.kill('SIGKILL');
  }, 30_000);
  return exited.finally(() => {
    clearTimeout(forced);
  });
}

const report = new BenchReport('platform-rest');
const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore' });
const dir = await mkdtemp(join(tmpdir(), 'anchorpost-rest-bench-'));
const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const reporter = fileURLToPath(new URL('memory-report.ts', import.meta.url));
const env: NodeJS.ProcessEnv = { ...process.env, ANCHORPOST_DATA_DIR: join(dir, 'data') };
for (const name of PORTS) env[`ANCHORPOST_${name}_PORT`] = '0';
const platform = spawn(process.execPath, ['--import', reporter, main], {
  env,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let output = '';
let split = '';
platform.stdout.setEncoding('utf8').on('data', (text: string) => {
  output += text;
});
platform.stderr.setEncoding('utf8').on('data', (text: string) => {
  const lines = text.split('\n').filter((line) => line.startsWith('anchorpost-memory '));
  if (lines.length > 0) split = lines.at(-1)!.slice('anchorpost-memory '.length);
  output += text;
});

try {
  const started = performance.now();
  while (!output.includes('Anchorpost is running')) {
    if (platform.exitCode !== null || performance.now() - started > READY_LIMIT_MS) {
      throw new Error(`the platform did not come up; it printed:\n${output.slice(-4000)}`);
    }
    await sleep(250);
  }
  const readySeconds = (performance.now() - started) / 1000;
  await sleep(REST_SECONDS * 1000);
  const own = await memoryOf(platform.pid!);
  const children = await Promise.all((await childrenOf(platform.pid!)).map((pid) => memoryOf(pid)));
  const childRss = children.reduce((sum, child) => sum + child.rss, 0);
  const bareRss = (await memoryOf(bare.pid!)).rss;
  const javascript = Object.fromEntries(
    split.split(' ').map((field) => {
      const [name, value] = field.split('=');
      return [`${name}MiB`, Number(value)];
    }),
  );

  console.log(`  the platform's own split at rest, MiB: ${split}`);
  report.row({
    path: '`npm start` at rest (one process: every service, PGlite, Helia), RSS',
    measured: own.rss,
    unit: 'MiB',
    baseline: { label: 'a bare node process', value: bareRss },
    target: '< 300 MiB',
    details: { restSeconds: REST_SECONDS, readySeconds: Math.round(readySeconds), ...javascript },
  });
  report.row({ path: '`npm start`, peak RSS while starting (VmHWM)', measured: own.peak, unit: 'MiB' });
  report.row({ path: '`npm start`, its children (anvil), RSS', measured: childRss, unit: 'MiB' });
  await report.finish();
} finally {
  await stop(platform);
  bare.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
