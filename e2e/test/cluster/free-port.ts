// Free TCP ports on 127.0.0.1, for servers that must keep their port across a restart (so clients
// configured with it find them again).
//
// A port is chosen at set-up and bound only when its service starts, seconds later. Ports the OS
// hands out for listen(0) come from the same range as the source ports of outgoing connections
// (net.ipv4.ip_local_port_range), and by then the services already running have opened hundreds of
// connections (Kafka, PostgreSQL, Kubo, the chain): one of them can take the chosen port, and the
// service then exits on EADDRINUSE. So ports are picked below that range, where the OS never puts
// an outgoing connection, and never handed out twice by this process.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Used when /proc does not say: Linux's default lower bound. */
const DEFAULT_EPHEMERAL_LOW = 32_768;
/** Below the registered ports most local servers (PostgreSQL 5432, Kafka 9092, ...) use. */
const LOWEST = 20_000;
const TRIES = 200;

const handedOut = new Set<number>();

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

/** The first port of the range the OS takes outgoing connections' source ports from. */
export function ephemeralLow(rangeFile = '/proc/sys/net/ipv4/ip_local_port_range'): number {
  try {
    const low = Number(readFileSync(rangeFile, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

/** A port from LOWEST up to the ephemeral range, free now and not given out before. */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 2; // room for freePortPair's p + 1
  for (let tries = 0; tries < TRIES; tries += 1) {
    const candidate = LOWEST + Math.floor(Math.random() * (high - LOWEST));
    if (handedOut.has(candidate)) continue;
    handedOut.add(candidate); // before the await: a concurrent call cannot take it meanwhile
    if ((await listenOnce(candidate)) !== undefined) return candidate;
    handedOut.delete(candidate);
  }
  throw new Error(`no free TCP port on 127.0.0.1 from ${LOWEST} to ${high} after ${TRIES} tries`);
}

/** A port p with p + 1 free too (Kafka's client and controller listeners). */
export async function freePortPair(): Promise<number> {
  for (let tries = 0; tries < 50; tries += 1) {
    const port = await freePort();
    if (handedOut.has(port + 1)) continue;
    handedOut.add(port + 1);
    if ((await listenOnce(port + 1)) !== undefined) return port;
    handedOut.delete(port + 1);
  }
  throw new Error('no two adjacent free TCP ports on 127.0.0.1');
}
