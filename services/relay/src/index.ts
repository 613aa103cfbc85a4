export { relayConfigSchema, type RelayConfig } from './relay-config.ts';
export { openRelay, type OpenRelayOptions } from './open-relay.ts';
export { startRelayService, type RelayServiceOptions } from './relay-service.ts';
export { relayMetrics, relayObserver } from './relay-metrics.ts';
