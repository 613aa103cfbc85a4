/**
 * The batcher's metric names (`anchorpost_batcher_<name>`), by purpose: the one place they are
 * written. ServiceMetrics refuses to register a name that is not here.
 */
import type { MetricNames } from '@anchorpost/service-kit';

export const BATCHER_METRICS = {
  batchesSealedTotal: 'batches_sealed_total',
  txFilesSealedTotal: 'tx_files_sealed_total',
  sealDurationSeconds: 'seal_duration_seconds',
  backlogRecords: 'backlog_records',
  recordsSkippedTotal: 'records_skipped_total',
  recordsRefusedTotal: 'records_refused_total',
  txFilesRestoredTotal: 'tx_files_restored_total',
  failuresTotal: 'failures_total',
  lastSequence: 'last_sequence',
} as const satisfies MetricNames;
