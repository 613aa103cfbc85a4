/**
 * How many subscriptions (SSE and gRPC together) one relay process keeps open: each holds a
 * socket, a slice of its partition's records and the event being written, so their number is
 * what bounds the memory of slow subscribers. A subscription past the limit is refused before
 * its stream opens with TOO_MANY_STREAMS (429 / RESOURCE_EXHAUSTED, retryable).
 */
import { RelayError, RelayErrorCode, type Caller } from '@anchorpost/relay-core';

/** A place taken by an open subscription; `release` once it ends (idempotent). */
export interface StreamPermit {
  release(): void;
}

/**
 * Decides whether a caller may open one more subscription. The process limit implements it; a
 * per-tenant quota can wrap it (admit the tenant's, then the process's).
 */
export interface StreamAdmission {
  /** A permit, or throws TOO_MANY_STREAMS (or another stable refusal). */
  admit(caller: Caller): StreamPermit;
}

export class StreamLimit implements StreamAdmission {
  readonly #max: number;
  #open = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get open(): number {
    return this.#open;
  }

  /** The process's limit counts every caller alike (a per-tenant quota wraps it). */
  admit(): StreamPermit {
    if (this.#open >= this.#max) {
      throw new RelayError(
        RelayErrorCode.TooManyStreams,
        'this relay has as many subscriptions open as it allows; retry later or elsewhere',
      );
    }
    this.#open += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#open -= 1;
      },
    };
  }
}
