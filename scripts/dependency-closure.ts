/**
 * The production dependency closure of a workspace package: every package that `npm install
 * --omit=dev` of it would bring, found as Node finds them (node_modules folders upwards from each
 * package's real path), with their size on disk.
 *
 *   node scripts/dependency-closure.ts @anchorpost/cli [--list] [--forbid NAME ...]
 *
 * `--forbid NAME` exits 1 when NAME is in the closure (e.g. to keep Prisma out of the verifier's).
 * Needs `npm ci` first. Optional dependencies that are not installed (other platforms' binaries)
 * are skipped, as npm skips them; so are optional peer dependencies, which npm never installs.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const root = join(import.meta.dirname, '..');

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Where Node would find `name` when required from a file in `fromDir`. */
function resolvePackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dir === dirname(dir)) return undefined;
  }
}

/** Bytes of the package's own files: nested node_modules are packages of their own. */
function ownSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += ownSize(path);
    else if (entry.isFile()) total += lstatSync(path).size;
  }
  return total;
}

function requiredDependencies(manifest: Manifest): { name: string; optional: boolean }[] {
  // npm installs a package's peer dependencies unless they are marked optional: an optional peer
  // (an adapter's outside system, a test suite's fixtures) is the installer's choice, not brought.
  const peers = Object.keys(manifest.peerDependencies ?? {})
    .filter((name) => manifest.peerDependenciesMeta?.[name]?.optional !== true)
    .map((name) => ({ name, optional: false }));
  return [
    ...Object.keys(manifest.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
    ...peers,
  ];
}

function closure(workspaceName: string): Map<string, { name: string; bytes: number }> {
  const start = resolvePackage(workspaceName, root);
  if (start === undefined) throw new Error(`${workspaceName} is not installed: run npm ci first`);
  /** Keyed by the package's real folder: one name can be installed at several versions. */
  const found = new Map<string, { name: string; bytes: number }>();
  const queue = [start];
  const seenDirs = new Set<string>([start]);
  while (queue.length > 0) {
    const dir = queue.shift()!;
    for (const dep of requiredDependencies(readManifest(dir))) {
      const depDir = resolvePackage(dep.name, dir);
      if (depDir === undefined) {
        if (dep.optional) continue;
        throw new Error(`${dep.name} (needed by ${dir}) is not installed`);
      }
      if (seenDirs.has(depDir)) continue;
      seenDirs.add(depDir);
      found.set(depDir, { name: dep.name, bytes: ownSize(depDir) });
      queue.push(depDir);
    }
  }
  return found;
}

function main(): void {
  const [name, ...flags] = process.argv.slice(2);
  if (name === undefined || name.startsWith('-')) {
    console.error('usage: node scripts/dependency-closure.ts WORKSPACE [--list] [--forbid NAME ...]');
    process.exit(2);
  }
  const packages = closure(name);
  const names = new Set([...packages.values()].map((p) => p.name));
  const bytes = [...packages.values()].reduce((sum, p) => sum + p.bytes, 0);
  if (flags.includes('--list')) for (const n of [...names].sort()) console.log(n);
  console.log(
    `${name}: ${packages.size} packages (${names.size} names), ${(bytes / 1048576).toFixed(1)} MiB`,
  );
  const forbidden = flags.flatMap((flag, i) => (flag === '--forbid' && flags[i + 1] ? [flags[i + 1]!] : []));
  const present = forbidden.filter((f) => names.has(f));
  if (present.length > 0) {
    console.error(`${name}'s production closure holds ${present.join(', ')}`);
    process.exit(1);
  }
}

main();
