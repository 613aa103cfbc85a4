import {
  assertGroupId,
  assertTopicName,
  type BatchHandler,
  BusError,
  BusErrorCode,
  type DeliveryFailure,
  MAX_RECORDS_PER_READ,
  type SubscribeOptions,
} from '@anchorpost/bus-port';
import { integerArgument } from './integer-argument.ts';

/** How the consumer loop treats a failing handler (defaults filled in). */
export interface DeliveryPolicy {
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly deadLetter: boolean;
}

export interface ResolvedSubscribeOptions {
  readonly groupId: string;
  readonly topic: string;
  readonly fromBeginning: boolean;
  readonly handler: BatchHandler;
  readonly maxBatchRecords: number;
  readonly concurrency: number;
  readonly policy: DeliveryPolicy;
  readonly onFailure: ((failure: DeliveryFailure) => void) | undefined;
}

export const SUBSCRIBE_DEFAULTS = {
  maxBatchRecords: 100,
  concurrency: 1,
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 30_000,
} as const;

/** Checks subscribe options the same way for every adapter and fills in the defaults. */
export function resolveSubscribeOptions(options: SubscribeOptions): ResolvedSubscribeOptions {
  assertGroupId(options.groupId);
  assertTopicName(options.topic);
  if (typeof options.handler !== 'function') {
    throw new BusError(BusErrorCode.InvalidArgument, 'subscribe needs a handler function');
  }
  const retry = options.retry ?? {};
  const policy: DeliveryPolicy = {
    maxAttempts: integerArgument('retry.maxAttempts', retry.maxAttempts ?? SUBSCRIBE_DEFAULTS.maxAttempts, 1),
    initialBackoffMs: integerArgument(
      'retry.initialBackoffMs',
      retry.initialBackoffMs ?? SUBSCRIBE_DEFAULTS.initialBackoffMs,
      0,
    ),
    maxBackoffMs: integerArgument(
      'retry.maxBackoffMs',
      retry.maxBackoffMs ?? SUBSCRIBE_DEFAULTS.maxBackoffMs,
      0,
    ),
    deadLetter: options.deadLetter ?? true,
  };
  return {
    groupId: options.groupId,
    topic: options.topic,
    fromBeginning: options.fromBeginning ?? false,
    handler: options.handler,
    maxBatchRecords: integerArgument(
      'maxBatchRecords',
      options.maxBatchRecords ?? SUBSCRIBE_DEFAULTS.maxBatchRecords,
      1,
      MAX_RECORDS_PER_READ,
    ),
    concurrency: integerArgument('concurrency', options.concurrency ?? SUBSCRIBE_DEFAULTS.concurrency, 1),
    policy,
    onFailure: options.onFailure,
  };
}
