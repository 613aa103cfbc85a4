/**
 * The parser service: parser-core's Parser following the EVM anchor contract in the background,
 * behind the service-kit HTTP app (/healthz, /readyz: database + chain, /metrics).
 */
import { Module } from '@nestjs/common';
import type { Database } from '@anchorpost/db';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { createEvmParser } from './evm-parser.ts';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import type { ParserServiceConfig } from './parser-config.ts';
import { parserReporting } from './parser-metrics.ts';

export interface ParserServiceOptions {
  config: ParserServiceConfig;
  /** The open index database (shared with the proof API in the one-process platform). */
  database: Database;
  /** Where batch-files and tx-files are read from. */
  store: ContentStore;
  evm: ParserEvmOptions;
  logger?: Logger;
  host?: string;
  /** Overrides `config.port`; 0 picks a free port. */
  port?: number;
  handleSignals?: boolean;
  /** Storage back-off and sleep, for tests. */
  tuning?: Pick<EvmParserTuning, 'storageRetry' | 'sleep'>;
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class ParserModule {}
Module({})(ParserModule);

export async function startParserService(options: ParserServiceOptions): Promise<RunningService> {
  const { config, database } = options;
  const logger = options.logger ?? createLogger('parser');
  const metrics = new ServiceMetrics('parser');
  const reporting = parserReporting(metrics, logger);
  const { reader, parser } = createEvmParser({
    database,
    store: options.store,
    evm: options.evm,
    tuning: {
      trustedDepth: config.trustedDepth,
      pollIntervalMs: config.pollIntervalMs,
      maxFailureDelayMs: config.maxFailureDelayMs,
      storageTimeoutMs: config.storageTimeoutMs,
      txFileConcurrency: config.txFileConcurrency,
      duplicateCheck: config.duplicateCheck,
      ...options.tuning,
    },
    observer: reporting.observer,
    onRun: reporting.onRun,
  });
  const app = await startServiceApp({
    service: 'parser',
    module: ParserModule,
    logger,
    metrics,
    host: options.host ?? config.host,
    port: options.port ?? config.port,
    ...(options.handleSignals === undefined ? {} : { handleSignals: options.handleSignals }),
    readiness: [
      { name: 'database', check: () => database.ping() },
      // head() first checks that the endpoints serve the configured chain and that the contract exists.
      {
        name: 'chain',
        check: async () => {
          await reader.head();
        },
      },
    ],
  });
  // The loop starts only once the HTTP app listens (probes see it from its first run on).
  parser.start();
  logger.info(
    {
      chainId: reader.chainId,
      contract: reader.contractAddress,
      fromBlock: reader.deployBlock,
      trustedDepth: parser.trustedDepth,
    },
    'parser started',
  );
  let closing: Promise<void> | undefined;
  return {
    name: 'parser',
    urls: { http: app.url },
    close() {
      closing ??= (async () => {
        try {
          // Ends after the anchor being indexed, so nothing is left half-written.
          await parser.stop();
        } finally {
          await app.close();
        }
      })();
      return closing;
    },
  };
}
