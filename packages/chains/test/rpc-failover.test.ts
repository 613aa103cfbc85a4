/** JsonRpcPool failover against real HTTP servers (dead, broken, slow) and a real anvil. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { AnchorState } from '../src/anchor-request.ts';
import { ChainError, ChainErrorCode } from '../src/chain-error.ts';
import { JsonRpcPool, RpcResponseError } from '../src/evm/json-rpc-pool.ts';
import { MemoryAnchorRequestStore } from '../src/memory-anchor-request-store.ts';
import { allAnchors, inState, sampleAnchorRequest, settle } from '../src/testing/contract.ts';
import { startEvmTestChain } from '../src/testing/evm-harness.ts';
import type { EvmTestChain } from '../src/testing/evm-harness.ts';

interface TestServer {
  readonly url: string;
  requests: number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<TestServer> {
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      state.requests++;
      handler(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const state: TestServer = {
    url: `http://127.0.0.1:${port}/v3/secret-api-key`,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
  servers.push(state);
  return state;
}

/** A URL where nothing listens: a port that was just free. */
async function deadUrl(): Promise<string> {
  const server = await serve(() => undefined);
  await server.close();
  return server.url;
}

/** Forwards to `target`, counting requests; close() makes it a dead endpoint. */
function proxy(target: string): Promise<TestServer> {
  return serve((req, res, body) => {
    void fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      .then(async (answer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(await answer.text());
      })
      .catch(() => res.destroy());
  });
}

describe('JsonRpcPool and RPC failover', () => {
  let t: EvmTestChain;
  before(async () => {
    t = await startEvmTestChain();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await t.close();
  });

  it('skips a dead endpoint and tries it last while it cools down', async () => {
    const dead = await deadUrl();
    const pool = new JsonRpcPool({ urls: [dead, t.anvil.rpcUrl], cooldownMs: 60_000 });
    assert.equal(Number(await pool.request<string>('eth_chainId', [])), t.anvil.chainId);
    assert.deepEqual(pool.urls, [t.anvil.rpcUrl, dead]);
  });

  it('fails over on HTTP errors, non-JSON answers, malformed JSON-RPC and timeouts', async () => {
    const http500 = await serve((_req, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    });
    const garbage = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":"wrong","result":"0x1"}');
    });
    const limited = await serve((_req, res, body) => {
      const { id } = JSON.parse(body) as { id: number };
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32005, message: 'rate limited' } }));
    });
    const slow = await serve(() => undefined); // never answers
    const pool = new JsonRpcPool({
      urls: [http500.url, garbage.url, limited.url, slow.url, t.anvil.rpcUrl],
      timeoutMs: 300,
    });
    assert.equal(Number(await pool.request<string>('eth_chainId', [])), t.anvil.chainId);
    for (const server of [http500, garbage, limited, slow]) assert.equal(server.requests, 1);
  });

  it("returns a node's JSON-RPC error as RpcResponseError without asking the next endpoint", async () => {
    const backup = await proxy(t.anvil.rpcUrl);
    const pool = new JsonRpcPool({ urls: [t.anvil.rpcUrl, backup.url] });
    await assert.rejects(pool.request('no_such_method', []), (error: unknown) => {
      assert.ok(error instanceof RpcResponseError);
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.RpcError);
      assert.equal(error.rpcCode, -32601);
      return true;
    });
    assert.equal(backup.requests, 0);
  });

  it('throws UNAVAILABLE (retryable) when no endpoint answers, without leaking URL paths', async () => {
    const pool = new JsonRpcPool({ urls: [await deadUrl(), await deadUrl()] });
    await assert.rejects(pool.request('eth_chainId', []), (error: unknown) => {
      assert.ok(error instanceof ChainError);
      assert.equal(error.code, ChainErrorCode.Unavailable);
      assert.equal(error.retryable, true);
      assert.doesNotMatch(error.message, /secret-api-key/);
      return true;
    });
  });

  it('refuses bad configuration', () => {
    for (const urls of [[], ['not a url'], ['ws://127.0.0.1:1']]) {
      assert.throws(
        () => new JsonRpcPool({ urls }),
        (error: unknown) => error instanceof ChainError && error.code === ChainErrorCode.BadConfig,
      );
    }
  });

  it('anchors and reads through EvmChain with a dead endpoint first', async () => {
    const chain = t.openWith(new MemoryAnchorRequestStore(), { rpcUrls: [await deadUrl(), t.anvil.rpcUrl] });
    await chain.anchor(sampleAnchorRequest(1));
    await settle(chain, t, inState(chain, 1, AnchorState.Confirmed));
    assert.deepEqual(
      (await allAnchors(chain)).map((a) => a.sequence),
      [1],
    );
  });

  it('keeps going on the next endpoint when the one in use dies mid-way', async () => {
    const first = await proxy(t.anvil.rpcUrl);
    const second = await proxy(t.anvil.rpcUrl);
    const chain = t.openWith(new MemoryAnchorRequestStore(), { rpcUrls: [first.url, second.url] });
    await chain.anchor(sampleAnchorRequest(2));
    await settle(chain, t, inState(chain, 2, AnchorState.Mined));
    assert.ok(first.requests > 0);
    assert.equal(second.requests, 0);
    await first.close();
    await settle(chain, t, inState(chain, 2, AnchorState.Confirmed));
    assert.notEqual(second.requests, 0);
    assert.equal((await allAnchors(chain)).filter((a) => a.sequence === 2).length, 1);
  });
});
