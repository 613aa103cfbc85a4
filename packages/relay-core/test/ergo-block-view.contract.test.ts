// The ErgoBlockView contract against both adapters: the Ergo node REST adapter on the Ergo node
// test double (e2e/ergo-devnet), and the in-memory test double. Then what only the REST adapter
// can meet: HTTP errors, malformed answers, a node that never answers, a node with no full block.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import { ErgoNodeBlockView } from '../src/ergo-node-block-view.ts';
import { isRelayError } from '../src/relay-error.ts';
import { ergoBlockViewContract, MemoryErgoBlockView } from '../src/testing/index.ts';

/** A URL nothing listens on: a server's port, closed again. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

ergoBlockViewContract('ErgoNodeBlockView on the Ergo node test double', {
  async create() {
    const devnet = await startErgoDevnet();
    return {
      view: new ErgoNodeBlockView({ url: devnet.url }),
      unreachable: new ErgoNodeBlockView({ url: await closedUrl(), timeoutMs: 1_000 }),
      mine: (count) => Promise.resolve(devnet.mine(count)),
      rollback(count) {
        devnet.rollback(count);
        return Promise.resolve();
      },
      close: () => devnet.close(),
    };
  },
});

ergoBlockViewContract('MemoryErgoBlockView (test double)', {
  create() {
    const view = new MemoryErgoBlockView();
    const unreachable = new MemoryErgoBlockView(3);
    unreachable.down = true;
    return Promise.resolve({
      view,
      unreachable,
      mine: (count) => Promise.resolve(view.mine(count)),
      rollback(count) {
        view.rollback(count);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  },
});

describe('ErgoNodeBlockView: answers that are no answer', () => {
  let server: Server;
  let url: string;
  /** What the loopback node answers next, by path. */
  const answers = new Map<string, { status: number; body: string } | 'hang'>();

  before(async () => {
    server = createServer((request, response) => {
      const answer = answers.get(request.url ?? '');
      if (answer === 'hang') return; // never answers
      response.writeHead(answer?.status ?? 404, { 'content-type': 'application/json' });
      response.end(answer?.body ?? '{"error":404}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const unavailable = async (call: Promise<unknown>, message: RegExp): Promise<void> => {
    await assert.rejects(call, (error: unknown) => {
      assert.ok(isRelayError(error, 'ERGO_NODE_UNAVAILABLE'), String(error));
      assert.equal(error.retryable, true);
      assert.match(error.message, message);
      return true;
    });
  };

  it('is ERGO_NODE_UNAVAILABLE for an HTTP error, no JSON, a malformed id list, a missing fullHeight, a hang', async () => {
    const view = new ErgoNodeBlockView({ url, timeoutMs: 300 });
    answers.set('/blocks/at/7', { status: 500, body: '{}' });
    await unavailable(view.blockIdAt(7), /HTTP 500/);
    answers.set('/blocks/at/7', { status: 200, body: 'not json' });
    await unavailable(view.blockIdAt(7), /no JSON/);
    answers.set('/blocks/at/7', { status: 200, body: '["not-an-id"]' });
    await unavailable(view.blockIdAt(7), /no list of header ids/);
    answers.set('/info', { status: 200, body: '{"fullHeight":null}' });
    await unavailable(view.tipHeight(), /no fullHeight/);
    answers.set('/info', 'hang');
    await unavailable(view.tipHeight(), /timed out/);
  });

  it('reads the best chain id (the first listed) and the tip as a node answers them', async () => {
    const view = new ErgoNodeBlockView({ url: `${url}/` });
    const best = 'AB'.repeat(32);
    answers.set('/blocks/at/9', { status: 200, body: JSON.stringify([best, 'cd'.repeat(32)]) });
    assert.equal(await view.blockIdAt(9), best.toLowerCase());
    answers.set('/blocks/at/10', { status: 200, body: '[]' });
    assert.equal(await view.blockIdAt(10), undefined);
    answers.set('/info', { status: 200, body: JSON.stringify({ network: 'mainnet', fullHeight: 9 }) });
    assert.equal(await view.tipHeight(), 9);
  });

  it('refuses a URL that is no http(s) URL as BAD_CONFIG', () => {
    for (const bad of ['not a url', 'ftp://node:9053']) {
      assert.throws(
        () => new ErgoNodeBlockView({ url: bad }),
        (e: unknown) => isRelayError(e, 'BAD_CONFIG'),
      );
    }
  });
});
