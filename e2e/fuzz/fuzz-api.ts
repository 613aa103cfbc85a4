// API fuzzing: schemathesis against the /openapi.json of the relay, the proof API and the relay's
// admin API, on the platform as `npm start` runs it (free ports, a temp data folder), with valid
// keys: no 5xx, and every status, content type and body as documented. Bounded: a fixed number of
// examples per operation, a time limit per target, and the platform stopped at the end.
//
//   node e2e/fuzz/fuzz-api.ts        (scripts/fuzz-api.sh installs schemathesis and runs this)
//
// ANCHORPOST_SCHEMATHESIS_BIN names the schemathesis command; ANCHORPOST_FUZZ_EXAMPLES the examples
// per operation (default 15). The reports (JUnit) and the platform's log go to the printed folder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateIdentity } from '@anchorpost/protocol';
import { e2eEnv, startPlatformProcess } from '../test/platform-process.ts';
import { tenantsSetup } from '../test/tenant-keys.ts';

interface Target {
  name: string;
  url: string;
  authorization?: string;
}

function endpoint(endpoints: Record<string, string>, name: string): string {
  const url = endpoints[name];
  if (url === undefined) throw new Error(`the platform printed no endpoint ${name}`);
  return url;
}

const schemathesis = process.env.ANCHORPOST_SCHEMATHESIS_BIN ?? 'schemathesis';
const examples = process.env.ANCHORPOST_FUZZ_EXAMPLES ?? '15';
/** A target that takes longer is stopped and counts as failed: the whole run stays bounded. */
const TARGET_LIMIT_MS = 150_000;

async function fuzz(target: Target, reports: string): Promise<boolean> {
  const args = [
    'run',
    `${target.url}/openapi.json`,
    '--checks',
    'all',
    // Without a database of made-up resources, a valid-looking cid or hash is rightly unknown (404),
    // and an API key is rightly required: these checks would flag correct answers.
    '--exclude-checks',
    'positive_data_acceptance,ignored_auth,use_after_free,ensure_resource_availability',
    '--max-examples',
    examples,
    '--seed',
    '20261206',
    // One worker: with two, Hypothesis describes lambdas from two threads and CPython 3.11's parser
    // fails ("AST constructor recursion depth mismatch"), a runtime error that is no API's fault.
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--report',
    'junit',
    '--report-junit-path',
    join(reports, `${target.name}.junit.xml`),
    '--no-color',
    ...(target.authorization === undefined ? [] : ['--header', `Authorization: ${target.authorization}`]),
  ];
  // In the reports folder: schemathesis keeps a cache in its working folder.
  const child = spawn(schemathesis, args, { cwd: reports, stdio: ['ignore', 'inherit', 'inherit'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), TARGET_LIMIT_MS);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  console.log(`fuzz-api: ${target.name}: schemathesis exited ${code ?? 'killed (time limit)'}`);
  return code === 0;
}

async function main(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-fuzz-'));
  console.log(`fuzz-api: data, log and reports in ${dir}`);
  const app = await generateIdentity('modern');
  const tenants = tenantsSetup([{ tenant: 'fuzz', app }]);
  await writeFile(join(dir, 'tenants.json'), JSON.stringify(tenants.tenants));
  const platform = await startPlatformProcess(e2eEnv(dir), join(dir, 'platform.log'));
  const results: [string, boolean][] = [];
  try {
    const adminKey = (await readFile(join(dir, 'keys', 'admin-key'), 'utf8')).trim();
    const targets: Target[] = [
      {
        name: 'relay',
        url: endpoint(platform.endpoints, 'relay.http'),
        authorization: `Bearer ${tenants.apiKeys.fuzz!}`,
      },
      { name: 'proof-api', url: endpoint(platform.endpoints, 'proof-api.http') },
      {
        name: 'relay-admin',
        url: endpoint(platform.endpoints, 'relay.admin'),
        authorization: `Bearer ${adminKey}`,
      },
    ];
    for (const target of targets) {
      results.push([target.name, await fuzz(target, dir)]);
    }
  } finally {
    await platform.stop();
  }
  const failed = results.filter(([, ok]) => !ok).length;
  // The plain closing line CI reads.
  console.log(`fuzz-api: ${results.length - failed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
