/**
 * Key publishing from a page, in Chromium: `@anchorpost/sdk/browser-keys` against AnchorpostKeyRegistry
 * on anvil and the real sponsor service (startSponsorStage: embedded PostgreSQL). The page makes
 * the user's keys on WebCrypto and its account (0 ETH) signs each forward request; it publishes a
 * key, a rotation not signed by the current key is refused (by the SDK before the sponsor is
 * asked, NOT_CURRENT_KEY; posted anyway, by the sponsor: REFUSED / CALL_REVERTED), it rotates with
 * the old key's signature and revokes. Node then reads the registry with the SDK the CLI's
 * `keys lookup` runs: the signed rotation, followed from the old fingerprint, and the history.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { fileCid, keyHistory, keyRegistryAt, lookupKey } from '@anchorpost/sdk';
import { startSponsorStage, type SponsorStage } from '@anchorpost/sponsor-service/testing';
import { chromiumSkip, launchChromium } from './chromium.ts';
import type { Steps } from './keys-harness.ts';

const skip = chromiumSkip();
let stage: SponsorStage;
let browser: Browser;
let server: Server;
let page: Page;

async function inPage<K extends keyof Steps>(
  name: K,
  ...args: Parameters<Steps[K]>
): Promise<Awaited<ReturnType<Steps[K]>>> {
  return page.evaluate(
    ([step, stepArgs]) => {
      const all = (globalThis as unknown as { Keys: { steps: Record<string, (...a: unknown[]) => unknown> } })
        .Keys.steps;
      return all[step]!(...stepArgs);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<Steps[K]>>>;
}

/** The page's origin: /rpc to anvil, /sponsor/* to the sponsor (same origin, so no CORS), else an empty page. */
async function serveOrigin(routes: Record<string, string>): Promise<string> {
  server = createServer((request, response) => {
    const url = request.url ?? '/';
    const prefix = Object.keys(routes).find((p) => url === p || url.startsWith(`${p}/`));
    if (prefix === undefined) {
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>keys</title>');
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const init: RequestInit = { method: request.method ?? 'GET', headers: {} };
      for (const name of ['content-type', 'authorization']) {
        const value = request.headers[name];
        if (typeof value === 'string') (init.headers as Record<string, string>)[name] = value;
      }
      if (init.method === 'POST') init.body = Buffer.concat(chunks);
      fetch(`${routes[prefix]}${url.slice(prefix.length)}`, init)
        .then(async (answer) => {
          const type = answer.headers.get('content-type') ?? 'application/json';
          const body = Buffer.from(await answer.arrayBuffer());
          response.writeHead(answer.status, { 'content-type': type }).end(body);
        })
        .catch((error: unknown) => response.writeHead(502).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A step's answer is a mined transaction's hash, not a refusal. */
function assertTxHash(answer: unknown): asserts answer is string {
  assert.ok(typeof answer === 'string' && /^0x[0-9a-f]{64}$/.test(answer), JSON.stringify(answer));
}

describe('key publishing from a page in Chromium, through the sponsor', { skip, timeout: 240_000 }, () => {
  before(async () => {
    stage = await startSponsorStage();
    browser = await launchChromium();
    const origin = await serveOrigin({
      '/rpc': stage.chain.anvil.rpcUrl,
      '/sponsor': stage.service.urls['http']!.replace(/\/$/, ''),
    });
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('keys-harness.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      globalName: 'Keys',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  });

  after(async () => {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
    await stage.close();
  });

  it('publishes, refuses a rotation by another key, rotates, revokes; Node reads the signed rotation', async () => {
    const { chain } = stage;
    const account = await inPage('start', chain.deployment.keyRegistry, stage.apiKey);
    const first = await inPage('newKey', 'first');
    const second = await inPage('newKey', 'second');
    await inPage('newKey', 'stranger');
    // The CID the page publishes is the CID of the public-key.json bytes it made, as Node computes it.
    assert.equal(first.keyCid, await fileCid(new TextEncoder().encode(first.publicKeyFile)));

    const published = await inPage('publish', 'first');
    assertTxHash(published);
    assert.equal(await chain.balanceOf(account), 0n, 'the sponsor paid');
    const at = keyRegistryAt(chain.anvil.rpcUrl, chain.deployment.keyRegistry);
    assert.equal((await lookupKey(at, account)).key.fingerprint, first.id);

    assert.deepEqual(await inPage('publish', 'second'), { code: 'KEY_ALREADY_REGISTERED' });
    assert.deepEqual(await inPage('rotate', 'stranger', 'second'), { code: 'NOT_CURRENT_KEY' });
    assert.deepEqual(await inPage('forgedRotation', 'stranger', 'second'), {
      code: 'REFUSED',
      apiCode: 'CALL_REVERTED',
    });
    assert.equal((await lookupKey(at, account)).key.fingerprint, first.id, 'the key did not change');

    const rotated = await inPage('rotate', 'first', 'second');
    assertTxHash(rotated);
    const found = await lookupKey(at, account, { expect: first.id });
    assert.equal(found.key.fingerprint, second.id);
    assert.equal(found.key.keyCid, second.keyCid);
    assert.equal(found.since?.event, 'rotated');
    assert.equal(found.since.txHash, rotated);
    assert.match(found.note ?? '', /rotations the old key signed/);

    assert.deepEqual(await inPage('revoke', 'first'), { code: 'NOT_CURRENT_KEY' });
    const revoked = await inPage('revoke', 'second');
    assertTxHash(revoked);
    const history = await keyHistory(at, account, 0n);
    assert.deepEqual(
      history.map((event) => [event.event, event.fingerprint, event.txHash]),
      [
        ['registered', first.id, published],
        ['rotated', second.id, rotated],
        ['revoked', second.id, revoked],
      ],
    );
    assert.equal(await chain.balanceOf(account), 0n, 'the account still holds nothing');
  });
});
