/**
 * `anchorpost rebuild`: empties the index and restores it from the chain and the content store
 * alone (Parser.rebuild), proving that the index holds nothing that cannot be recovered.
 */
import type { Database } from '@anchorpost/db';
import type { ParserRunResult } from '@anchorpost/parser-core';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import type { Logger } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { createErgoParser } from './ergo-parser.ts';
import type { ParserErgoOptions } from './ergo-parser.ts';
import { createEvmParser } from './evm-parser.ts';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import type { ParserServiceConfig } from './parser-config.ts';
import { PARSER_METRICS, parserReporting } from './parser-metrics.ts';

export interface RebuildIndexOptions {
  database: Database;
  store: ContentStore;
  evm: ParserEvmOptions;
  /** Ergo too, when the service follows it. */
  ergo?: ParserErgoOptions | undefined;
  /** The same trusted depth as the running parser (config.trustedDepth). */
  trustedDepth: number;
  logger?: Logger;
  tuning?: Omit<EvmParserTuning, 'trustedDepth'>;
}

/** The settings a rebuild reads tx-files with: the service's own (a rebuild is the largest read). */
export function rebuildTuning(
  config: Pick<
    ParserServiceConfig,
    'storageTimeoutMs' | 'txFileConcurrency' | 'parseThreads' | 'duplicateCheck'
  >,
): Omit<EvmParserTuning, 'trustedDepth'> {
  return {
    storageTimeoutMs: config.storageTimeoutMs,
    txFileConcurrency: config.txFileConcurrency,
    parseThreads: config.parseThreads,
    duplicateCheck: config.duplicateCheck,
  };
}

/**
 * Every index table is emptied first (all chains); the relay's receipts and the anchorer's requests
 * stay. The EVM parser empties and re-reads; the Ergo one then re-reads its chain into the same
 * index. The result is the EVM run's, with the Ergo run's counts added.
 */
export async function rebuildIndex(options: RebuildIndexOptions): Promise<ParserRunResult> {
  const logger = options.logger ?? createLogger('parser');
  // Metrics of a one-off command are not scraped; the hooks still give the per-batch log lines.
  const metrics = new ServiceMetrics('parser', PARSER_METRICS);
  const reporting = parserReporting(metrics, logger, `evm:${options.evm.chainId}`);
  const { reader, parser } = createEvmParser({
    database: options.database,
    store: options.store,
    evm: options.evm,
    tuning: { ...options.tuning, trustedDepth: options.trustedDepth },
    observer: reporting.observer,
  });
  logger.info(
    { chainId: reader.chainId, contract: reader.contractAddress, fromBlock: reader.deployBlock },
    'rebuilding the index from chain and storage',
  );
  const ergo =
    options.ergo === undefined
      ? undefined
      : createErgoParser({
          database: options.database,
          store: options.store,
          ergo: options.ergo,
          tuning: { ...options.tuning, trustedDepth: options.trustedDepth },
          observer: parserReporting(metrics, logger, `ergo:${options.ergo.network}`).observer,
        });
  // Before the index is dropped: a node on another network is a setting to fix.
  await ergo?.reader.checkNetwork();
  const started = performance.now();
  const evmResult = await parser.rebuild();
  let result = evmResult;
  if (ergo !== undefined) {
    const ergoResult = await ergo.parser.runOnce();
    logger.info({ chain: ergo.reader.id, ...ergoResult }, 'Ergo anchors re-read');
    result = {
      ...evmResult,
      anchorsIndexed: evmResult.anchorsIndexed + ergoResult.anchorsIndexed,
      anchorsRejected: evmResult.anchorsRejected + ergoResult.anchorsRejected,
      txFilesIndexed: evmResult.txFilesIndexed + ergoResult.txFilesIndexed,
    };
  }
  logger.info({ ...result, ms: Math.round(performance.now() - started) }, 'index rebuilt');
  return result;
}
