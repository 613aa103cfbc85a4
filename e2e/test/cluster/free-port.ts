// Free TCP ports on 127.0.0.1, asked of the OS, for servers that must keep their port across a
// restart (so clients configured with it find them again).
import { createServer } from 'node:net';

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(undefined);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : undefined);
      });
    });
  });
}

export async function freePort(): Promise<number> {
  const port = await listenOnce(0);
  if (port === undefined) throw new Error('no free TCP port on 127.0.0.1');
  return port;
}

/** A port p with p + 1 free too (Kafka's client and controller listeners). */
export async function freePortPair(): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = await freePort();
    if (port < 65_535 && (await listenOnce(port + 1)) !== undefined) return port;
  }
  throw new Error('no two adjacent free TCP ports on 127.0.0.1');
}
