/**
 * Subscribe: the relay's deliveries for a recipient the caller's tenant is entitled to (checked
 * before the cursor, so history is under the same rule), written as the reader takes them. The
 * relay's stream ends only when aborted: by the client going away, or by the server closing
 * (UNAVAILABLE, retryable, so clients reconnect elsewhere with their last cursor).
 */
import { status } from '@grpc/grpc-js';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import { transportError } from '../grpc-error.ts';
import { drained } from '../grpc-call.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import type { OpenSubscriptions } from '../open-subscriptions.ts';
import { subscribeResponse } from '../relay-messages.ts';
import { checkCursor, checkRecipientHash } from '../../request-fields.ts';

export function subscribeHandler(
  { relay, authenticate, checkEntitled, serve, failed, openStream }: GrpcCalls,
  subscriptions: OpenSubscriptions,
): RelayServiceHandlers['Subscribe'] {
  return (call) => {
    serve('Subscribe', call.metadata, async () => {
      const controller = subscriptions.open();
      const { signal } = controller;
      const stop = (): void => {
        controller.abort();
      };
      call.on('cancelled', stop);
      call.on('close', stop);
      let tenantStream: Awaited<ReturnType<typeof openStream>> | undefined;
      try {
        // Callers first, then fields, in HTTP's order: a stranger learns nothing from a refusal.
        const { tenantId } = await authenticate(call.metadata, 'subscribe');
        const { recipientHash, cursor } = call.request;
        checkRecipientHash(recipientHash, 'recipient_hash');
        checkCursor(cursor, 'cursor');
        await checkEntitled(tenantId, recipientHash);
        tenantStream = await openStream(tenantId);
        const deliveries = relay.subscribe(recipientHash, {
          ...(cursor === undefined || cursor === '' ? {} : { cursor }),
          signal,
        });
        for await (const delivered of deliveries) {
          if (signal.aborted) break;
          if (!call.write(subscribeResponse(delivered))) await drained(call, signal);
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
        subscriptions.close(controller);
      }
    });
  };
}
