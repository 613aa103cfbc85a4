// SseStream against a client that never reads: heartbeats are not added to a full buffer, and a
// write that does not drain within the timeout reports `slow` (the route then drops the stream).
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { SseStream } from '../src/http/sse-stream.ts';

describe('SseStream', () => {
  it('writes no heartbeat while a write waits for the client, and gives up after the drain timeout', async () => {
    let response!: ServerResponse;
    const responded = new Promise<void>((resolve) => {
      const server = createServer((_request, raw) => {
        response = raw;
        raw.writeHead(200, { 'content-type': 'text/event-stream' });
        resolve();
      });
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
          socket.pause();
        });
        cleanup = () => {
          socket.destroy();
          server.closeAllConnections();
          server.close();
        };
      });
    });
    let cleanup = (): void => undefined;
    try {
      await responded;
      let writes = 0;
      const write = response.write.bind(response) as (chunk: string) => boolean;
      response.write = ((chunk: string) => {
        writes += 1;
        return write(chunk);
      }) as typeof response.write;
      const controller = new AbortController();
      const stream = new SseStream(response, controller.signal, { heartbeatMs: 10, drainTimeoutMs: 500 });
      // More than any kernel's socket buffers take: the write waits for a client that never reads.
      const result = await stream.send(`data: ${'x'.repeat(64 * 1_048_576)}\n\n`);
      assert.equal(result, 'slow');
      assert.equal(writes, 1, 'no heartbeat was queued behind the waiting event (50 intervals passed)');
      stream.close(true);
      await sleep(50);
      assert.ok(response.destroyed, 'dropping destroys the socket and what it buffered');
    } finally {
      cleanup();
    }
  });
});
