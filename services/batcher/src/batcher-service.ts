/**
 * The batcher service: batcher-core's loop (seal every interval or every N files, hash-chained,
 * written and pinned, announced on `anchorpost.batch.sealed.v1`; records whose bytes, receipt or
 * storage fail the checks dead-lettered) in a NestJS app with health, readiness and
 * `anchorpost_batcher_*` metrics. The loop starts once the app listens and stops, finishing a seal
 * in progress, before the app closes.
 */
import { Module } from '@nestjs/common';
import { Batcher } from '@anchorpost/batcher-core';
import type { BatcherClock } from '@anchorpost/batcher-core';
import type { Bus } from '@anchorpost/bus';
import { BATCH_SEALED_TOPIC } from '@anchorpost/events';
import {
  createLogger,
  ServiceMetrics,
  startServiceApp,
  type Logger,
  type ReadinessCheck,
  type RunningService,
} from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { relayPublicKeyList } from './batcher-config.ts';
import type { BatcherConfig } from './batcher-config.ts';
import { BATCHER_METRICS } from './batcher-metrics.ts';

export interface BatcherServiceOptions {
  config: BatcherConfig;
  bus: Bus;
  store: ContentStore;
  logger?: Logger;
  readiness?: readonly ReadinessCheck[];
  handleSignals?: boolean;
  clock?: BatcherClock;
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class BatcherModule {}
Module({})(BatcherModule);

export async function startBatcherService(options: BatcherServiceOptions): Promise<RunningService> {
  const { config } = options;
  const logger = options.logger ?? createLogger('batcher');
  const metrics = new ServiceMetrics('batcher', BATCHER_METRICS);
  const sealed = metrics.counter(BATCHER_METRICS.batchesSealedTotal, 'Batch-files sealed and announced');
  const files = metrics.counter(BATCHER_METRICS.txFilesSealedTotal, 'Tx-files sealed into batch-files');
  const sealSeconds = metrics.histogram(
    BATCHER_METRICS.sealDurationSeconds,
    'Time to seal one batch',
    [],
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120, 600],
  );
  const backlog = metrics.gauge(
    BATCHER_METRICS.backlogRecords,
    'Accepted tx-files not yet in a sealed batch',
  );
  const skipped = metrics.counter(
    BATCHER_METRICS.recordsSkippedTotal,
    'Repeated records left out of batches',
    ['reason'],
  );
  const refused = metrics.counter(
    BATCHER_METRICS.recordsRefusedTotal,
    'Accepted-topic records refused and dead-lettered, by reason (CID_MISMATCH, UNKNOWN_RELAY_KEY, …)',
    ['reason'],
  );
  const restored = metrics.counter(
    BATCHER_METRICS.txFilesRestoredTotal,
    'Tx-files whose block was missing from storage, stored again from their bus record',
  );
  const failures = metrics.counter(
    BATCHER_METRICS.failuresTotal,
    'Seal attempts that failed (retried next tick)',
  );
  const lastSequence = metrics.gauge(BATCHER_METRICS.lastSequence, 'Sequence of the last sealed batch');

  // One partition: batches form one hash chain, read in order by the anchorer.
  await options.bus.ensureTopic(BATCH_SEALED_TOPIC, { partitions: 1 });
  const batcher = new Batcher({
    bus: options.bus,
    store: options.store,
    platform: config.platform,
    intervalMs: config.intervalMs,
    maxFiles: config.maxFiles,
    relayKeys: relayPublicKeyList(config),
    pinTimeoutMs: config.pinTimeoutMs,
    receiptCheckThreads: config.receiptCheckThreads,
    ...(options.clock ? { clock: options.clock } : {}),
    observer: {
      onBatchSealed(event, details) {
        sealed.inc();
        files.inc(event.count);
        sealSeconds.observe(details.durationMs / 1000);
        lastSequence.set(event.sequence);
        logger.info(
          {
            sequence: event.sequence,
            batchCid: event.batchCid,
            merkleRoot: event.merkleRoot,
            count: event.count,
            ms: Math.round(details.durationMs),
            announced: details.announced,
          },
          'batch sealed',
        );
      },
      onBacklog(records) {
        backlog.set(records);
      },
      onRecordSkipped(reason, partition, offset) {
        skipped.inc({ reason });
        logger.warn({ reason, partition, offset }, 'record left out of the batch');
      },
      onRecordRefused(refusal, deadLetterTopic) {
        refused.inc({ reason: refusal.reason });
        // Where it is, why, what it claimed: never the record itself.
        logger.warn({ ...refusal, deadLetterTopic }, 'record refused and dead-lettered');
      },
      onTxFileRestored(cid) {
        restored.inc();
        logger.warn({ cid }, 'tx-file block was missing: stored again from its bus record');
      },
      onError(error) {
        failures.inc();
        const { code, retryable } = error as { code?: unknown; retryable?: unknown };
        logger.error({ err: error, code, retryable }, 'seal failed, retrying at the next tick');
      },
    },
  });

  const service = await startServiceApp({
    service: 'batcher',
    module: BatcherModule,
    host: config.host,
    port: config.port,
    management: { host: config.managementHost, port: config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    logger,
    metrics,
    readiness: options.readiness,
    handleSignals: options.handleSignals,
  });
  batcher.start();
  logger.info(
    {
      platform: config.platform,
      intervalMs: config.intervalMs,
      maxFiles: config.maxFiles,
      pinTimeoutMs: config.pinTimeoutMs,
      receiptCheckThreads: config.receiptCheckThreads,
      relayKeyIds: batcher.relayKeyIds,
    },
    'batcher started',
  );

  let closing: Promise<void> | undefined;
  return {
    name: 'batcher',
    urls: {
      http: service.url,
      ...(service.managementUrl === undefined ? {} : { management: service.managementUrl }),
    },
    close: () =>
      (closing ??= (async () => {
        await batcher.stop();
        await service.close();
      })()),
  };
}
