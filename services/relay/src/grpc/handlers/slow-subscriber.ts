/**
 * Ends a Subscribe call whose client did not read within the drain timeout: the status
 * (RESOURCE_EXHAUSTED, SUBSCRIBER_TOO_SLOW, retryable) carries the cursor to resume from in the
 * `anchorpost-cursor` trailer. grpc-js sends it after the messages already queued, so a client
 * that reads again soon gets them and the status; one that still does not read within
 * STATUS_GRACE_MS has its HTTP/2 stream reset, which frees what was queued for it. It then
 * resumes from the cursor of the last message it received.
 */
import { status } from '@grpc/grpc-js';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { RelayErrorCode } from '@anchorpost/relay-core';
import { cancelStream } from '../cancel-stream.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { transportError } from '../grpc-error.ts';

export const CURSOR_TRAILER = 'anchorpost-cursor';

/** How long a dropped client has to take its status before its stream is reset. */
const STATUS_GRACE_MS = 2_000;

export function dropSlowSubscriber(
  call: ServerWritableStream<unknown, unknown>,
  cursor: string,
  { logger, streams }: Pick<GrpcCalls, 'logger' | 'streams'>,
): status {
  logger.warn(
    { drainTimeoutMs: streams.drainTimeoutMs, cursor },
    'subscriber did not read within the drain timeout: dropped',
  );
  streams.onDropped?.();
  const answer = transportError(
    status.RESOURCE_EXHAUSTED,
    RelayErrorCode.SubscriberTooSlow,
    'the subscriber did not read within the drain timeout; resume from the cursor in anchorpost-cursor',
    true,
  );
  answer.metadata.set(CURSOR_TRAILER, cursor);
  call.emit('error', answer);
  const timer = setTimeout(() => {
    if (!cancelStream(call)) logger.warn('could not reset a dropped subscriber’s HTTP/2 stream');
  }, STATUS_GRACE_MS);
  timer.unref();
  call.once('close', () => {
    clearTimeout(timer);
  });
  return answer.code;
}
