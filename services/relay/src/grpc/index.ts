/** The relay's gRPC transport. */
export {
  startRelayGrpcServer,
  type RelayGrpcServer,
  type RelayGrpcServerOptions,
} from './relay-grpc-server.ts';
export {
  loadRelayProto,
  relayProtoDir,
  RELAY_PROTO_FILE,
  RELAY_PROTO_OPTIONS,
  RELAY_SERVICE_NAME,
} from './relay-proto.ts';
export {
  ERROR_CODE_TRAILER,
  ERROR_FIELD_TRAILER,
  ERROR_RETRYABLE_TRAILER,
  REQUEST_ID_TRAILER,
} from './grpc-error.ts';
export { grpcSecurity, type GrpcSecurity, type GrpcTlsSettings } from './grpc-credentials.ts';
export { receiptFromMessage, type ReceiptMessage } from './relay-messages.ts';
