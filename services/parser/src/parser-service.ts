/**
 * The parser service: parser-core's Parsers following the EVM anchor contract — and the Ergo
 * marker token, when configured — and the peers' contracts on the same EVM chain and markers on the
 * same Ergo network (ADR 0031, ADR 0044) in the background, behind the service-kit HTTP app (/healthz,
 * /readyz: database + each chain, /metrics).
 */
import { Module } from '@nestjs/common';
import type { Database } from '@anchorpost/db';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { createErgoParser } from './ergo-parser.ts';
import type { ParserErgoOptions } from './ergo-parser.ts';
import { createEvmParser } from './evm-parser.ts';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import type { ParserServiceConfig } from './parser-config.ts';
import { PARSER_METRICS, parserReporting } from './parser-metrics.ts';
import { PeerFollowers } from './peer-followers.ts';

export interface ParserServiceOptions {
  config: ParserServiceConfig;
  /** The open index database (shared with the proof API in the one-process platform). */
  database: Database;
  /** Where batch-files and tx-files are read from. */
  store: ContentStore;
  evm: ParserEvmOptions;
  /** Ergo too (ADR 0012); its trusted depth is `ergo.confirmations` (default: config.trustedDepth). */
  ergo?: ParserErgoOptions | undefined;
  /** One indexer when several replicas run (@anchorpost/leader-election); without it, always. */
  election?: ElectionFactory;
  logger?: Logger;
  host?: string;
  /** Overrides `config.port`; 0 picks a free port. */
  port?: number;
  /** Overrides `config.managementPort` (`/metrics`, detailed `/readyz`); 0 picks a free port. */
  managementPort?: number;
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
  const metrics = new ServiceMetrics('parser', PARSER_METRICS);
  // Labelled like the chain readers' ids (evm:<chainId>, ergo:<network>) and the anchorer's metrics.
  const reporting = parserReporting(metrics, logger, `evm:${options.evm.chainId}`);
  const tuning = {
    trustedDepth: config.trustedDepth,
    pollIntervalMs: config.pollIntervalMs,
    maxFailureDelayMs: config.maxFailureDelayMs,
    storageTimeoutMs: config.storageTimeoutMs,
    txFileConcurrency: config.txFileConcurrency,
    parseThreads: config.parseThreads,
    duplicateCheck: config.duplicateCheck,
    ...options.tuning,
  };
  const { reader, parser } = createEvmParser({
    database,
    store: options.store,
    evm: options.evm,
    tuning,
    observer: reporting.observer,
    onRun: reporting.onRun,
  });
  const ergo =
    options.ergo === undefined
      ? undefined
      : createErgoParser({
          database,
          store: options.store,
          ergo: options.ergo,
          tuning,
          ...parserReporting(metrics, logger, `ergo:${options.ergo.network}`),
        });
  const peers = new PeerFollowers({
    database,
    store: options.store,
    evm: options.evm,
    ergo: options.ergo,
    tuning,
    metrics,
    logger,
    refreshMs: config.peerRefreshMs,
  });
  // Before anything listens: a node on another network is a setting to fix.
  await ergo?.reader.checkNetwork();
  const app = await startServiceApp({
    service: 'parser',
    module: ParserModule,
    logger,
    metrics,
    host: options.host ?? config.host,
    port: options.port ?? config.port,
    management: { host: config.managementHost, port: options.managementPort ?? config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    handleSignals: options.handleSignals,
    readiness: [
      { name: 'database', check: () => database.ping() },
      // head() first checks that the endpoints serve the configured chain and that the contract exists.
      {
        name: 'chain',
        check: async () => {
          await reader.head();
        },
      },
      ...(ergo === undefined
        ? []
        : [
            {
              name: 'ergo',
              check: async () => {
                await ergo.reader.head();
              },
            },
          ]),
    ],
  });
  // One indexer per chain (ADR 0013): only the elected replica parses; a standby stays ready.
  // The loops start only once the HTTP app listens (probes see them from their first run on).
  const terms = leaderTerms({
    election: options.election,
    work: 'indexes',
    metrics,
    logger,
    retryMs: config.maxFailureDelayMs,
    begin: () => {
      parser.start();
      ergo?.parser.start();
      peers.start();
      return Promise.resolve();
    },
    // Ends after the anchor being indexed, so nothing is left half-written.
    end: async () => {
      await Promise.all([parser.stop(), ergo?.parser.stop(), peers.stop()]);
    },
  });
  await terms.start();
  logger.info(
    {
      chainId: reader.chainId,
      contract: reader.contractAddress,
      fromBlock: reader.deployBlock,
      trustedDepth: parser.trustedDepth,
      ...(ergo === undefined
        ? {}
        : {
            ergo: ergo.reader.id,
            marker: ergo.reader.tokenId,
            ergoFromHeight: ergo.reader.startHeight,
            ergoTrustedDepth: ergo.parser.trustedDepth,
          }),
    },
    'parser started',
  );
  let closing: Promise<void> | undefined;
  return {
    name: 'parser',
    urls: { http: app.url, ...(app.managementUrl === undefined ? {} : { management: app.managementUrl }) },
    close() {
      closing ??= (async () => {
        try {
          // Ends after the anchor being indexed, so nothing is left half-written.
          await terms.close();
        } finally {
          await app.close();
        }
      })();
      return closing;
    },
  };
}
