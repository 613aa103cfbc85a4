/**
 * The updater's observer as logs and metrics: every deploy-log record is a log line and a count by
 * step, outcome and code (alerts: a refused verdict, a stuck deploy, a running-digest mismatch);
 * failed steps (`anchor`: the relay did not take a record's tx-file), the follower's lag, the time
 * from approval to commit, and the records the relay has taken.
 */
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { UpdaterObserver } from '@anchorpost/updater-core';
import { UPDATER_METRICS } from './updater-metrics.ts';

export function updaterReporting(metrics: ServiceMetrics, logger: Logger): UpdaterObserver {
  const records = metrics.counter(
    UPDATER_METRICS.deployLogRecordsTotal,
    'Deploy-log records by step (verdict, commit, held, sync, stuck, running, ignored), outcome and code',
    ['step', 'outcome', 'code'],
  );
  const failures = metrics.counter(
    UPDATER_METRICS.stepFailuresTotal,
    'Steps that failed for now and run again (node, storage, Git or Argo CD unreachable)',
    ['phase'],
  );
  const lag = metrics.gauge(
    UPDATER_METRICS.headLagBlocks,
    'Blocks between the chain head and the last block read at depth',
  );
  const commitSeconds = metrics.histogram(
    UPDATER_METRICS.commitSeconds,
    'From an approval seen at confirmation depth to its commit pushed on the release branch',
    [],
    [0.5, 1, 2, 5, 10, 30, 60, 300],
  );
  const txFiles = metrics.counter(
    UPDATER_METRICS.deployLogTxFilesTotal,
    'Deploy-log records the relay has taken as tx-files (anchored with the next batch)',
  );
  return {
    anchored({ sent }) {
      txFiles.inc(sent);
    },
    recorded(entry) {
      records.inc({ step: entry.step, outcome: entry.outcome, code: entry.code ?? '' });
      const log = entry.outcome === 'ok' ? logger.info.bind(logger) : logger.warn.bind(logger);
      log(
        { deployLog: entry },
        `release ${entry.step}: ${entry.outcome}${entry.code === undefined ? '' : ` ${entry.code}`}`,
      );
    },
    reorg({ cursor, fromBlock }) {
      logger.warn(
        { cursor, fromBlock },
        'the cursor block left the chain: reading again from an earlier block',
      );
    },
    followed({ headLag }) {
      lag.set(headLag);
    },
    stepFailed({ proposalId, phase, error }) {
      failures.inc({ phase });
      logger.warn({ err: error, proposalId, phase }, 'updater step failed; it runs again');
    },
    committed({ proposalId, commit, sinceApprovalMs }) {
      commitSeconds.observe(sinceApprovalMs / 1000);
      logger.info({ proposalId, commit, sinceApprovalMs }, 'release committed');
    },
  };
}
