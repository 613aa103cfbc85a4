/**
 * A TCP pass-through to a real server that a test can close and open again: while closed it
 * drops every connection and refuses new ones, as a database that went away does.
 */
import { createServer, connect } from 'node:net';
import type { Server, Socket } from 'node:net';
import { once } from 'node:events';

export interface TcpGate {
  /** `host:port` to connect to instead of the target. */
  readonly address: string;
  close(): Promise<void>;
  open(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpGate(targetHost: string, targetPort: number): Promise<TcpGate> {
  const sockets = new Set<Socket>();
  let port = 0;
  let server: Server | undefined;
  const listen = async (): Promise<void> => {
    const next = createServer((client) => {
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    next.listen(port, '127.0.0.1');
    await once(next, 'listening');
    port = (next.address() as { port: number }).port;
    server = next;
  };
  const close = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    const closed = new Promise<void>((resolve) =>
      current.close(() => {
        resolve();
      }),
    );
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  await listen();
  return {
    address: `127.0.0.1:${port}`,
    close,
    open: async () => {
      if (server === undefined) await listen();
    },
    stop: close,
  };
}
