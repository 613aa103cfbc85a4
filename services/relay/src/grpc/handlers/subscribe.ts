/**
 * Subscribe: the relay's deliveries for a recipient the caller's tenant is entitled to (checked
 * before the cursor, so history is under the same rule), written as the reader takes them. Once
 * the stream is live its response headers carry the start cursor (`anchorpost-cursor`, as SSE's
 * `ready` event does): a client that subscribed at the live end and is cut off before its first
 * file resumes from it, missing nothing. The
 * relay's stream ends only when aborted: by the client going away, or by the server closing
 * (UNAVAILABLE, retryable, so clients reconnect elsewhere with their last cursor). A client that
 * does not take a message within the drain timeout is dropped: RESOURCE_EXHAUSTED
 * (SUBSCRIBER_TOO_SLOW) with the cursor to resume from in the `anchorpost-cursor` trailer, and,
 * if it does not take even that, its HTTP/2 stream is reset. Past the process's stream limit a
 * call is refused with RESOURCE_EXHAUSTED (TOO_MANY_STREAMS) before anything is read.
 */
import { Metadata, status } from '@grpc/grpc-js';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import { transportError } from '../grpc-error.ts';
import { writtenWithin } from '../grpc-call.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import type { OpenSubscriptions } from '../open-subscriptions.ts';
import { subscribeResponse } from '../relay-messages.ts';
import { checkCursor, checkRecipientHash } from '../../request-fields.ts';
import { CURSOR_TRAILER, dropSlowSubscriber } from './slow-subscriber.ts';

export function subscribeHandler(
  calls: GrpcCalls,
  subscriptions: OpenSubscriptions,
): RelayServiceHandlers['Subscribe'] {
  const { relay, authenticate, checkEntitled, serve, failed, streams, openStream } = calls;
  return (call) => {
    serve('Subscribe', call.metadata, async () => {
      const controller = subscriptions.open();
      const { signal } = controller;
      const stop = (): void => {
        controller.abort();
      };
      call.on('cancelled', stop);
      call.on('close', stop);
      let permit: { release(): void } | undefined;
      let tenantStream: Awaited<ReturnType<typeof openStream>> | undefined;
      try {
        // Callers first, then fields, in HTTP's order: a stranger learns nothing from a refusal.
        const caller = await authenticate(call.metadata, 'subscribe');
        const { recipientHash, cursor } = call.request;
        checkRecipientHash(recipientHash, 'recipient_hash');
        checkCursor(cursor, 'cursor');
        await checkEntitled(caller.tenantId, recipientHash);
        let resumeFrom = await relay.subscriptionStart(
          recipientHash,
          cursor === undefined || cursor === '' ? undefined : cursor,
        );
        permit = streams.admission.admit(caller);
        tenantStream = await openStream(caller.tenantId);
        const headers = new Metadata();
        headers.set(CURSOR_TRAILER, resumeFrom);
        call.sendMetadata(headers);
        for await (const delivered of relay.subscribe(recipientHash, { cursor: resumeFrom, signal })) {
          if (signal.aborted) break;
          // Once queued, the message goes out before any status: a client that gets the
          // status got this message too, so its cursor is where it resumes.
          resumeFrom = delivered.cursor;
          if (!(await writtenWithin(call, subscribeResponse(delivered), signal, streams.drainTimeoutMs))) {
            return dropSlowSubscriber(call, resumeFrom, calls);
          }
          tenantStream.delivered();
        }
        if (call.cancelled) return status.CANCELLED;
        const answer = transportError(status.UNAVAILABLE, 'UNAVAILABLE', 'the relay is shutting down', true);
        call.emit('error', answer);
        return answer.code;
      } catch (error) {
        if (call.cancelled) return status.CANCELLED;
        const answer = failed(error);
        call.emit('error', answer);
        return answer.code;
      } finally {
        void tenantStream?.close();
        permit?.release();
        subscriptions.close(controller);
      }
    });
  };
}
