/**
 * The writing side of one Server-Sent Events response, bounded: a write waits for the socket to
 * drain for at most `drainTimeoutMs`, so a client that stops reading holds one event for that
 * long and is then dropped (it resumes with its last event id, which is its cursor); heartbeats
 * are written only while nothing waits for the socket, so they never queue behind a full buffer.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** How a write ended: written (or buffered below the high-water mark), client gone, or too slow. */
export type SendResult = 'sent' | 'gone' | 'slow';

export interface SseStreamOptions {
  /** Comment lines sent this often keep proxies from closing an idle stream. */
  heartbeatMs: number;
  /** How long a write may wait for the client to read. */
  drainTimeoutMs: number;
}

export function sseEvent(name: string, id: string | null, data: unknown): string {
  return `event: ${name}\n${id === null ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

export class SseStream {
  readonly #raw: ServerResponse;
  readonly #signal: AbortSignal;
  readonly #drainTimeoutMs: number;
  readonly #heartbeat: NodeJS.Timeout;

  constructor(raw: ServerResponse, signal: AbortSignal, options: SseStreamOptions) {
    this.#raw = raw;
    this.#signal = signal;
    this.#drainTimeoutMs = options.drainTimeoutMs;
    this.#heartbeat = setInterval(() => {
      // A full buffer already tells the proxy the stream is alive; adding to it would grow it.
      if (!signal.aborted && !raw.writableNeedDrain) raw.write(': keep-alive\n\n');
    }, options.heartbeatMs);
    this.#heartbeat.unref();
  }

  async send(chunk: string | Uint8Array): Promise<SendResult> {
    if (this.#signal.aborted) return 'gone';
    if (this.#raw.write(chunk)) return 'sent';
    const timeout = AbortSignal.timeout(this.#drainTimeoutMs);
    try {
      await once(this.#raw, 'drain', { signal: AbortSignal.any([this.#signal, timeout]) });
      return 'sent';
    } catch {
      return timeout.aborted ? 'slow' : 'gone';
    }
  }

  /** Ends the response; `drop` destroys the socket at once, freeing what it buffered. */
  close(drop: boolean): void {
    clearInterval(this.#heartbeat);
    if (drop) this.#raw.destroy();
    else this.#raw.end();
  }
}
