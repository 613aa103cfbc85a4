/**
 * The handlers of `anchorpost.relay.v1.RelayService` over a Relay. Every call gets a request id
 * (a plain `x-request-id` from the client, else a random one) carried into the relay and the logs,
 * ends with one status counted by method and code, and maps errors through the shared table.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import type {
  Metadata,
  ServerDuplexStream,
  ServerUnaryCall,
  ServerWritableStream,
  UntypedServiceImplementation,
  sendUnaryData,
} from '@grpc/grpc-js';
import type { Relay } from '@anchorpost/relay-core';
import { errorResponse, GrpcStatus, RequestError, requestContext } from '@anchorpost/service-kit';
import type { Logger } from '@anchorpost/service-kit';
import { grpcError, transportError } from './grpc-error.ts';
import type { GrpcStatusObject } from './grpc-error.ts';
import { receiptMessage, subscribeResponse, txFileErrorMessage } from './relay-messages.ts';
import type {
  GetReceiptRequest,
  GetReceiptResponse,
  SubmitTxFileRequest,
  SubmitTxFileResponse,
  SubmitTxFilesRequest,
  SubmitTxFilesResponse,
  SubscribeRequest,
  SubscribeResponse,
} from './relay-messages.ts';

/** Same rule as the HTTP side: a client's id is kept only if it is plain. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The relay calls the transport makes (a Relay; narrowed so tests can watch the calls). */
export type RelayCalls = Pick<Relay, 'submit' | 'subscribe' | 'getReceipt'>;

export interface RelayGrpcServiceOptions {
  relay: RelayCalls;
  logger: Logger;
  /** Called once per finished call with its method and final status code. */
  onCallEnd?: (method: string, code: status) => void;
}

/** What the server needs to end open streams when it shuts down. */
export interface RelayGrpcService {
  implementation: UntypedServiceImplementation;
  /** Ends every open Subscribe with UNAVAILABLE (retryable) so clients reconnect elsewhere. */
  endSubscriptions(): void;
}

function requestIdOf(metadata: Metadata): string {
  const [given] = metadata.get('x-request-id');
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

/** Waits until `stream` can take more, or the signal aborts: a slow reader never grows our buffer. */
async function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  try {
    await once(stream, 'drain', { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

export function relayGrpcService(options: RelayGrpcServiceOptions): RelayGrpcService {
  const { relay, logger } = options;
  const subscriptions = new Set<AbortController>();
  let shuttingDown = false;

  /** Runs a call under its request id and logs and counts its end. */
  function serve(method: string, metadata: Metadata, run: (requestId: string) => Promise<status>): void {
    const requestId = requestIdOf(metadata);
    const started = performance.now();
    requestContext.run({ requestId }, () => {
      const finish = (code: status): void => {
        const durationMs = Math.round(performance.now() - started);
        const fields = { method, code: status[code], durationMs };
        if (code === status.INTERNAL || code === status.UNKNOWN) logger.error(fields, 'grpc call failed');
        else logger.info(fields, 'grpc call');
        options.onCallEnd?.(method, code);
      };
      run(requestId).then(finish, (error: unknown) => {
        // The handlers answer every error themselves; this is a bug in them.
        logger.error({ method, err: error }, 'grpc handler threw');
        finish(status.INTERNAL);
      });
    });
  }

  function failed(error: unknown): GrpcStatusObject {
    const answer = grpcError(error);
    if (answer.code === status.INTERNAL) logger.error({ err: error }, 'internal error');
    return answer;
  }

  function submitTxFile(
    call: ServerUnaryCall<SubmitTxFileRequest, SubmitTxFileResponse>,
    callback: sendUnaryData<SubmitTxFileResponse>,
  ): void {
    serve('SubmitTxFile', call.metadata, async (requestId) => {
      const { tenantId, txFile } = call.request;
      try {
        const { receipt, duplicate } = await relay.submit(txFile, { tenantId, requestId });
        callback(null, { receipt: receiptMessage(receipt), duplicate });
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  }

  /**
   * One file at a time, each answered before the next is read: grpc-js reads a message only when
   * the stream asks for one, so at most the stream's high-water mark (16 messages) waits unread,
   * and a reader that does not take the results pauses us at `drain`.
   */
  function submitTxFiles(call: ServerDuplexStream<SubmitTxFilesRequest, SubmitTxFilesResponse>): void {
    serve('SubmitTxFiles', call.metadata, async (requestId) => {
      const gone = new AbortController();
      call.on('cancelled', () => {
        gone.abort();
      });
      let index = 0;
      try {
        for await (const request of call as AsyncIterable<SubmitTxFilesRequest>) {
          const at = index;
          index += 1;
          let response: SubmitTxFilesResponse;
          try {
            const { receipt, duplicate } = await relay.submit(request.txFile, {
              tenantId: request.tenantId,
              requestId: `${requestId}/${at}`,
            });
            response = { index: String(at), receipt: receiptMessage(receipt), duplicate };
          } catch (error) {
            const { grpcStatus, body } = errorResponse(error);
            if (grpcStatus === GrpcStatus.Internal) logger.error({ err: error, index: at }, 'internal error');
            response = { index: String(at), error: txFileErrorMessage(body), duplicate: false };
          }
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
  }

  function subscribe(call: ServerWritableStream<SubscribeRequest, SubscribeResponse>): void {
    serve('Subscribe', call.metadata, async () => {
      const controller = new AbortController();
      const { signal } = controller;
      const stop = (): void => {
        controller.abort();
      };
      call.on('cancelled', stop);
      call.on('close', stop);
      subscriptions.add(controller);
      try {
        if (shuttingDown) controller.abort();
        const { recipientHash, cursor } = call.request;
        const deliveries = relay.subscribe(recipientHash, {
          ...(cursor === undefined || cursor === '' ? {} : { cursor }),
          signal,
        });
        for await (const delivered of deliveries) {
          if (signal.aborted) break;
          if (!call.write(subscribeResponse(delivered))) await drained(call, signal);
        }
        if (call.cancelled) return status.CANCELLED;
        // The relay's stream ends only when we abort it: here, only because the server is closing.
        const answer = transportError(status.UNAVAILABLE, 'UNAVAILABLE', 'the relay is shutting down', true);
        call.emit('error', answer);
        return answer.code;
      } catch (error) {
        if (call.cancelled) return status.CANCELLED;
        const answer = failed(error);
        call.emit('error', answer);
        return answer.code;
      } finally {
        subscriptions.delete(controller);
        controller.abort();
      }
    });
  }

  function getReceipt(
    call: ServerUnaryCall<GetReceiptRequest, GetReceiptResponse>,
    callback: sendUnaryData<GetReceiptResponse>,
  ): void {
    serve('GetReceipt', call.metadata, async () => {
      try {
        const receipt = await relay.getReceipt(call.request.cid);
        if (receipt === null) {
          const answer = grpcError(
            new RequestError('NOT_FOUND', `no receipt for ${call.request.cid}`, 'cid'),
          );
          callback(answer);
          return answer.code;
        }
        callback(null, { receipt: receiptMessage(receipt) });
        return status.OK;
      } catch (error) {
        const answer = failed(error);
        callback(answer);
        return answer.code;
      }
    });
  }

  return {
    implementation: {
      SubmitTxFile: submitTxFile,
      SubmitTxFiles: submitTxFiles,
      Subscribe: subscribe,
      GetReceipt: getReceipt,
    },
    endSubscriptions() {
      shuttingDown = true;
      for (const controller of subscriptions) controller.abort();
    },
  };
}
