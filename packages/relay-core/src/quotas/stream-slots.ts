/**
 * Subscription streams per tenant across replicas: a stream holds a lease row in the QuotaStore
 * while open. This replica renews its leases every third of their lifetime and releases one when
 * its stream closes; the leases of a replica that dies expire, freeing their slots within `ttlMs`.
 */
import { randomUUID } from 'node:crypto';
import { RelayError, RelayErrorCode } from '../relay-error.ts';
import type { QuotaStore } from './quota-store.ts';

export interface StreamSlotsOptions {
  store: QuotaStore;
  /** The tenant's stream limit now (TenantQuotas.limits). */
  maxStreams(tenantId: string): Promise<number>;
  /** This replica's name in the lease rows (for operators reading the table). */
  replica: string;
  ttlMs: number;
  /** A failed renewal (the database away): logged by the caller, retried on the next beat. */
  onRenewError?(error: unknown): void;
}

/** One open stream's hold on its tenant's limit; `release` it when the stream ends. */
export interface StreamSlot {
  release(): Promise<void>;
}

export class StreamSlots {
  readonly #options: StreamSlotsOptions;
  readonly #open = new Set<string>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: StreamSlotsOptions) {
    this.#options = options;
    this.#timer = setInterval(
      () => {
        this.#renew();
      },
      Math.max(10, Math.floor(options.ttlMs / 3)),
    );
    this.#timer.unref();
  }

  /** Opens a slot for a new stream of the tenant, or TOO_MANY_STREAMS (retryable). */
  async open(tenantId: string): Promise<StreamSlot> {
    const { store, replica, ttlMs } = this.#options;
    const max = await this.#options.maxStreams(tenantId);
    const id = randomUUID();
    if (!(await store.openStream(tenantId, id, replica, ttlMs, max))) {
      throw new RelayError(
        RelayErrorCode.TooManyStreams,
        `the tenant has ${max} subscription streams open, as many as its plan allows`,
        { field: 'maxStreams', retryAfterMs: 1_000 },
      );
    }
    this.#open.add(id);
    let released: Promise<void> | undefined;
    return {
      release: () =>
        (released ??= (async () => {
          this.#open.delete(id);
          await store.closeStream(id);
        })()),
    };
  }

  /** Open streams on this replica. */
  get size(): number {
    return this.#open.size;
  }

  #renew(): void {
    if (this.#open.size === 0) return;
    this.#options.store.renewStreams([...this.#open], this.#options.ttlMs).catch((error: unknown) => {
      this.#options.onRenewError?.(error);
    });
  }

  /** Stops renewing (the replica is stopping; its streams are closed and release their slots). */
  close(): void {
    clearInterval(this.#timer);
  }
}
