/** What every Anchorpost service shares. */
export {
  ConfigError,
  loadConfig,
  redactConfig,
  type ConfigField,
  type ConfigOf,
  type ConfigSchema,
} from './config.ts';
export { createLogger, loggerConfigSchema, nestLogger, type Logger } from './logger.ts';
export { SERVICE_KIT_METRICS, ServiceMetrics, type MetricNames } from './metrics.ts';
export { LatencyHistogram, type LatencySummary } from './latency-histogram.ts';
export { ReadinessMonitor, runReadiness, type ReadinessCheck, type ReadinessReport } from './readiness.ts';
export { managementConfigSchema } from './management-config.ts';
export { redactSecrets } from './redact-secrets.ts';
export { currentRequestId, requestContext } from './request-context.ts';
export { allowOrigins, parseAllowedOrigins } from './cors.ts';
export { startServiceApp, type ServiceApp, type ServiceAppOptions } from './service-app.ts';
export {
  errorResponse,
  GENERIC_MESSAGES,
  GrpcStatus,
  isHiddenFromCaller,
  MAX_MESSAGE_CHARS,
  RequestError,
  type ErrorBody,
  type ErrorResponse,
} from './error-response.ts';
export type { RunningService } from './running-service.ts';
export { OpenApiCollector, type OpenApiInfo, type RouteOpenApi } from './openapi.ts';
