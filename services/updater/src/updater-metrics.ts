/**
 * The updater's metric names (`anchorpost_updater_<name>`), by purpose: the one place they are
 * written. ServiceMetrics refuses to register a name that is not here.
 */
import { LEADER_METRICS } from '@anchorpost/leader-election';
import type { MetricNames } from '@anchorpost/service-kit';

export const UPDATER_METRICS = {
  deployLogRecordsTotal: 'deploy_log_records_total',
  stepFailuresTotal: 'step_failures_total',
  headLagBlocks: 'head_lag_blocks',
  commitSeconds: 'commit_seconds',
  deployLogTxFilesTotal: 'deploy_log_tx_files_total',
  ...LEADER_METRICS,
} as const satisfies MetricNames;
