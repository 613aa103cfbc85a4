// The chart tools (scripts/install-k8s-tools.sh puts them in the tools folder): present, or the
// test skips — unless ANCHORPOST_REQUIRE_K8S_TOOLS=1 (CI), where a missing tool fails.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

export const REPO = join(import.meta.dirname, '../..');
export const CHART = join(REPO, 'charts/anchorpost');
const toolsRoot = join(process.env.ANCHORPOST_TOOLS_DIR ?? join(homedir(), '.cache/anchorpost'), 'k8s-tools');
export const BIN = join(toolsRoot, 'bin');
const run = promisify(execFile);

/** Why the chart tests cannot run here, or undefined when they can. */
export function missingTools(): string | undefined {
  for (const tool of ['helm', 'kubeconform', 'ct', 'helm-docs']) {
    if (!existsSync(join(BIN, tool))) {
      const why = `${tool} is not installed (scripts/install-k8s-tools.sh)`;
      if (process.env.ANCHORPOST_REQUIRE_K8S_TOOLS === '1') throw new Error(why);
      return why;
    }
  }
  return undefined;
}

export interface Rendered {
  readonly kind: string;
  readonly metadata: { name: string; annotations?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
}

let dependencies: Promise<unknown> | undefined;
/** The library chart vendored into charts/anchorpost/charts (a clean clone has not got it yet). */
function chartDependencies(): Promise<unknown> {
  dependencies ??= run(join(BIN, 'helm'), ['dependency', 'build', CHART]);
  return dependencies;
}

/** `helm template` of the chart with these values files and `--set`s; the manifests, parsed. */
export async function render(
  valuesFiles: readonly string[],
  sets: readonly string[] = [],
): Promise<Rendered[]> {
  await chartDependencies();
  const args = ['template', 'anchorpost', CHART, '--kube-version', '1.34.0'];
  for (const file of valuesFiles) args.push('-f', isAbsolute(file) ? file : join(CHART, 'ci', file));
  for (const set of sets) args.push('--set', set);
  const { stdout } = await run(join(BIN, 'helm'), args, { maxBuffer: 64 * 1024 * 1024 });
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as Rendered | null)
    .filter((doc): doc is Rendered => doc !== null);
}

/** `helm template` expected to fail: its stderr. */
export async function renderFails(sets: readonly string[]): Promise<string> {
  await chartDependencies();
  try {
    await run(join(BIN, 'helm'), [
      'template',
      'anchorpost',
      CHART,
      '--kube-version',
      '1.34.0',
      ...sets.flatMap((s) => ['--set', s]),
    ]);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template accepted ${sets.join(' ')}`);
}

export function runScript(script: string): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [join(REPO, script)], { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 });
}

/** The text of every `.ts` file under `dir` (metric names are checked against it). */
/**
 * The services' metric registrations with each name written out: a service names its metrics in
 * one table (`export const RELAY_METRICS = { txFilesTotal: 'tx_files_total', … }`) and registers
 * them as `metrics.counter(RELAY_METRICS.txFilesTotal, …)`; this puts `'tx_files_total'` in place
 * of the reference, so the dashboard and alert checks read the registrations as written.
 */
export function withMetricNames(code: string): string {
  const names = new Map<string, string>();
  for (const [, table, body] of code.matchAll(/export const ([A-Z_]+_METRICS) = \{([^}]*)\}/g)) {
    for (const [, key, name] of body!.matchAll(/(\w+): '([a-z_]+)'/g)) names.set(`${table!}.${key!}`, name!);
  }
  return code.replace(/\b([A-Z_]+_METRICS\.\w+)\b/g, (reference) => {
    const name = names.get(reference);
    return name === undefined ? reference : `'${name}'`;
  });
}

export function sources(dir: string): string {
  let text = '';
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) text += sources(path);
    else if (name.endsWith('.ts')) text += readFileSync(path, 'utf8');
  }
  return text;
}
