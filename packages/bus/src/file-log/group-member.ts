import type { Subscription } from '@anchorpost/bus-port';
import type { ResolvedSubscribeOptions } from '../subscribe-options.ts';

/**
 * One subscription: a member of a consumer group. Its handler gets the partitions the group
 * assigns it, at most `concurrency` batches at a time.
 */
export class GroupMember implements Subscription {
  readonly options: ResolvedSubscribeOptions;
  private readonly leave: (member: GroupMember) => Promise<void>;
  private readonly controller = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private free: number;
  private readonly waiting: (() => void)[] = [];
  private closing: Promise<void> | null = null;

  constructor(options: ResolvedSubscribeOptions, leave: (member: GroupMember) => Promise<void>) {
    this.options = options;
    this.leave = leave;
    this.free = options.concurrency;
  }

  /** Aborted when the member leaves: backoffs end, no new handler call starts. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  close(): Promise<void> {
    this.closing ??= this.leave(this);
    return this.closing;
  }

  /** Called by the group as the member leaves. */
  abort(): void {
    this.controller.abort();
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Waits for every delivery this member started. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Registers a delivery so that leaving waits for it. */
  track<T>(delivery: Promise<T>): Promise<T> {
    this.inFlight.add(delivery);
    const forget = (): void => {
      this.inFlight.delete(delivery);
    };
    delivery.then(forget, forget);
    return delivery;
  }

  /** Takes a delivery slot; false if the member left first. */
  async acquire(): Promise<boolean> {
    while (this.free === 0 && !this.signal.aborted) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    if (this.signal.aborted) return false;
    this.free -= 1;
    return true;
  }

  release(): void {
    this.free += 1;
    this.waiting.shift()?.();
  }
}
