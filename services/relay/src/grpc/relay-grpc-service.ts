/**
 * `anchorpost.relay.v1.RelayService` over a Relay: the handlers (one file per RPC, in handlers/)
 * wired to the shared call context. Typed by the generated `RelayServiceHandlers`, so an RPC added
 * to the .proto without a handler fails the typecheck.
 */
import type { RelayServiceHandlers } from '../generated/anchorpost/relay/v1/RelayService.ts';
import { grpcCalls } from './grpc-call.ts';
import type { GrpcCallOptions } from './grpc-call.ts';
import {
  getReceiptHandler,
  storeKeyFileHandler,
  submitTxFileHandler,
  submitTxFilesHandler,
  subscribeHandler,
} from './handlers/index.ts';
import { OpenSubscriptions } from './open-subscriptions.ts';

export type { RelayCalls } from './grpc-call.ts';

export type RelayGrpcServiceOptions = GrpcCallOptions;

/** What the server needs to end open streams when it shuts down. */
export interface RelayGrpcService {
  implementation: RelayServiceHandlers;
  /** Ends every open Subscribe with UNAVAILABLE (retryable) so clients reconnect elsewhere. */
  endSubscriptions(): void;
}

export function relayGrpcService(options: RelayGrpcServiceOptions): RelayGrpcService {
  const calls = grpcCalls(options);
  const subscriptions = new OpenSubscriptions();
  return {
    implementation: {
      SubmitTxFile: submitTxFileHandler(calls),
      SubmitTxFiles: submitTxFilesHandler(calls),
      Subscribe: subscribeHandler(calls, subscriptions),
      GetReceipt: getReceiptHandler(calls),
      StoreKeyFile: storeKeyFileHandler(calls),
    },
    endSubscriptions() {
      subscriptions.endAll();
    },
  };
}
