/**
 * The Subscribe calls in progress, so that shutting down ends each one (the relay's stream of
 * deliveries never ends by itself) and a call arriving after that ends at once.
 */
export class OpenSubscriptions {
  readonly #open = new Set<AbortController>();
  #closing = false;

  /** A controller for one call; already aborted once the server is closing. */
  open(): AbortController {
    const controller = new AbortController();
    this.#open.add(controller);
    if (this.#closing) controller.abort();
    return controller;
  }

  /** The call is over: forget it and stop its deliveries. */
  close(controller: AbortController): void {
    this.#open.delete(controller);
    controller.abort();
  }

  endAll(): void {
    this.#closing = true;
    for (const controller of this.#open) controller.abort();
  }
}
