/**
 * The package layering, read from the workspaces' package.json files so it cannot drift.
 *
 *   node scripts/layering.ts            rewrites the generated part of docs/architecture.md
 *   node scripts/layering.ts --check    fails if that part is stale or a dependency breaks a rule
 *
 * Every workspace package has a layer (the table below; a new package without one fails the
 * check). Only production `dependencies` count: tests may use whatever they test against. A core
 * package must not depend on an adapter package; the edges that still do are listed in
 * KNOWN_CORE_TO_ADAPTER, and the check fails both on a new one and on a listed one that is gone,
 * so the list can only shrink.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

type Layer = 'protocol' | 'contract' | 'port' | 'core' | 'adapter' | 'service' | 'tool';

const LAYER_MEANING: Record<Layer, string> = {
  protocol: 'wire formats and their cryptography; depends on nothing of ours',
  contract: 'shapes shared between services (event schemas, the settings schema)',
  port: 'what a core needs from an outside system, as interfaces, rows and error tables; no adapter code',
  core: 'framework-free engines, written against ports',
  adapter: 'packages that bring an outside system (Kafka, IPFS, PostgreSQL, chains, NestJS, Kubernetes)',
  service: 'the deployable processes: thin shells that wire cores to adapters',
  tool: 'command line, test doubles, end-to-end suites, the chart tests',
};

/** What each layer may depend on in production. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  protocol: [],
  contract: ['protocol'],
  port: ['protocol', 'contract'],
  core: ['protocol', 'contract', 'port', 'core'],
  adapter: ['protocol', 'contract', 'port', 'adapter'],
  service: ['protocol', 'contract', 'port', 'core', 'adapter'],
  tool: ['protocol', 'contract', 'port', 'core', 'adapter', 'service', 'tool'],
};

const LAYERS: Record<string, Layer> = {
  '@anchorpost/protocol': 'protocol',
  '@anchorpost/proto': 'protocol',
  '@anchorpost/events': 'contract',
  '@anchorpost/config': 'contract',
  '@anchorpost/bus-port': 'port',
  '@anchorpost/storage-port': 'port',
  '@anchorpost/db-port': 'port',
  '@anchorpost/relay-core': 'core',
  '@anchorpost/batcher-core': 'core',
  '@anchorpost/parser-core': 'core',
  '@anchorpost/proofs': 'core',
  '@anchorpost/release': 'core',
  '@anchorpost/sponsor-core': 'core',
  '@anchorpost/updater-core': 'core',
  '@anchorpost/voting': 'core',
  '@anchorpost/bus': 'adapter',
  '@anchorpost/storage': 'adapter',
  '@anchorpost/db': 'adapter',
  '@anchorpost/chains': 'adapter',
  '@anchorpost/leader-election': 'adapter',
  '@anchorpost/service-kit': 'adapter',
  '@anchorpost/runtime': 'adapter',
  '@anchorpost/release-governance': 'adapter',
  '@anchorpost/sponsor-contracts': 'adapter',
  '@anchorpost/relay-service': 'service',
  '@anchorpost/batcher-service': 'service',
  '@anchorpost/anchorer-service': 'service',
  '@anchorpost/parser-service': 'service',
  '@anchorpost/proof-api-service': 'service',
  '@anchorpost/updater-service': 'service',
  '@anchorpost/sponsor-service': 'service',
  '@anchorpost/platform': 'service',
  '@anchorpost/cli': 'tool',
  '@anchorpost/sdk': 'tool',
  '@anchorpost/demo': 'tool',
  '@anchorpost/e2e': 'tool',
  '@anchorpost/ergo-devnet': 'tool',
  '@anchorpost/charts': 'tool',
  '@anchorpost/solidity-codegen': 'tool',
  '@anchorpost/proto-codegen': 'tool',
};

/** The one service allowed to depend on other services: it runs them all in one process. */
const COMPOSING_SERVICE = '@anchorpost/platform';

/**
 * Core packages that still depend on an adapter package, because the port lives with its
 * adapters: the chains port (the node clients and anchor decoders the parser and the proof
 * verifier read chains with) is still in @anchorpost/chains. Each goes when its port moves out.
 */
const KNOWN_CORE_TO_ADAPTER: readonly string[] = [
  '@anchorpost/parser-core -> @anchorpost/chains',
  '@anchorpost/proofs -> @anchorpost/chains',
];

interface Workspace {
  name: string;
  dir: string;
  dependsOn: string[];
  /** Everything its code may import at run time: dependencies, peer and optional dependencies. */
  runtimeDeps: Set<string>;
  devDeps: Set<string>;
}

const root = join(import.meta.dirname, '..');

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function workspaces(): Workspace[] {
  const patterns = readJson(join(root, 'package.json')).workspaces as string[];
  const dirs = patterns.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return packageFolders(join(root, parent)).map((name) => `${parent}/${name}`);
  });
  return dirs
    .map((dir) => {
      const manifest = readJson(join(root, dir, 'package.json'));
      const keys = (field: string): string[] =>
        Object.keys((manifest[field] as Record<string, string> | undefined) ?? {});
      const deps = keys('dependencies');
      return {
        name: manifest.name as string,
        dir,
        dependsOn: deps.filter((d) => d.startsWith('@anchorpost/')).sort(),
        runtimeDeps: new Set([...deps, ...keys('peerDependencies'), ...keys('optionalDependencies')]),
        devDeps: new Set(keys('devDependencies')),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The folders under `dir` that hold a package.json: only those are workspaces. */
function packageFolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort();
}

const IMPORT_FROM = /\b(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s+'([^']+)'/g;
const BARE_IMPORT = /(?:^|\n)\s*import\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`; undefined for node: and relative. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || specifier.startsWith('/'))
    return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * What a package's production code (`src/`) imports but its package.json does not declare: it
 * works inside this monorepo (hoisting), and breaks or hides a dependency once installed alone.
 * Type-only imports may name dev dependencies: they are gone at run time.
 */
function undeclaredImports(all: readonly Workspace[]): string[] {
  const problems: string[] = [];
  for (const pkg of all) {
    const seen = new Set<string>();
    for (const file of sourceFiles(join(root, pkg.dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      const found: { specifier: string; typeOnly: boolean }[] = [];
      for (const m of text.matchAll(IMPORT_FROM))
        found.push({ specifier: m[3]!, typeOnly: m[2] !== undefined });
      for (const m of text.matchAll(BARE_IMPORT)) found.push({ specifier: (m[1] ?? m[2])!, typeOnly: false });
      for (const { specifier, typeOnly } of found) {
        const name = packageOf(specifier);
        if (name === undefined || name === pkg.name || pkg.runtimeDeps.has(name)) continue;
        if (typeOnly && pkg.devDeps.has(name)) continue;
        const key = `${pkg.name} -> ${name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push(`${key}: ${relative(root, file)} imports it, but it is not among its dependencies`);
      }
    }
  }
  return problems;
}

function layerOf(name: string, problems: string[]): Layer {
  const layer = LAYERS[name];
  if (layer === undefined) {
    problems.push(`${name} has no layer: add it to LAYERS in scripts/layering.ts`);
    return 'tool';
  }
  return layer;
}

function ruleProblems(all: readonly Workspace[]): string[] {
  const problems: string[] = [];
  const seenKnown = new Set<string>();
  for (const pkg of all) {
    const from = layerOf(pkg.name, problems);
    for (const dep of pkg.dependsOn) {
      const to = layerOf(dep, problems);
      const edge = `${pkg.name} -> ${dep}`;
      if (from === 'core' && to === 'adapter' && KNOWN_CORE_TO_ADAPTER.includes(edge)) {
        seenKnown.add(edge);
        continue;
      }
      if (from === 'service' && to === 'service' && pkg.name === COMPOSING_SERVICE) continue;
      if (!ALLOWED[from].includes(to))
        problems.push(`${edge}: a ${from} package may not depend on a ${to} package`);
    }
  }
  for (const edge of KNOWN_CORE_TO_ADAPTER) {
    if (!seenKnown.has(edge)) problems.push(`${edge} is gone: remove it from KNOWN_CORE_TO_ADAPTER`);
  }
  for (const name of Object.keys(LAYERS)) {
    if (!all.some((pkg) => pkg.name === name)) problems.push(`${name} is in LAYERS but is no workspace`);
  }
  return problems;
}

const LAYER_ORDER: readonly Layer[] = ['service', 'tool', 'core', 'adapter', 'port', 'contract', 'protocol'];

function mermaidId(name: string): string {
  return name.replace('@anchorpost/', '').replace(/[^a-z0-9]/g, '_');
}

function picture(all: readonly Workspace[]): string {
  const lines = ['```mermaid', 'flowchart TB'];
  for (const layer of LAYER_ORDER) {
    lines.push(`  subgraph ${layer}`);
    for (const pkg of all.filter((p) => LAYERS[p.name] === layer)) {
      lines.push(`    ${mermaidId(pkg.name)}["${pkg.name.replace('@anchorpost/', '')}"]`);
    }
    lines.push('  end');
  }
  for (const pkg of all) {
    for (const dep of pkg.dependsOn) {
      const known = KNOWN_CORE_TO_ADAPTER.includes(`${pkg.name} -> ${dep}`);
      lines.push(`  ${mermaidId(pkg.name)} ${known ? '-.->' : '-->'} ${mermaidId(dep)}`);
    }
  }
  lines.push('```');
  return lines.join('\n');
}

function table(all: readonly Workspace[]): string {
  const rows = all.map((pkg) => {
    const deps = pkg.dependsOn.map((d) => d.replace('@anchorpost/', '')).join(', ') || '—';
    return `| \`${pkg.name}\` | \`${pkg.dir}\` | ${LAYERS[pkg.name] ?? '?'} | ${deps} |`;
  });
  return [
    '| package | folder | layer | depends on (production) |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function generated(all: readonly Workspace[]): string {
  const meanings = LAYER_ORDER.map((layer) => `- **${layer}**: ${LAYER_MEANING[layer]}.`).join('\n');
  const known = KNOWN_CORE_TO_ADAPTER.map((edge) => `- \`${edge}\``).join('\n');
  return [
    '<!-- layering:begin (generated by `node scripts/layering.ts`; do not edit by hand) -->',
    '<!-- prettier-ignore-start -->',
    '',
    meanings,
    '',
    picture(all),
    '',
    table(all),
    '',
    'A core package may not depend on an adapter package. These edges still do (dotted in the',
    'picture), because the port lives in the same package as its adapters; each goes when the port',
    'moves to a light package of its own, and the check then asks for its removal from the list:',
    '',
    known,
    '',
    '<!-- prettier-ignore-end -->',
    '<!-- layering:end -->',
  ].join('\n');
}

const DOC = join(root, 'docs/architecture.md');
const BEGIN = /<!-- layering:begin[^>]*-->[\s\S]*<!-- layering:end -->/;

function main(): void {
  const all = workspaces();
  const problems = [...ruleProblems(all), ...undeclaredImports(all)];
  const doc = readFileSync(DOC, 'utf8');
  if (!BEGIN.test(doc)) throw new Error('docs/architecture.md has no layering:begin/end markers');
  const updated = doc.replace(BEGIN, generated(all));
  if (process.argv.includes('--check')) {
    if (updated !== doc) problems.push('docs/architecture.md is stale: run node scripts/layering.ts');
    if (problems.length > 0) {
      for (const problem of problems) console.error(`layering: ${problem}`);
      process.exit(1);
    }
    console.log(`layering: ${all.length} packages, every dependency within the rules`);
    return;
  }
  writeFileSync(DOC, updated);
  for (const problem of problems) console.error(`layering: ${problem}`);
  process.exit(problems.length > 0 ? 1 : 0);
}

main();
