import { BusError, BusErrorCode } from '@anchorpost/bus-port';
import type { PartitionLog } from './partition-log.ts';

type Round = PromiseWithResolvers<undefined>;

/**
 * Group commit: every publish waiting at the same moment shares one round of writes and one
 * fdatasync per touched partition. While a round is on disk, new records queue for the next one,
 * so a burst of concurrent publishers costs a few fsyncs rather than one each.
 * A failed write or fsync leaves the files in an unknown state: the bus stops accepting writes
 * (STORAGE_FAILED) until it is reopened, which recovers the logs.
 */
export class GroupCommit {
  private readonly dirty = new Set<PartitionLog>();
  private next: Round | null = null;
  private running: Promise<void> | null = null;
  private failure: BusError | null = null;

  /** Non-null once a round failed: the reason every later write is refused. */
  get failed(): BusError | null {
    return this.failure;
  }

  /** Records queued on `log` are made durable in the next round; resolves when that round ends. */
  request(log: PartitionLog): Promise<undefined> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.dirty.add(log);
    this.next ??= round();
    this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run());
    return this.next.promise;
  }

  /** Resolves when no round is running or waiting. */
  async drain(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private async run(): Promise<void> {
    while (this.next !== null) {
      const current = this.next;
      this.next = null;
      const logs = [...this.dirty];
      this.dirty.clear();
      let error = await firstFailure(logs.map((log) => log.writePending()));
      error ??= await firstFailure(logs.map((log) => log.sync()));
      if (error !== undefined) {
        this.failure = new BusError(
          BusErrorCode.StorageFailed,
          `writing the log failed: ${error instanceof Error ? error.message : 'unknown error'}`,
          {
            cause: error,
          },
        );
        current.reject(this.failure);
        this.queuedRound()?.reject(this.failure);
        this.next = null;
        break;
      }
      for (const log of logs) log.markDurable();
      current.resolve(undefined);
    }
    this.running = null;
  }

  /** The round publishers queued for while the current one was on disk. */
  private queuedRound(): Round | null {
    return this.next;
  }
}

function round(): Round {
  return Promise.withResolvers<undefined>();
}

/** Waits for every operation (none is left running) and returns the first error, if any. */
async function firstFailure(operations: readonly Promise<void>[]): Promise<unknown> {
  const results = await Promise.allSettled(operations);
  for (const result of results)
    if (result.status === 'rejected') return result.reason ?? new Error('unknown failure');
  return undefined;
}
