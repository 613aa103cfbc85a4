/**
 * Turns `anchorpost.batch.sealed.v1` into anchor requests, one per configured chain. The bus commits a record's offset only
 * after the handler resolved, i.e. after the request is stored, so a crash in between reads the
 * record again (anchor() is idempotent). A record that cannot become a request (undecodable, or a
 * sequence already requested with another root) fails with a non-retryable error and goes to the
 * dead-letter topic at once; a passing outage (database, RPC) is retried with backoff for as long
 * as it lasts, so no good batch is dead-lettered because a dependency was down.
 */
import type { Bus, DeliveryFailure, Subscription } from '@anchorpost/bus';
import type { AnchorChain } from '@anchorpost/chains';
import { batchSealed } from '@anchorpost/events';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import { ANCHORER_METRICS } from './anchorer-metrics.ts';

export interface BatchSealedConsumerOptions {
  readonly bus: Bus;
  /** Every chain a batch is anchored on (EVM, and Ergo when configured). */
  readonly chains: readonly AnchorChain[];
  readonly groupId: string;
  readonly partitions: number;
  readonly maxBackoffMs: number;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

export async function consumeBatchSealed(options: BatchSealedConsumerOptions): Promise<Subscription> {
  const { bus, chains, logger, metrics } = options;
  const requested = metrics.counter(
    ANCHORER_METRICS.requestsTotal,
    'Sealed batches handed to a chain as anchor requests, by chain',
    ['chain'],
  );
  const failures = metrics.counter(
    ANCHORER_METRICS.consumeFailuresTotal,
    'Failed attempts at a sealed-batch record, by stage and what the consumer does next',
    ['stage', 'next'],
  );
  await bus.ensureTopic(batchSealed.topic, { partitions: options.partitions });
  return bus.subscribe({
    groupId: options.groupId,
    topic: batchSealed.topic,
    // A new group anchors every batch ever sealed; anchor() skips what is already requested.
    fromBeginning: true,
    retry: { maxAttempts: Number.MAX_SAFE_INTEGER, maxBackoffMs: options.maxBackoffMs },
    deadLetter: true,
    handler: async (records) => {
      for (const record of records) {
        const event = batchSealed.decode(record.value);
        // anchor() is idempotent per chain: a retry after a partial failure re-asks the ones done.
        for (const chain of chains) {
          const stored = await chain.anchor({
            sequence: event.sequence,
            root: event.merkleRoot,
            batchCid: event.batchCid,
          });
          requested.inc({ chain: chain.id });
          logger.info(
            {
              chain: chain.id,
              platform: event.platform,
              sequence: event.sequence,
              batchCid: event.batchCid,
              state: stored.state,
              partition: record.partition,
              offset: record.offset,
            },
            'anchor requested',
          );
        }
      }
    },
    onFailure: (failure: DeliveryFailure) => {
      failures.inc({ stage: failure.stage, next: failure.next });
      const record = failure.records[0];
      logger[failure.next === 'dead-letter' ? 'error' : 'warn'](
        {
          stage: failure.stage,
          next: failure.next,
          attempt: failure.attempt,
          err: failure.error,
          ...(record === undefined ? {} : { partition: record.partition, offset: record.offset }),
        },
        failure.next === 'dead-letter'
          ? 'sealed batch cannot be anchored; sent to the dead-letter topic'
          : 'sealed batch not handled yet',
      );
    },
  });
}
