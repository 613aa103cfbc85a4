// Subscribers that never read, as the relay sees a stalled or hostile client: an HTTP/1.1 socket
// that sends its request and then stops reading (the kernel's buffers fill, then the relay's
// writes wait), and an HTTP/2 client whose streams announce a zero receive window (the relay may
// send no DATA at all). Both are test doubles of clients, nothing else.
import { connect as connectHttp2, constants, type ClientHttp2Session } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';

export interface StalledClient {
  /** Whether the relay closed or reset the connection or stream (as far as the client has read). */
  readonly closed: boolean;
  /** The response headers, or trailers, seen so far (gRPC: `grpc-status`, `anchorpost-cursor`). */
  readonly headers: Record<string, string>;
  close(): void;
}

/** An SSE subscription whose socket is never read after the request is sent. */
export async function stalledSseClient(
  http: string,
  path: string,
  apiKey: string,
): Promise<StalledClient & { readAll(): Promise<string> }> {
  const url = new URL(http);
  const socket: Socket = connectTcp({ host: url.hostname, port: Number(url.port) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve).once('error', reject);
  });
  let closed = false;
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => {
    closed = true;
  });
  socket.write(
    `GET ${path} HTTP/1.1\r\nhost: ${url.host}\r\naccept: text/event-stream\r\nauthorization: Bearer ${apiKey}\r\n\r\n`,
  );
  socket.pause();
  return {
    get closed() {
      return closed;
    },
    headers: {},
    close() {
      socket.destroy();
    },
    readAll() {
      let text = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
      });
      socket.resume();
      return new Promise<string>((resolve, reject) => {
        const late = setTimeout(() => {
          reject(new Error('the relay did not end the stream'));
        }, 15_000);
        socket.once('close', () => {
          clearTimeout(late);
          resolve(text);
        });
      });
    },
  };
}

/** A gRPC message frame: not compressed, 4-byte big-endian length. */
function grpcFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.length);
  new DataView(frame.buffer).setUint32(1, message.length);
  frame.set(message, 5);
  return frame;
}

/** `SubscribeRequest { recipient_hash = 1; cursor = 2 }`, encoded by hand (two string fields). */
export function subscribeRequest(recipientHash: string, cursor?: string): Uint8Array {
  const field = (tag: number, text: string): number[] => {
    const bytes = [...new TextEncoder().encode(text)];
    const length: number[] = [];
    for (let n = bytes.length; ; n >>>= 7) {
      if (n < 0x80) {
        length.push(n);
        break;
      }
      length.push((n & 0x7f) | 0x80);
    }
    return [(tag << 3) | 2, ...length, ...bytes];
  };
  return new Uint8Array([...field(1, recipientHash), ...(cursor === undefined ? [] : field(2, cursor))]);
}

/**
 * A Subscribe call over HTTP/2 with a zero initial window: the relay can send headers and the
 * status but no message until the window opens, which it never does.
 */
export async function stalledGrpcClient(
  grpc: string,
  apiKey: string,
  recipientHash: string,
  cursor?: string,
): Promise<
  StalledClient & {
    session: ClientHttp2Session;
    /** Starts reading (the window opens only if the session's settings allow it). */
    resume(): void;
    /** What the stream's DATA frames carried so far, as latin1 text. */
    received(): string;
  }
> {
  const session = connectHttp2(`http://${grpc}`, { settings: { initialWindowSize: 0 } });
  session.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    session
      .once('connect', () => {
        resolve();
      })
      .once('error', reject);
  });
  const stream = session.request({
    [constants.HTTP2_HEADER_METHOD]: 'POST',
    [constants.HTTP2_HEADER_PATH]: '/anchorpost.relay.v1.RelayService/Subscribe',
    'content-type': 'application/grpc',
    te: 'trailers',
    authorization: `Bearer ${apiKey}`,
  });
  const headers: Record<string, string> = {};
  let closed = false;
  const keep = (incoming: Record<string, unknown>): void => {
    for (const [name, value] of Object.entries(incoming)) headers[name] = String(value);
  };
  stream.on('response', keep);
  stream.on('trailers', keep);
  stream.on('close', () => {
    closed = true;
  });
  stream.on('error', () => {
    closed = true;
  });
  stream.end(grpcFrame(subscribeRequest(recipientHash, cursor)));
  stream.pause();
  let received = '';
  return {
    session,
    resume() {
      stream.on('data', (chunk: Buffer) => {
        received += chunk.toString('latin1');
      });
      stream.resume();
    },
    received: () => received,
    get closed() {
      return closed;
    },
    headers,
    close() {
      session.destroy();
    },
  };
}
