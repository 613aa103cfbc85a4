/**
 * What was opened, closed in reverse order once: the adapters of a service process and the
 * one-process platform's embedded infrastructure. A part that fails to close is logged and the
 * rest still close; closing again answers the first close.
 */
import type { Logger } from '@anchorpost/service-kit';

export class CloseStack {
  readonly #logger: Logger;
  readonly #parts: { name: string; close: () => Promise<void> }[] = [];
  #closing: Promise<void> | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  push(name: string, close: () => Promise<void>): void {
    this.#parts.push({ name, close });
  }

  /** Closes everything pushed, last first. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      while (this.#parts.length > 0) {
        const part = this.#parts.pop()!;
        try {
          await part.close();
        } catch (error) {
          this.#logger.error({ err: error, part: part.name }, 'failed to close cleanly');
        }
      }
    })();
    return this.#closing;
  }
}
