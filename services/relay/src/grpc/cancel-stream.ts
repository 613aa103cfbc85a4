/**
 * Resets a server call's HTTP/2 stream (RST_STREAM CANCEL). grpc-js sends a status only after the
 * data queued before it, so a client that never reads (a zero receive window) would keep the
 * call's buffered messages, and the call, forever; resetting the stream drops them. grpc-js has
 * no public way to do it: the stream sits at the end of the call's interceptor chain
 * (`call.call`, then `nextCall` links, to the one holding `stream`), in grpc-js 1.14. If that
 * shape changes, this finds no stream and says so; the relay's gRPC test fails then.
 */
import { constants } from 'node:http2';

interface ResettableStream {
  close(code: number): void;
  readonly closed: boolean;
}

function isResettable(value: unknown): value is ResettableStream {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { close?: unknown }).close === 'function' &&
    'rstCode' in value
  );
}

function http2StreamOf(call: unknown): ResettableStream | null {
  let link: unknown = (call as { call?: unknown }).call;
  for (let depth = 0; depth < 16 && typeof link === 'object' && link !== null; depth++) {
    const stream = (link as { stream?: unknown }).stream;
    if (isResettable(stream)) return stream;
    link = (link as { nextCall?: unknown }).nextCall;
  }
  return null;
}

/** true if the stream was found (and reset unless already closed). */
export function cancelStream(call: unknown): boolean {
  const stream = http2StreamOf(call);
  if (stream === null) return false;
  if (!stream.closed) stream.close(constants.NGHTTP2_CANCEL);
  return true;
}
