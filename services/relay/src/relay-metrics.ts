/**
 * The relay's own metrics (`anchorpost_relay_*`) and the RelayObserver that feeds them and the
 * log: one line per refusal with its code, never the tx-file's bytes.
 */
import { LEADER_METRICS } from '@anchorpost/leader-election';
import type { InboundObserver, RelayObserver, UsageCounts, UsageMeter } from '@anchorpost/relay-core';
import type { Logger, MetricNames, ServiceMetrics } from '@anchorpost/service-kit';

/** The relay's metric names (`anchorpost_relay_<name>`): the only place they are written. */
export const RELAY_METRICS = {
  openSubscriptions: 'open_subscriptions',
  droppedSubscribersTotal: 'dropped_subscribers_total',
  txFilesTotal: 'tx_files_total',
  acceptedBytesTotal: 'accepted_bytes_total',
  submitDurationSeconds: 'submit_duration_seconds',
  groupCommitFiles: 'group_commit_files',
  groupCommitDurationSeconds: 'group_commit_duration_seconds',
  badBusRecordsTotal: 'bad_bus_records_total',
  tenantUsageTotal: 'tenant_usage_total',
  grpcRequestsTotal: 'grpc_requests_total',
  inboundDeliveredTotal: 'inbound_delivered_total',
  inboundIgnoredTotal: 'inbound_ignored_total',
  inboundRunFailuresTotal: 'inbound_run_failures_total',
  /** 1 on the replica elected to deliver the peers' files. */
  ...LEADER_METRICS,
} as const satisfies MetricNames;

/**
 * The InboundObserver (ADR 0031): a peer's file delivered here, or left out with its reason
 * (NOT_SERVED, TX_FILE_UNAVAILABLE, the relay's refusal code), counted by peer and logged.
 */
export function inboundObserver(metrics: ServiceMetrics, logger: Logger): InboundObserver {
  const delivered = metrics.counter(
    RELAY_METRICS.inboundDeliveredTotal,
    "Peer platforms' files delivered to this relay's subscribers, by peer",
    ['peer'],
  );
  const ignored = metrics.counter(
    RELAY_METRICS.inboundIgnoredTotal,
    "Peer platforms' files not delivered here, by peer and reason (NOT_SERVED: no tenant here may receive the recipient)",
    ['peer', 'reason'],
  );
  return {
    delivered({ peer, cid, recipientHash, duplicate }) {
      if (!duplicate) delivered.inc({ peer });
      logger.info({ peer, cid, recipientHash, duplicate }, "peer's file delivered");
    },
    ignored({ peer, cid, reason, error }) {
      ignored.inc({ peer, reason });
      logger.warn(
        { peer, cid, reason, ...(error === undefined ? {} : { err: error }) },
        "peer's file not delivered",
      );
    },
  };
}

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
    droppedSubscribers: metrics.counter(
      RELAY_METRICS.droppedSubscribersTotal,
      'Subscriptions dropped because the client did not read within the drain timeout',
      ['transport'],
    ),
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
    groupFiles: metrics.histogram(
      RELAY_METRICS.groupCommitFiles,
      'Tx-files per group commit (one receipt transaction and one publish each)',
      ['outcome'],
      [1, 2, 4, 8, 16, 32, 64, 128, 256],
    ),
    groupSeconds: metrics.histogram(
      RELAY_METRICS.groupCommitDurationSeconds,
      'Time one group commit takes: storage, receipts, publish',
      ['outcome'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    ),
    badRecords: metrics.counter(RELAY_METRICS.badBusRecordsTotal, 'Accepted-topic records delivery skipped'),
    tenantUsage: metrics.counter(
      RELAY_METRICS.tenantUsageTotal,
      'Usage by tenant (the configured ones; the rest as "other") and what: files, bytes, deliveries, streams',
      ['tenant', 'what'],
    ),
  };
}

/**
 * Counts usage into `anchorpost_relay_tenant_usage_total{tenant, what}`. The tenant label takes
 * only the ids the operator listed (ANCHORPOST_RELAY_METRICS_TENANTS) and `other`, so the series
 * stay bounded however many tenants sign up; exact per-tenant numbers are at /v1/usage.
 */
export function tenantUsageCounter(
  metrics: ServiceMetrics,
  labelled: readonly string[],
): (tenantId: string, counts: Partial<UsageCounts>) => void {
  const { tenantUsage } = relayMetrics(metrics);
  const named = new Set(labelled);
  return (tenantId, counts) => {
    const tenant = named.has(tenantId) ? tenantId : 'other';
    for (const [what, value] of Object.entries(counts)) {
      if (value > 0) tenantUsage.inc({ tenant, what }, value);
    }
  };
}

/** `meter`: where newly accepted files count as their tenant's usage. */
export function relayObserver(metrics: ServiceMetrics, logger: Logger, meter?: UsageMeter): RelayObserver {
  const m = relayMetrics(metrics);
  return {
    accepted(event) {
      m.txFiles.inc({ outcome: event.duplicate ? 'duplicate' : 'accepted', code: 'OK' });
      if (!event.duplicate) {
        m.acceptedBytes.inc(event.bytes);
        meter?.count(event.tenantId, { files: 1, bytes: event.bytes });
      }
      m.submitSeconds.observe(event.durationMs / 1000);
    },
    rejected(event) {
      m.txFiles.inc({ outcome: 'rejected', code: event.code });
      logger.info(
        { requestId: event.requestId, tenantId: event.tenantId, code: event.code },
        'tx-file refused',
      );
    },
    grouped(event) {
      const outcome = event.failed ? 'failed' : 'done';
      m.groupFiles.observe({ outcome }, event.files);
      m.groupSeconds.observe({ outcome }, event.durationMs / 1000);
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
