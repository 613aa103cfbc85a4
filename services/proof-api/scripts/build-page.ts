/**
 * Builds the auditor's page into dist/page: index.html and auditor.css as they are, and
 * auditor.ts bundled with the SDK's browser entry by esbuild (minified ESM for browsers; a Node
 * built-in reachable from it fails the build). The proof API serves dist/page at `/`.
 *
 *   node scripts/build-page.ts
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const page = (name: string): string => fileURLToPath(new URL(`../page/${name}`, import.meta.url));
const out = fileURLToPath(new URL('../dist/page/', import.meta.url));

await mkdir(out, { recursive: true });
await build({
  entryPoints: [page('auditor.ts')],
  outfile: `${out}auditor.js`,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  logLevel: 'warning',
});
await copyFile(page('index.html'), `${out}index.html`);
await copyFile(page('auditor.css'), `${out}auditor.css`);
