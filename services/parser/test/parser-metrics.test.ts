// One parser per chain, one ServiceMetrics: each chain's cursor, lag and counts are series of their
// own (label `chain`), so an Ergo parser that falls behind is not hidden by an EVM one that keeps up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import { PARSER_METRICS, parserReporting } from '../src/parser-metrics.ts';

describe('parser metrics', () => {
  it('keeps each chain in its own series, every counter at 0 from the start', async () => {
    const metrics = new ServiceMetrics('parser', PARSER_METRICS);
    const logger = createLogger('parser', { level: 'silent' });
    const evm = parserReporting(metrics, logger, 'evm:1');
    const ergo = parserReporting(metrics, logger, 'ergo:mainnet');

    evm.observer.headLag?.(12);
    ergo.observer.headLag?.(480);
    const run = { anchorsIndexed: 0, anchorsRejected: 0, txFilesIndexed: 0, headLag: 12, reorg: false };
    evm.onRun({ ...run, fromBlock: 100, toBlock: 150, interrupted: false }, 0.2);
    ergo.onRun({ ...run, fromBlock: 1_600_000, toBlock: 1_600_010, interrupted: false }, 0.3);
    ergo.onRun(undefined, 0.1);

    const text = await metrics.registry.metrics();
    assert.match(text, /^anchorpost_parser_head_lag_blocks\{chain="evm:1"\} 12$/m);
    assert.match(text, /^anchorpost_parser_head_lag_blocks\{chain="ergo:mainnet"\} 480$/m);
    assert.match(text, /^anchorpost_parser_cursor_block\{chain="evm:1"\} 150$/m);
    assert.match(text, /^anchorpost_parser_cursor_block\{chain="ergo:mainnet"\} 1600010$/m);
    assert.match(
      text,
      /^anchorpost_parser_run_duration_seconds_count\{chain="ergo:mainnet",outcome="failed"\} 1$/m,
    );
    for (const chain of ['evm:1', 'ergo:mainnet']) {
      assert.match(
        text,
        new RegExp(`^anchorpost_parser_batches_indexed_total\\{chain="${chain}"\\} 0$`, 'm'),
      );
      assert.match(text, new RegExp(`^anchorpost_parser_run_failures_total\\{chain="${chain}"\\} 0$`, 'm'));
    }
  });
});
