/**
 * What a relay subscription is over any transport (SSE in ./relay-subscription.ts, gRPC in
 * ./relay-grpc-subscription.ts): the cursor bookkeeping, each file's bytes checked against its CID,
 * and reconnecting with a capped, doubling back-off. A transport only opens one stream from a
 * cursor and says what comes on it.
 *
 * The cursor moves to a stream's start when the relay names one (so a stream cut before its first
 * file resumes where it started) and to a file's own only once the caller has taken that file, so
 * across reconnects no file is skipped and none is yielded twice. The first stream must open (a
 * wrong address or key fails at once); once one has, a failure that can pass is retried until the
 * signal aborts, a refusal that cannot (an SdkError other than UNAVAILABLE) ends the iteration with
 * it. Portable: WebCrypto, no Node built-in.
 */
import { cidForBytesWeb } from '@anchorpost/protocol/portable';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export interface ResumableSubscriptionOptions {
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

/** What one stream says, in order: it is open, it is live (from a start cursor), then files. */
export type StreamEvent =
  | { readonly type: 'open' }
  | { readonly type: 'ready'; readonly cursor: string | undefined }
  /** A file as the relay sent it, its bytes not yet checked. */
  | { readonly type: 'file'; readonly file: DeliveredTxFile };

/** Thrown inside one stream when it should be retried (dropped, or a retryable answer). */
export class Dropped extends Error {
  override readonly name = 'Dropped';
  /** Where the relay says to resume (taken only by a subscription that has no cursor yet). */
  readonly resumeFrom: string | undefined;

  constructor(message: string, options?: { resumeFrom?: string | undefined }) {
    super(message);
    this.resumeFrom = options?.resumeFrom;
  }
}

/** Opens one stream after `cursor`; `everOpen`: whether a stream of this subscription ever opened. */
export type OpenStream = (
  cursor: string | undefined,
  signal: AbortSignal,
  everOpen: boolean,
) => AsyncIterable<StreamEvent>;

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

/** The file, refused (CID_MISMATCH) unless its bytes are its CID's: a mismatch is a broken relay. */
async function checked(file: DeliveredTxFile): Promise<DeliveredTxFile> {
  const cid = await cidForBytesWeb(file.bytes);
  if (cid !== file.cid) {
    throw new SdkError(SdkErrorCode.CidMismatch, `the relay sent ${file.cid} but the bytes are ${cid}`, {
      field: 'cid',
    });
  }
  return file;
}

/** Whether a stream's failure can pass: a drop, or (once a stream was open) UNAVAILABLE or no answer. */
function canPass(error: unknown, everOpen: boolean): boolean {
  if (error instanceof Dropped) return true;
  if (!everOpen) return false;
  return !(error instanceof SdkError) || error.code === SdkErrorCode.Unavailable;
}

/** The files of the streams `open` opens, in the relay's order, each exactly once across reconnects. */
export async function* resumableSubscription(
  options: ResumableSubscriptionOptions,
  open: OpenStream,
): AsyncGenerator<DeliveredTxFile, void, undefined> {
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
  const state = { everOpen: false, attempt: 0 };
  const stopped = () => signal.aborted;
  try {
    while (!signal.aborted) {
      try {
        for await (const event of open(cursor, signal, state.everOpen)) {
          if (event.type === 'open') {
            state.everOpen = true;
          } else if (event.type === 'ready') {
            if (event.cursor !== undefined && event.cursor !== '') cursor = event.cursor;
            state.attempt = 0;
            options.onReady?.(cursor);
          } else {
            const file = await checked(event.file);
            // The cursor moves only once the caller has the file: a file is never skipped.
            yield file;
            cursor = file.cursor;
          }
        }
        throw new Dropped('the relay closed the stream');
      } catch (error) {
        if (stopped()) return;
        if (!canPass(error, state.everOpen)) throw error;
        // Our own cursor is the last file the caller took: the relay's word cannot move it.
        if (error instanceof Dropped && cursor === undefined) cursor = error.resumeFrom;
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
