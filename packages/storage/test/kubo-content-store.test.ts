/**
 * What only the Kubo adapter must prove: bounded calls against a daemon that hangs, checked
 * blocks from a daemon that lies, bad URLs refused at start-up, and a test daemon that is
 * really isolated. The hanging and lying daemons are plain TCP/HTTP servers on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cidForSmallBytes } from '@anchorpost/protocol';
import { connectKubo } from '../src/kubo/kubo-content-store.ts';
import { StorageError } from '@anchorpost/storage-port';
import type { StorageErrorCode } from '@anchorpost/storage-port';
import { kuboBinaryForTests, startKuboDaemon } from '../src/testing/kubo-daemon.ts';
import type { KuboDaemon } from '../src/testing/kubo-daemon.ts';

function isCode(code: StorageErrorCode, retryable: boolean): (error: unknown) => boolean {
  return (error) => error instanceof StorageError && error.code === code && error.retryable === retryable;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('KuboContentStore against a daemon that never answers', () => {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    // Accept, read, never reply.
    sockets.add(socket);
    socket.resume();
  });
  let url: string;

  before(async () => {
    url = await listen(server);
  });

  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up with TIMEOUT (retryable) at the time limit', async () => {
    const store = connectKubo({ url, timeoutMs: 300 });
    const cid = cidForSmallBytes(randomBytes(10));
    const started = performance.now();
    await assert.rejects(store.getFile(cid, { maxBytes: 10 }), isCode('TIMEOUT', true));
    const took = performance.now() - started;
    assert.ok(took >= 250 && took < 2_000, `took ${took} ms for a 300 ms limit`);
    await assert.rejects(store.addFile(randomBytes(10), { timeoutMs: 200 }), isCode('TIMEOUT', true));
    await assert.rejects(store.getBlock(cid), isCode('TIMEOUT', true));
    assert.equal((await store.health()).ok, false);
    await store.close();
  });
});

describe('KuboContentStore against a daemon that sends wrong bytes', () => {
  const server = createHttpServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(randomBytes(64));
  });
  let url: string;

  before(async () => {
    url = await listen(server);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a block that does not hash to its CID, and a file that does not import to it', async () => {
    const store = connectKubo({ url });
    const cid = cidForSmallBytes(randomBytes(64));
    await assert.rejects(store.getBlock(cid), isCode('CID_MISMATCH', false));
    await assert.rejects(store.getFile(cid, { maxBytes: 100 }), isCode('CID_MISMATCH', false));
    await store.close();
  });
});

describe('KuboContentStore against a daemon that is stopping', () => {
  // What Kubo 0.3x answers while it closes its repository (seen under the chaos suite's Kubo stop).
  let message = 'cannot access config, repo not open';
  const server = createHttpServer((request, response) => {
    request.resume();
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ Message: message, Code: 0, Type: 'error' }));
  });
  let url: string;

  before(async () => {
    url = await listen(server);
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers UNAVAILABLE (retryable): the same add succeeds on the daemon that comes back', async () => {
    const store = connectKubo({ url });
    await assert.rejects(store.addFile(randomBytes(10)), isCode('UNAVAILABLE', true));
    message = 'the daemon is shutting down';
    await assert.rejects(store.addFile(randomBytes(10)), isCode('UNAVAILABLE', true));
    await store.close();
  });

  it('still answers INTERNAL (not retryable) for a failure that waiting does not cure', async () => {
    message = 'merkledag: invalid node';
    const store = connectKubo({ url });
    await assert.rejects(store.addFile(randomBytes(10)), isCode('INTERNAL', false));
    await store.close();
  });
});

describe('connectKubo configuration', () => {
  it('refuses a URL that is not http(s) (BAD_CONFIG)', () => {
    for (const url of ['not a url', 'ftp://127.0.0.1:5001', '/ip4/127.0.0.1/tcp/5001']) {
      assert.throws(() => connectKubo({ url }), isCode('BAD_CONFIG', false), url);
    }
  });

  it('refuses a time limit that is not a positive integer', () => {
    assert.throws(() => connectKubo({ url: 'http://127.0.0.1:5001', timeoutMs: 0 }), RangeError);
  });
});

const kubo = kuboBinaryForTests();

describe('startKuboDaemon', { skip: 'skip' in kubo ? kubo.skip : false }, () => {
  let daemon: KuboDaemon;

  before(async () => {
    if ('binary' in kubo) daemon = await startKuboDaemon({ binary: kubo.binary });
  });

  after(async () => {
    await daemon.dispose();
  });

  it('serves the API and gateway on 127.0.0.1 only, with no swarm and no peers', async () => {
    assert.match(daemon.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(daemon.gatewayUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const store = connectKubo({ url: daemon.url });
    assert.match((await store.health()).detail, /^kubo 0\.39\.0 /);
    const response = await fetch(`${daemon.url}/api/v0/id`, { method: 'POST' });
    const id = (await response.json()) as { Addresses: string[] | null };
    assert.deepEqual(id.Addresses ?? [], [], 'no swarm addresses');
    await store.close();
  });

  it('restarts on the same URL with the data kept', async () => {
    const store = connectKubo({ url: daemon.url });
    const cid = await store.addFile(randomBytes(500), { pin: true });
    const url = daemon.url;
    await daemon.stop();
    assert.equal(daemon.running, false);
    await daemon.start();
    assert.equal(daemon.url, url);
    assert.equal((await store.getFile(cid, { maxBytes: 500 })).byteLength, 500);
    await store.close();
  });
});
