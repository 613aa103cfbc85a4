/**
 * `anchorpost rebuild`: empties the index and restores it from the chain and the content store
 * alone (Parser.rebuild), proving that the index holds nothing that cannot be recovered.
 */
import type { Database } from '@anchorpost/db';
import type { ParserRunResult } from '@anchorpost/parser-core';
import { createLogger, ServiceMetrics } from '@anchorpost/service-kit';
import type { Logger } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { createEvmParser } from './evm-parser.ts';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import { parserReporting } from './parser-metrics.ts';

export interface RebuildIndexOptions {
  database: Database;
  store: ContentStore;
  evm: ParserEvmOptions;
  /** The same trusted depth as the running parser (config.trustedDepth). */
  trustedDepth: number;
  logger?: Logger;
  tuning?: Omit<EvmParserTuning, 'trustedDepth'>;
}

/** Every index table is emptied first (all chains); the relay's receipts and the anchorer's requests stay. */
export async function rebuildIndex(options: RebuildIndexOptions): Promise<ParserRunResult> {
  const logger = options.logger ?? createLogger('parser');
  // Metrics of a one-off command are not scraped; the hooks still give the per-batch log lines.
  const reporting = parserReporting(new ServiceMetrics('parser'), logger);
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
  const started = performance.now();
  const result = await parser.rebuild();
  logger.info({ ...result, ms: Math.round(performance.now() - started) }, 'index rebuilt');
  return result;
}
