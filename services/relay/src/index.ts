export { relayConfigSchema, type RelayConfig } from './relay-config.ts';
export { openRelay, type OpenRelayOptions } from './open-relay.ts';
export { startRelayService, type RelayServiceOptions } from './relay-service.ts';
export { RELAY_METRICS, relayMetrics, relayObserver } from './relay-metrics.ts';
export {
  startRelayGrpcServer,
  loadRelayProto,
  RELAY_SERVICE_NAME,
  receiptFromMessage,
  ERROR_CODE_TRAILER,
  ERROR_FIELD_TRAILER,
  ERROR_RETRYABLE_TRAILER,
  REQUEST_ID_TRAILER,
  grpcSecurity,
  type RelayGrpcServer,
  type RelayGrpcServerOptions,
} from './grpc/index.ts';
export { relayAdapters, relaySettings } from './relay-settings.ts';
