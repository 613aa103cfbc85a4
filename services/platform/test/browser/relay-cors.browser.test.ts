/**
 * The SDK's send and subscribe from a page in Chromium, against a real relay of another origin
 * (startRelayInstance: the relay service on embedded PostgreSQL, a file-log bus and Helia) whose
 * operator allows that page's origin (ANCHORPOST_RELAY_CORS_ORIGINS). The page makes its client
 * key, sends tx-files with the API key in `Authorization` (receipts checked against the relay's
 * key), receives them on a subscription, and resumes from a file's cursor: the files sent while it
 * was away, each once, in order. A page of an origin the operator did not allow is refused: its
 * preflight and its requests get 403 ORIGIN_NOT_ALLOWED, so the browser never lets it send.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startRelayInstance, type RelayInstance } from '@anchorpost/relay-service/testing';
import { chromiumSkip, launchChromium } from './chromium.ts';
import type { Steps } from './relay-harness.ts';

const skip = chromiumSkip();
let relay: RelayInstance;
let browser: Browser;
const servers: Server[] = [];
let allowed: Page;
let other: Page;
let apiKey: string;

async function inPage<K extends keyof Steps>(
  page: Page,
  name: K,
  ...args: Parameters<Steps[K]>
): Promise<Awaited<ReturnType<Steps[K]>>> {
  return page.evaluate(
    ([step, stepArgs]) => {
      const all = (
        globalThis as unknown as { Relay: { steps: Record<string, (...a: unknown[]) => unknown> } }
      ).Relay.steps;
      return all[step]!(...stepArgs);
    },
    [name, args] as [string, unknown[]],
  ) as Promise<Awaited<ReturnType<Steps[K]>>>;
}

/** An origin serving an empty page (127.0.0.1: a secure context, as WebCrypto needs). */
async function pageOrigin(): Promise<string> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function openPage(origin: string, harness: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.addScriptTag({ content: harness });
  return page;
}

const fromBase64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

describe(
  "the SDK's send and subscribe in Chromium against a relay of another origin",
  { skip, timeout: 240_000 },
  () => {
    let appOrigin: string;
    let otherOrigin: string;

    before(async () => {
      appOrigin = await pageOrigin();
      otherOrigin = await pageOrigin();
      browser = await launchChromium();
      const bundle = await build({
        entryPoints: [fileURLToPath(new URL('relay-harness.ts', import.meta.url))],
        bundle: true,
        format: 'iife',
        globalName: 'Relay',
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      });
      const harness = bundle.outputFiles[0]!.text;
      allowed = await openPage(appOrigin, harness);
      other = await openPage(otherOrigin, harness);
      const key = await inPage(allowed, 'start');
      relay = await startRelayInstance(
        { suite: 'modern', encryption: fromBase64(key.encryption), signing: fromBase64(key.signing) },
        { corsOrigins: appOrigin, scopes: ['submit', 'subscribe'] },
      );
      apiKey = (await readFile(relay.apiKeyFile, 'utf8')).trim();
      await inPage(allowed, 'connect', relay.url, apiKey, relay.relayKeyPem);
      await inPage(other, 'start');
      await inPage(other, 'connect', relay.url, apiKey, relay.relayKeyPem);
    });

    after(async () => {
      await browser.close();
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
      await relay.close();
    });

    it('sends with the API key, receives on a subscription, and resumes from a cursor', async () => {
      const first = await inPage(allowed, 'send', 'first');
      assert.ok(typeof first === 'object', `refused: ${JSON.stringify(first)}`);
      const live = await inPage(allowed, 'follow', 1, undefined, ['second']);
      assert.ok(Array.isArray(live), `refused: ${JSON.stringify(live)}`);
      assert.deepEqual(
        live.map((file) => file.text),
        ['second'],
      );
      // Away from the stream: two more files, then back from the last cursor kept.
      for (const text of ['third', 'fourth'])
        assert.equal(typeof (await inPage(allowed, 'send', text)), 'object');
      const resumed = await inPage(allowed, 'follow', 2, live[0]!.cursor);
      assert.ok(Array.isArray(resumed), `refused: ${JSON.stringify(resumed)}`);
      assert.deepEqual(
        resumed.map((file) => file.text),
        ['third', 'fourth'],
      );
      assert.notEqual(resumed[0]!.cid, live[0]!.cid);
    });

    it("answers the allowed origin's preflight, and refuses another origin with ORIGIN_NOT_ALLOWED", async () => {
      const preflight = (origin: string) =>
        fetch(`${relay.url}/v1/tx-files`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
      const yes = await preflight(appOrigin);
      assert.equal(yes.status, 204);
      assert.equal(yes.headers.get('access-control-allow-origin'), appOrigin);
      assert.match(yes.headers.get('access-control-allow-headers') ?? '', /authorization/);
      assert.match(yes.headers.get('access-control-allow-headers') ?? '', /last-event-id/);
      const no = await preflight(otherOrigin);
      assert.equal(no.status, 403);
      assert.equal(no.headers.get('access-control-allow-origin'), null);
      assert.equal(((await no.json()) as { error: { code: string } }).error.code, 'ORIGIN_NOT_ALLOWED');
      // Even a request a browser sends without a preflight (no custom header) is refused before its route.
      const simple = await fetch(
        `${relay.url}/v1/tx-files/bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`,
        {
          headers: { origin: otherOrigin },
        },
      );
      assert.equal(simple.status, 403);

      // In Chromium: the other origin's page cannot send, subscribe, or even read a public route.
      assert.equal(await inPage(other, 'send', 'from elsewhere', 1), 'UNAVAILABLE');
      assert.equal(await inPage(other, 'follow', 1), 'UNAVAILABLE');
      assert.equal(await inPage(other, 'rawFetch', `${relay.url}/healthz`, {}), 'blocked');
      assert.equal(await inPage(allowed, 'rawFetch', `${relay.url}/healthz`, {}), 200);
    });

    it('takes the API key only from Authorization, never from the URL', async () => {
      const recipient = 'ab'.repeat(64);
      for (const query of [
        `api_key=${apiKey}`,
        `apiKey=${apiKey}`,
        `access_token=${apiKey}`,
        `key=${apiKey}`,
      ]) {
        const answer = await fetch(`${relay.url}/v1/subscriptions/${recipient}?${query}`);
        assert.equal(answer.status, 401, query.split('=')[0]);
      }
    });
  },
);
