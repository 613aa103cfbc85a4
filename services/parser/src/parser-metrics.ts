/** `anchorpost_parser_*`: the parser's progress and failures, fed by parser-core's observer hooks. */
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { ParserObserver, ParserRunResult } from '@anchorpost/parser-core';

export interface ParserReporting {
  readonly observer: ParserObserver;
  readonly onRun: (result: ParserRunResult | undefined, seconds: number) => void;
}

export function parserReporting(metrics: ServiceMetrics, logger: Logger): ParserReporting {
  const batchesIndexed = metrics.counter('batches_indexed_total', 'Anchored batches indexed');
  const batchesRejected = metrics.counter(
    'batches_rejected_total',
    'Anchors skipped for good: batch-file missing, malformed or not matching',
    ['code'],
  );
  const txFilesIndexed = metrics.counter('tx_files_indexed_total', 'Tx-files newly indexed');
  const txFilesRejected = metrics.counter(
    'tx_files_rejected_total',
    'Tx-files of valid batches left out (cannot be fetched or parsed)',
  );
  const runs = metrics.histogram(
    'run_duration_seconds',
    'Parser runs (cursor to trusted head) by outcome',
    ['outcome'],
    [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120, 600],
  );
  const runFailures = metrics.counter(
    'run_failures_total',
    'Parser runs that failed (retried with back-off)',
  );
  const storageRetries = metrics.counter('storage_retries_total', 'Storage reads tried again');
  const reorgs = metrics.counter('reorgs_total', 'Cursor blocks found no longer canonical');
  const cursorBlock = metrics.gauge('cursor_block', 'Last block read and saved as the cursor');
  const headLag = metrics.gauge('head_lag_blocks', 'Blocks between the chain head and the cursor');

  const observer: ParserObserver = {
    anchorIndexed({ anchor, batch, txFilesIndexed: count }) {
      batchesIndexed.inc();
      txFilesIndexed.inc(count);
      logger.info(
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
      batchesRejected.inc({ code: typeof code === 'string' ? code : 'UNKNOWN' });
      logger.warn(
        { batchCid: anchor.batchCid, sequence: anchor.sequence, txHash: anchor.txHash, err: error },
        'anchor rejected',
      );
    },
    txFileRejected({ batchCid, index, cid, error }) {
      txFilesRejected.inc();
      logger.warn({ batchCid, index, cid, err: error }, 'tx-file left out');
    },
    headLag(blocks) {
      headLag.set(blocks);
    },
    reorg({ cursor, fromBlock }) {
      reorgs.inc();
      logger.warn({ cursorBlock: cursor.lastBlock, fromBlock }, 'cursor block left the chain; re-reading');
    },
    retry({ what, attempt, delayMs, error }) {
      storageRetries.inc();
      logger.warn({ what, attempt, delayMs, err: error }, 'storage read failed; retrying');
    },
    runFailed({ error, delayMs }) {
      runFailures.inc();
      logger.error({ err: error, delayMs }, 'parser run failed; backing off');
    },
  };
  return {
    observer,
    onRun: (result, seconds) => {
      runs.observe({ outcome: result === undefined ? 'failed' : 'ok' }, seconds);
      if (result !== undefined && result.toBlock >= result.fromBlock) cursorBlock.set(result.toBlock);
    },
  };
}
