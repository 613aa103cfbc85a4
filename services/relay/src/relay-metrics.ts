/**
 * The relay's own metrics (`anchorpost_relay_*`) and the RelayObserver that feeds them and the
 * log: one line per refusal with its code, never the tx-file's bytes.
 */
import type { RelayObserver } from '@anchorpost/relay-core';
import type { Logger, MetricNames, ServiceMetrics } from '@anchorpost/service-kit';

/** The relay's metric names (`anchorpost_relay_<name>`): the only place they are written. */
export const RELAY_METRICS = {
  openSubscriptions: 'open_subscriptions',
  txFilesTotal: 'tx_files_total',
  acceptedBytesTotal: 'accepted_bytes_total',
  submitDurationSeconds: 'submit_duration_seconds',
  badBusRecordsTotal: 'bad_bus_records_total',
  grpcRequestsTotal: 'grpc_requests_total',
} as const satisfies MetricNames;

export type RelayMetrics = ReturnType<typeof createRelayMetrics>;

/** One set per registry: the observer and the routes share it. */
const created = new WeakMap<ServiceMetrics, RelayMetrics>();

export function relayMetrics(metrics: ServiceMetrics): RelayMetrics {
  let existing = created.get(metrics);
  if (existing === undefined) {
    existing = createRelayMetrics(metrics);
    created.set(metrics, existing);
  }
  return existing;
}

function createRelayMetrics(metrics: ServiceMetrics) {
  return {
    openSubscriptions: metrics.gauge(RELAY_METRICS.openSubscriptions, 'Subscriptions streaming now', [
      'transport',
    ]),
    txFiles: metrics.counter(RELAY_METRICS.txFilesTotal, 'Tx-files submitted, by outcome and code', [
      'outcome',
      'code',
    ]),
    acceptedBytes: metrics.counter(RELAY_METRICS.acceptedBytesTotal, 'Bytes of newly accepted tx-files'),
    submitSeconds: metrics.histogram(
      RELAY_METRICS.submitDurationSeconds,
      'Time to accept one tx-file (store, sign, publish)',
      [],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    ),
    badRecords: metrics.counter(RELAY_METRICS.badBusRecordsTotal, 'Accepted-topic records delivery skipped'),
  };
}

export function relayObserver(metrics: ServiceMetrics, logger: Logger): RelayObserver {
  const m = relayMetrics(metrics);
  return {
    accepted(event) {
      m.txFiles.inc({ outcome: event.duplicate ? 'duplicate' : 'accepted', code: 'OK' });
      if (!event.duplicate) m.acceptedBytes.inc(event.bytes);
      m.submitSeconds.observe(event.durationMs / 1000);
    },
    rejected(event) {
      m.txFiles.inc({ outcome: 'rejected', code: event.code });
      logger.info(
        { requestId: event.requestId, tenantId: event.tenantId, code: event.code },
        'tx-file refused',
      );
    },
    badRecord(event) {
      m.badRecords.inc();
      logger.warn(
        { partition: event.partition, offset: event.offset },
        'undecodable accepted-topic record skipped',
      );
    },
  };
}
