/**
 * In-app voting, one contract (./voting-contract.ts) run twice against the same platform double
 * (the proof API double over PostgreSQL and anvil, a relay double): in Node with `@anchorpost/sdk`,
 * and in headless Chromium with `@anchorpost/sdk/browser-voting` bundled from source, every
 * proof verified in the page against anvil. The Chromium half is skipped without Chromium unless
 * required (./browser/chromium.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { parsePrivateKeyFile } from '@anchorpost/protocol';
import { castVote, closeVoting, joinGroup, newVoting, tallyVoting } from '../src/index.ts';
import { chromiumSkip, launchChromium } from './browser/chromium.ts';
import { startProofStage, type ProofStage } from './proof-api-double.ts';
import { relayDouble, votingContract, type VotingStage } from './voting-contract.ts';
import { votingRuntime, type VotingRuntime } from './voting-runtime.ts';

let proofs: ProofStage;
let server: Server;
let stage: VotingStage;

/** /v1/* to the proof API double, /rpc to anvil, /relay/* to the relay double; else an empty page. */
async function serve(relay: ReturnType<typeof relayDouble>): Promise<string> {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = new Uint8Array(Buffer.concat(chunks));
      const method = request.method ?? 'GET';
      const forward = async (): Promise<{ status: number; type: string; body: Uint8Array | string }> => {
        if (path.startsWith('/relay/')) {
          const answer = await relay.answer(method, path.slice('/relay'.length), body);
          return {
            ...answer,
            type: typeof answer.body === 'string' ? 'application/json' : 'application/yaml',
          };
        }
        const target = path.startsWith('/v1/')
          ? `${proofs.api}${path}`
          : path === '/rpc'
            ? proofs.fixture.rpcUrl
            : '';
        if (target === '')
          return { status: 200, type: 'text/html', body: '<!doctype html><title>vote</title>' };
        const headers = { 'content-type': request.headers['content-type'] ?? 'application/json' };
        const answer = await fetch(target, { method, headers, ...(method === 'POST' ? { body } : {}) });
        const type = answer.headers.get('content-type') ?? 'application/json';
        return { status: answer.status, type, body: new Uint8Array(await answer.arrayBuffer()) };
      };
      forward().then(
        (answer) => response.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body),
        (error: unknown) => response.writeHead(502).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('in-app voting: one contract, in Node and in Chromium', { timeout: 300_000 }, () => {
  before(async () => {
    proofs = await startProofStage();
    const relay = relayDouble();
    stage = { proofs, relay, origin: await serve(relay) };
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await proofs.close();
  });

  it('in Node, with @anchorpost/sdk', async () => {
    const runtime = votingRuntime({
      readKey: (file) => Promise.resolve(parsePrivateKeyFile(file)),
      join: (bundle, identity) => Promise.resolve(joinGroup(bundle, identity)),
      newVoting,
      castVote,
      tallyVoting,
      closeVoting,
    });
    await votingContract(runtime, stage);
  });

  it('in Chromium, with @anchorpost/sdk/browser-voting', { skip: chromiumSkip }, async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      await page.goto(`${stage.origin}/`);
      const bundle = await build({
        entryPoints: [fileURLToPath(new URL('browser/voting-harness.ts', import.meta.url))],
        bundle: true,
        format: 'iife',
        globalName: 'VotingHarness',
        platform: 'browser',
        write: false,
        logLevel: 'silent',
      });
      await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
      // Each step of the runtime, run in the page.
      const inPage = new Proxy({} as VotingRuntime, {
        get:
          (_, step: string) =>
          (...args: unknown[]) =>
            page.evaluate(
              ([name, stepArgs]) => {
                const runtime = (
                  globalThis as unknown as {
                    VotingHarness: { runtime: Record<string, (...a: unknown[]) => unknown> };
                  }
                ).VotingHarness.runtime;
                return runtime[name]!(...stepArgs);
              },
              [step, args] as [string, unknown[]],
            ),
      });
      await votingContract(inPage, stage);
    } finally {
      await browser?.close();
    }
  });
});
