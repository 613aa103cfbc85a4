/** `anchorpost_parser_*`: the parser's progress and failures, fed by parser-core's observer hooks. */
import { LEADER_METRICS } from '@anchorpost/leader-election';
import type { Logger, MetricNames, ServiceMetrics } from '@anchorpost/service-kit';
import type { ParserObserver, ParserRunResult } from '@anchorpost/parser-core';

/** The parser's metric names (`anchorpost_parser_<name>`): the only place they are written. */
export const PARSER_METRICS = {
  batchesIndexedTotal: 'batches_indexed_total',
  batchesRejectedTotal: 'batches_rejected_total',
  txFilesIndexedTotal: 'tx_files_indexed_total',
  txFilesRejectedTotal: 'tx_files_rejected_total',
  runDurationSeconds: 'run_duration_seconds',
  runFailuresTotal: 'run_failures_total',
  storageRetriesTotal: 'storage_retries_total',
  reorgsTotal: 'reorgs_total',
  cursorBlock: 'cursor_block',
  headLagBlocks: 'head_lag_blocks',
  peerBatchesIndexedTotal: 'peer_batches_indexed_total',
  peerAnchorsRejectedTotal: 'peer_anchors_rejected_total',
  peerTxFilesIndexedTotal: 'peer_tx_files_indexed_total',
  peerRunFailuresTotal: 'peer_run_failures_total',
  peerContentUnreachableTotal: 'peer_content_unreachable_total',
  peerHeadLagBlocks: 'peer_head_lag_blocks',
  ...LEADER_METRICS,
} as const satisfies MetricNames;

export interface ParserReporting {
  readonly observer: ParserObserver;
  readonly onRun: (result: ParserRunResult | undefined, seconds: number) => void;
}

/**
 * The reporting of one chain's parser: every `anchorpost_parser_*` series carries `chain` (the
 * reader's id, `evm:<chainId>` or `ergo:<network>`, as the anchorer labels its own), so that with
 * Ergo on, each chain's cursor and lag are their own series. Call once per chain; the metrics are
 * registered once and shared.
 */
export function parserReporting(metrics: ServiceMetrics, logger: Logger, chain: string): ParserReporting {
  const batchesIndexed = metrics.counter(
    PARSER_METRICS.batchesIndexedTotal,
    'Anchored batches indexed, by chain',
    ['chain'],
  );
  const batchesRejected = metrics.counter(
    PARSER_METRICS.batchesRejectedTotal,
    'Anchors skipped for good: batch-file missing, malformed or not matching; by chain and code',
    ['chain', 'code'],
  );
  const txFilesIndexed = metrics.counter(
    PARSER_METRICS.txFilesIndexedTotal,
    'Tx-files newly indexed, by chain',
    ['chain'],
  );
  const txFilesRejected = metrics.counter(
    PARSER_METRICS.txFilesRejectedTotal,
    'Tx-files of valid batches left out (cannot be fetched or parsed), by chain',
    ['chain'],
  );
  const runs = metrics.histogram(
    PARSER_METRICS.runDurationSeconds,
    'Parser runs (cursor to trusted head) by chain and outcome',
    ['chain', 'outcome'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
  );
  const runFailures = metrics.counter(
    PARSER_METRICS.runFailuresTotal,
    'Parser runs that failed (retried with back-off), by chain',
    ['chain'],
  );
  const storageRetries = metrics.counter(
    PARSER_METRICS.storageRetriesTotal,
    'Storage reads tried again, by chain',
    ['chain'],
  );
  const reorgs = metrics.counter(
    PARSER_METRICS.reorgsTotal,
    'Cursor blocks found no longer canonical, by chain',
    ['chain'],
  );
  const cursorBlock = metrics.gauge(
    PARSER_METRICS.cursorBlock,
    'Last block read and saved as the cursor, by chain',
    ['chain'],
  );
  const headLag = metrics.gauge(
    PARSER_METRICS.headLagBlocks,
    'Blocks between the chain head and the cursor, by chain',
    ['chain'],
  );
  const labels = { chain };
  // Zero from the start: a standby and a quiet chain show 0, and rate() has a series to work on.
  for (const counter of [
    batchesIndexed,
    txFilesIndexed,
    txFilesRejected,
    runFailures,
    storageRetries,
    reorgs,
  ]) {
    counter.inc(labels, 0);
  }
  const log = logger.child({ chain });

  const observer: ParserObserver = {
    anchorIndexed({ anchor, batch, txFilesIndexed: count }) {
      batchesIndexed.inc(labels);
      txFilesIndexed.inc(labels, count);
      log.info(
        {
          batchCid: batch.cid,
          sequence: batch.sequence,
          count: batch.count,
          txHash: anchor.txHash,
          blockNumber: anchor.blockNumber,
          txFilesIndexed: count,
        },
        'batch indexed',
      );
    },
    anchorRejected({ anchor, error }) {
      const code = (error as { code?: unknown }).code;
      batchesRejected.inc({ chain, code: typeof code === 'string' ? code : 'UNKNOWN' });
      log.warn(
        { batchCid: anchor.batchCid, sequence: anchor.sequence, txHash: anchor.txHash, err: error },
        'anchor rejected',
      );
    },
    txFileRejected({ batchCid, index, cid, error }) {
      txFilesRejected.inc(labels);
      log.warn({ batchCid, index, cid, err: error }, 'tx-file left out');
    },
    headLag(blocks) {
      headLag.set(labels, blocks);
    },
    reorg({ cursor, fromBlock }) {
      reorgs.inc(labels);
      log.warn({ cursorBlock: cursor.lastBlock, fromBlock }, 'cursor block left the chain; re-reading');
    },
    retry({ what, attempt, delayMs, error }) {
      storageRetries.inc(labels);
      log.warn({ what, attempt, delayMs, err: error }, 'storage read failed; retrying');
    },
    runFailed({ error, delayMs }) {
      runFailures.inc(labels);
      log.error({ err: error, delayMs }, 'parser run failed; backing off');
    },
  };
  return {
    observer,
    onRun: (result, seconds) => {
      runs.observe({ chain, outcome: result === undefined ? 'failed' : 'ok' }, seconds);
      if (result !== undefined && result.toBlock >= result.fromBlock) cursorBlock.set(labels, result.toBlock);
    },
  };
}
