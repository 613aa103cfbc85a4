/**
 * Bundles the browser verify entry (`@anchorpost/sdk/browser`) the way a web app would: esbuild,
 * platform browser, minified ESM. Any Node built-in reachable from the entry fails the build (none
 * is marked external), so a bundle is also the proof that the entry is browser-clean.
 *
 *   node scripts/bundle-browser.ts [OUT.js]   writes the bundle (default dist/anchorpost-sdk.browser.js)
 *                                             and prints its raw and gzipped sizes
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const BROWSER_ENTRY = fileURLToPath(new URL('../src/browser.ts', import.meta.url));
/** The budget the size test holds the gzipped bundle to. */
export const BROWSER_VERIFY_GZIP_BUDGET = 60 * 1024;

export interface BrowserBundle {
  readonly code: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export async function bundleBrowserEntry(entry = BROWSER_ENTRY): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? fileURLToPath(new URL('../dist/anchorpost-sdk.browser.js', import.meta.url));
  const bundle = await bundleBrowserEntry();
  await writeFile(out, bundle.code);
  process.stdout.write(
    `${out}: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped (budget ${BROWSER_VERIFY_GZIP_BUDGET})\n`,
  );
}
