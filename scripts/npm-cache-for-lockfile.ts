// Copies, from an npm cache, what `npm ci --offline` needs for package-lock.json and nothing else:
// each locked package's registry document and tarball (their index entries as they are, and the
// content those name). The images' build installs from this copy (scripts/build-images.sh), so the
// build step's cache key changes with the lockfile only, not with whatever else the machine's npm
// cache gained meanwhile.
//
//   node scripts/npm-cache-for-lockfile.ts <npm cache folder> <output folder>
//
// npm's cache (cacache) files an entry under index-v5/<sha256 of its key>, key
// `make-fetch-happen:request-cache:<url>`, and its content under content-v2/<algorithm>/<hex digest>.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface LockedPackage {
  readonly version?: string;
  readonly resolved?: string;
  readonly link?: boolean;
  readonly name?: string;
}

const [source, output] = process.argv.slice(2);
if (source === undefined || output === undefined) {
  console.error('usage: node scripts/npm-cache-for-lockfile.ts <npm cache folder> <output folder>');
  process.exit(2);
}
const registry = 'https://registry.npmjs.org/';
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** The registry URLs npm reads for one locked package: its document and its tarball. */
function urlsOf(path: string, locked: LockedPackage): string[] {
  const name = locked.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  const base = name.slice(name.indexOf('/') + 1);
  const tarball = locked.resolved ?? `${registry}${name}/-/${base}-${locked.version}.tgz`;
  return [`${registry}${name.replace('/', '%2f')}`, tarball];
}

/** Linked when both are on one filesystem (npm never rewrites a cache file in place), else copied. */
function copy(relative: string): void {
  const to = join(output, relative);
  if (existsSync(to)) return;
  mkdirSync(dirname(to), { recursive: true });
  try {
    linkSync(join(source, relative), to);
  } catch {
    copyFileSync(join(source, relative), to);
  }
}

let missing = 0;
const urls = new Set<string>();
for (const [path, locked] of Object.entries(lock.packages)) {
  if (!path.includes('node_modules/') || locked.link === true || locked.version === undefined) continue;
  for (const url of urlsOf(path, locked)) urls.add(url);
}
for (const url of urls) {
  const hash = createHash('sha256').update(`make-fetch-happen:request-cache:${url}`).digest('hex');
  const bucket = join('index-v5', hash.slice(0, 2), hash.slice(2, 4), hash.slice(4));
  if (!existsSync(join(source, bucket))) {
    missing += 1;
    continue;
  }
  copy(bucket);
  for (const line of readFileSync(join(source, bucket), 'utf8').split('\n')) {
    const entry = line.split('\t')[1];
    if (entry === undefined) continue;
    const { integrity } = JSON.parse(entry) as { integrity?: string };
    for (const one of (integrity ?? '').split(/\s+/).filter(Boolean)) {
      const [algorithm, digest] = [one.slice(0, one.indexOf('-')), one.slice(one.indexOf('-') + 1)];
      const hex = Buffer.from(digest, 'base64').toString('hex');
      const content = join('content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
      if (existsSync(join(source, content))) copy(content);
    }
  }
}
// A missing entry is not an error here: npm ci --offline names the package it lacks.
console.log(`${urls.size - missing} of ${urls.size} registry entries copied`);
