/**
 * A relay's stream of the tx-files for one recipient (`GET /v1/subscriptions/{recipient}`, SSE), as
 * an async iterator that resumes where it left off.
 *
 * The cursor of the last event seen (the `ready` event's start, then each file's) is sent back as
 * `Last-Event-ID` and `?cursor=` on every reconnect, and the relay resumes right after it, so a
 * dropped connection neither loses nor repeats a file. The first connection must succeed (a wrong
 * URL or key fails at once); after that, drops are retried with a capped exponential back-off until
 * the signal aborts. The stream is read only as fast as the caller takes files (back-pressure
 * reaches the relay through the connection). Portable: `fetch`, WebCrypto, no Node built-in.
 */
import { cidForBytesWeb, fromBase64 } from '@anchorpost/protocol/portable';
import { baseUrl, isRecord, refusalOf, send } from './api-refusal.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { readSse } from './sse.ts';

export interface SubscribeOptions {
  /** The relay's base URL. */
  readonly relay: string;
  /** An API key with the `subscribe` scope. */
  readonly apiKey: string;
  /** The group's recipient hash (`GroupMembership.recipient`). */
  readonly recipient: string;
  /** Resume after this cursor (a file's `cursor`, kept by the app); default the live end. */
  readonly cursor?: string | undefined;
  /** Ends the iteration (normally, no error) when aborted. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Told each time a stream is open and live, with its start cursor: files sent from now on will
   * come (an app may send, or show "connected", once it is called).
   */
  readonly onReady?: ((cursor: string | undefined) => void) | undefined;
  /** Told of each reconnect: why, and after how long. */
  readonly onReconnect?: ((reason: string, delayMs: number) => void) | undefined;
  /** Back-off of reconnects: first and largest delay; default 250 ms and 10 s. */
  readonly retryMs?: { readonly first: number; readonly max: number } | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/** One file of the stream, its bytes checked against its CID. */
export interface DeliveredTxFile {
  readonly cid: string;
  /** Where to resume after this file: keep it, and pass it as `cursor` next time. */
  readonly cursor: string;
  readonly bytes: Uint8Array;
  /** The relay's receipt of the file, as it sent it. */
  readonly receipt: unknown;
  /** The platform the file came from, when another one anchored it. */
  readonly origin?: string | undefined;
}

/** Thrown inside one connection when it should be retried (dropped, or a retryable answer). */
class Dropped extends Error {
  override readonly name = 'Dropped';
}

function txFileEvent(data: string): {
  cid: string;
  cursor: string;
  txFile: string;
  receipt: unknown;
  origin?: string;
} {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new SdkError(SdkErrorCode.BadResponse, 'a tx-file event whose data is not JSON');
  }
  if (
    !isRecord(value) ||
    typeof value.cid !== 'string' ||
    typeof value.cursor !== 'string' ||
    typeof value.txFile !== 'string'
  ) {
    throw new SdkError(SdkErrorCode.BadResponse, 'a tx-file event without cid, cursor and txFile');
  }
  const origin = typeof value.origin === 'string' ? value.origin : undefined;
  return {
    cid: value.cid,
    cursor: value.cursor,
    txFile: value.txFile,
    receipt: value.receipt,
    ...(origin ? { origin } : {}),
  };
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The tx-files sent to `recipient`, in the relay's order, each exactly once across reconnects. */
export async function* subscribeTxFiles(
  options: SubscribeOptions,
): AsyncGenerator<DeliveredTxFile, void, undefined> {
  const base = `${baseUrl(options.relay, 'the relay URL')}/v1/subscriptions/${encodeURIComponent(options.recipient)}`;
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  const first = options.retryMs?.first ?? 250;
  const max = options.retryMs?.max ?? 10_000;
  // Our own controller: ending the iteration early (break, return) closes the open stream.
  const controller = new AbortController();
  const { signal } = controller;
  const stop = () => {
    controller.abort();
  };
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted === true) controller.abort();
  let cursor = options.cursor;
  // Whether a stream was ever open (only then are failures retried), and the back-off step.
  const state = { connected: false, attempt: 0 };
  const stopped = () => signal.aborted;

  async function open(): Promise<ReadableStream<Uint8Array>> {
    const url = new URL(base);
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      authorization: `Bearer ${options.apiKey}`,
    };
    if (cursor !== undefined) {
      url.searchParams.set('cursor', cursor);
      headers['last-event-id'] = cursor;
    }
    const response = await send(fetcher, 'subscribe', url.href, { headers, signal });
    if (!response.ok) {
      const error = await refusalOf('subscribe', response);
      // 5xx (a relay shutting down...) can pass once a stream was open; a 4xx is the request's fault.
      if (response.status >= 500 && state.connected) throw new Dropped(error.message);
      throw error;
    }
    if (response.body === null) throw new Dropped('an answer without a body');
    state.connected = true;
    return response.body;
  }

  try {
    while (!signal.aborted) {
      try {
        const body = await open();
        for await (const event of readSse(body)) {
          if (event.event === 'ready') {
            if (event.id !== undefined && event.id !== '') cursor = event.id;
            state.attempt = 0;
            options.onReady?.(cursor);
          } else if (event.event === 'tx-file') {
            const file = txFileEvent(event.data);
            const bytes = fromBase64(file.txFile);
            // The CID is over the bytes: a mismatch is a broken relay.
            const cid = await cidForBytesWeb(bytes);
            if (cid !== file.cid) {
              throw new SdkError(
                SdkErrorCode.CidMismatch,
                `the relay sent ${file.cid} but the bytes are ${cid}`,
                {
                  field: 'cid',
                },
              );
            }
            // The cursor moves only once the caller has the file: a file is never skipped.
            yield { ...file, bytes };
            cursor = file.cursor;
          } else if (event.event === 'error') {
            throw new Dropped(`the relay reported: ${event.data}`);
          }
        }
        throw new Dropped('the relay closed the stream');
      } catch (error) {
        if (stopped()) return;
        const unavailable = error instanceof SdkError && error.code === SdkErrorCode.Unavailable;
        const retry =
          error instanceof Dropped || (state.connected && (unavailable || !(error instanceof SdkError)));
        if (!retry) throw error;
        const delay = Math.min(max, first * 2 ** state.attempt);
        state.attempt += 1;
        options.onReconnect?.((error as Error).message, delay);
        await pause(delay, signal);
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    controller.abort();
  }
}
