/**
 * One `Subscribe` call of the relay's gRPC service, as the events of ./subscription-loop.ts (which
 * resumes it across reconnects, as it does SSE streams).
 *
 * The relay's protocol (services/relay, docs/api.md): a refusal comes before anything else as the
 * call's status; once the stream is live its response headers carry the start cursor
 * (`anchorpost-cursor`); files follow, read only as fast as the caller takes them (grpc-js reads
 * no more from HTTP/2 while its buffer is full); the stream never ends by itself. A relay shutting
 * down ends it UNAVAILABLE, a reader that did not take a file within the relay's drain timeout is
 * dropped RESOURCE_EXHAUSTED `SUBSCRIBER_TOO_SLOW` with the cursor to resume from in the
 * `anchorpost-cursor` trailer (after the files already sent), or, if it did not take even that,
 * its stream is reset (CANCELLED). Each of those can pass; PERMISSION_DENIED (`NOT_ENTITLED`),
 * UNAUTHENTICATED and the other refusals cannot.
 */
import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import {
  callError,
  signedReceipt,
  trailer,
  type Grpc,
  type ReceiptMessage,
  type RelayMethod,
} from './relay-grpc-calls.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { Dropped, type StreamEvent } from './subscription-loop.ts';

export const CURSOR_METADATA = 'anchorpost-cursor';

/** A file as the loader decodes a SubscribeResponse. */
interface SubscribeResponse {
  cid: string;
  txFile: Buffer;
  receipt: ReceiptMessage | null;
  cursor: string;
  origin?: string | undefined;
}

export interface GrpcSubscribeCall {
  readonly grpc: Grpc;
  readonly client: import('@grpc/grpc-js').Client;
  readonly method: RelayMethod;
  readonly apiKey: string;
  readonly recipient: string;
}

/** What one call says: its headers, each message, and how it ended (its status, once read to the end). */
type CallEvent =
  | { readonly kind: 'headers'; readonly metadata: Metadata }
  | { readonly kind: 'message'; readonly message: SubscribeResponse };

/** The call's headers and messages as the caller takes them; throws its failure once all are read. */
async function* callEvents(call: ClientReadableStream<object>): AsyncGenerator<CallEvent> {
  // Set by the call's events (the generator reads them between its waits).
  const seen: { headers?: Metadata; failure?: ServiceError; ended: boolean } = { ended: false };
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  call.on('metadata', (metadata: Metadata) => {
    seen.headers = metadata;
    notify();
  });
  // grpc-js ends the stream, then emits the status as an error: the messages sent before it are
  // still in the buffer, and are all read before the failure is thrown.
  call.on('error', (error: ServiceError) => {
    seen.failure = error;
    notify();
  });
  call.on('end', () => {
    seen.ended = true;
    notify();
  });
  call.on('readable', notify);
  for (;;) {
    if (seen.headers !== undefined) {
      const { headers } = seen;
      delete seen.headers;
      yield { kind: 'headers', metadata: headers };
      continue;
    }
    const message = call.read() as SubscribeResponse | null;
    if (message !== null) {
      yield { kind: 'message', message };
      continue;
    }
    // The buffer is empty: after a status (or the end) no message can come.
    if (seen.failure !== undefined) throw seen.failure;
    if (seen.ended) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
}

function deliveredFile(message: SubscribeResponse): StreamEvent {
  if (message.receipt === null || message.cid === '' || message.cursor === '') {
    throw new SdkError(SdkErrorCode.BadResponse, 'Subscribe sent a file without cid, cursor or receipt');
  }
  return {
    type: 'file',
    file: {
      cid: message.cid,
      cursor: message.cursor,
      bytes: new Uint8Array(message.txFile),
      receipt: signedReceipt(message.receipt),
      ...(message.origin === undefined || message.origin === '' ? {} : { origin: message.origin }),
    },
  };
}

/** The failure of a call the caller did not cancel, as the loop takes it. */
function streamFailure(grpc: Grpc, error: ServiceError): Error {
  const { status } = grpc;
  if (
    error.code === status.RESOURCE_EXHAUSTED &&
    trailer(error, 'anchorpost-error-code') === 'SUBSCRIBER_TOO_SLOW'
  ) {
    // The files sent before the status were all read: its cursor is the last one's.
    return new Dropped(`Subscribe: RESOURCE_EXHAUSTED SUBSCRIBER_TOO_SLOW: ${error.details}`, {
      resumeFrom: trailer(error, CURSOR_METADATA),
    });
  }
  // The relay reset a stream it had dropped, or went away mid-call: like HTTP's 5xx, these pass.
  const passing = [
    status.UNAVAILABLE,
    status.DEADLINE_EXCEEDED,
    status.RESOURCE_EXHAUSTED,
    status.CANCELLED,
    status.ABORTED,
    status.INTERNAL,
    status.UNKNOWN,
  ];
  return callError(grpc, error, 'Subscribe', passing);
}

/** One Subscribe call after `cursor`, as the loop's events; cancelled when `signal` aborts. */
export async function* grpcSubscribeStream(
  { grpc, client, method, apiKey, recipient }: GrpcSubscribeCall,
  cursor: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<StreamEvent> {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  const request = { recipientHash: recipient, ...(cursor === undefined ? {} : { cursor }) };
  const call = client.makeServerStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    request,
    metadata,
    {},
  );
  const cancel = () => {
    call.cancel();
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    for await (const event of callEvents(call)) {
      if (event.kind === 'headers') {
        const [start] = event.metadata.get(CURSOR_METADATA);
        yield { type: 'open' };
        yield { type: 'ready', cursor: typeof start === 'string' ? start : undefined };
      } else {
        yield deliveredFile(event.message);
      }
    }
  } catch (error) {
    if (signal.aborted || !isServiceError(error)) throw error;
    throw streamFailure(grpc, error);
  } finally {
    signal.removeEventListener('abort', cancel);
    // Leaving early (the caller stopped, a bad file): the call is not left open.
    call.cancel();
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error
  );
}
