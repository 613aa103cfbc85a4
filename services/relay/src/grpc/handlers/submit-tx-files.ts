/**
 * SubmitTxFiles: one file at a time, each answered before the next is read. grpc-js reads a
 * message only when the stream asks for one, so at most the stream's high-water mark (16 messages)
 * waits unread, and a reader that does not take the results pauses us at `drain`. A refused file
 * is answered in its own response; only a transport failure ends the stream.
 */
import { status } from '@grpc/grpc-js';
import { unauthenticated } from '@anchorpost/relay-core';
import { errorResponse, isHiddenFromCaller } from '@anchorpost/service-kit';
import type { RelayServiceHandlers } from '../../generated/anchorpost/relay/v1/RelayService.ts';
import type { SubmitTxFilesRequest__Output } from '../../generated/anchorpost/relay/v1/SubmitTxFilesRequest.ts';
import type { SubmitTxFilesResponse } from '../../generated/anchorpost/relay/v1/SubmitTxFilesResponse.ts';
import { drained } from '../grpc-call.ts';
import type { GrpcCalls } from '../grpc-call.ts';
import { receiptMessage, txFileErrorMessage } from '../relay-messages.ts';
import { checkTenantId } from '../../request-fields.ts';

export function submitTxFilesHandler({
  relay,
  logger,
  authenticate,
  serve,
  failed,
}: GrpcCalls): RelayServiceHandlers['SubmitTxFiles'] {
  /** The file's receipt, or why it was refused: a refusal is an answer, not a failure of the stream. */
  async function resultOf(
    request: SubmitTxFilesRequest__Output,
    at: number,
    requestId: string,
    tenantId: string,
  ) {
    try {
      checkTenantId(request.tenantId, 'tenant_id');
      // A file naming another tenant than the key's gets the same answer as a bad key.
      if (request.tenantId !== '' && request.tenantId !== tenantId) throw unauthenticated();
      const { receipt, duplicate } = await relay.submit(request.txFile, {
        tenantId,
        requestId: `${requestId}/${at}`,
      });
      return {
        index: String(at),
        receipt: receiptMessage(receipt),
        duplicate,
      } satisfies SubmitTxFilesResponse;
    } catch (error) {
      const response = errorResponse(error);
      const { body } = response;
      if (isHiddenFromCaller(response))
        logger.error({ err: error, index: at, code: body.error.code }, 'file failed');
      return {
        index: String(at),
        error: txFileErrorMessage(body),
        duplicate: false,
      } satisfies SubmitTxFilesResponse;
    }
  }

  return (call) => {
    serve('SubmitTxFiles', call.metadata, async (requestId) => {
      const gone = new AbortController();
      call.on('cancelled', () => {
        gone.abort();
      });
      let index = 0;
      try {
        // Once per stream, before any file is read: a stranger's stream ends at once.
        const { tenantId } = await authenticate(call.metadata, 'submit');
        for await (const request of call as AsyncIterable<SubmitTxFilesRequest__Output>) {
          const response = await resultOf(request, index, requestId, tenantId);
          index += 1;
          if (gone.signal.aborted) return status.CANCELLED;
          if (!call.write(response)) await drained(call, gone.signal);
        }
        call.end();
        return status.OK;
      } catch (error) {
        if (call.cancelled || gone.signal.aborted) return status.CANCELLED;
        const answer = failed(error);
        call.emit('error', answer);
        return answer.code;
      }
    });
  };
}
