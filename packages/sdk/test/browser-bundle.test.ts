/**
 * The browser verify entry bundles for the browser (esbuild fails on any Node built-in it reaches)
 * and stays within its gzipped size budget.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BROWSER_VERIFY_GZIP_BUDGET, bundleBrowserEntry } from '../scripts/bundle-browser.ts';

/**
 * Node's `Buffer` global used bare (libraries that test `globalThis.Buffer` first are fine): esbuild
 * does not see it, and it throws in a browser (the Votes file reader used it).
 */
const BARE_BUFFER = /(?<![.\w$])Buffer\./;

describe('@anchorpost/sdk/browser', { timeout: 60_000 }, () => {
  it(`bundles for the browser within ${BROWSER_VERIFY_GZIP_BUDGET / 1024} KB gzipped`, async (t) => {
    const bundle = await bundleBrowserEntry();
    t.diagnostic(`browser verify entry: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped`);
    assert.ok(bundle.gzipBytes < BROWSER_VERIFY_GZIP_BUDGET, `${bundle.gzipBytes} bytes gzipped`);
    // esbuild already fails to resolve a Node built-in for the browser; no import of one is left either.
    const nodeImport = /(?:from|import|require)\s*\(?\s*["']node:/.exec(bundle.code);
    assert.equal(nodeImport, null, `the bundle imports a Node built-in: ${nodeImport?.[0] ?? ''}`);
    assert.equal(BARE_BUFFER.exec(bundle.code), null, 'the bundle uses the Buffer global');
  });

  for (const name of ['browser-app', 'browser-keys', 'browser-voting', 'subscribe', 'tx-file-signature']) {
    it(`bundles the ${name} entry for the browser too`, async (t) => {
      const bundle = await bundleBrowserEntry(fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url)));
      t.diagnostic(`${name} entry: ${bundle.bytes} bytes, ${bundle.gzipBytes} gzipped`);
      assert.equal(/(?:from|import|require)\s*\(?\s*["']node:/.exec(bundle.code), null);
      assert.equal(BARE_BUFFER.exec(bundle.code), null, 'the bundle uses the Buffer global');
    });
  }
});
