// What applications do against the platform: submit tx-files over HTTP (retrying the same bytes
// until a receipt comes back, as "accepted means durable" allows), and subscribe over SSE,
// reconnecting with the last event id after any drop.
import { request as httpRequest, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Receipt {
  cid: string;
  sequence: number;
  recipientHash: string;
  acceptedAt: string;
  relayKeyId: string;
  signature: string;
}

/** Submits until a receipt comes back; `relayUrl()` may change while the platform restarts. */
export async function submitUntilAccepted(
  relayUrl: () => string,
  apiKey: string,
  bytes: Uint8Array,
  deadline: number,
): Promise<Receipt> {
  for (;;) {
    try {
      const response = await fetch(`${relayUrl()}/v1/tx-files`, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
        body: bytes,
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as {
        receipt?: Receipt;
        error?: { code: string; retryable: boolean };
      };
      if (body.receipt) return body.receipt;
      if (body.error && !body.error.retryable) throw new Error(`refused: ${body.error.code}`);
    } catch (error) {
      if ((error as Error).message.startsWith('refused:')) throw error;
      // The platform is down or restarting: the same bytes again are safe.
    }
    if (Date.now() > deadline) throw new Error('no receipt before the deadline');
    await sleep(200);
  }
}

export interface Delivery {
  cid: string;
  cursor: string;
}

/**
 * An SSE subscriber that never gives up: after a drop it reconnects to `relayUrl()` with the
 * last id it saw. Records every delivery, so the test can check "exactly once".
 */
export class Subscriber {
  readonly deliveries: Delivery[] = [];
  #lastId: string | undefined;
  #request: ClientRequest | undefined;
  #stopped = false;
  #ready: Promise<void>;
  #markReady!: () => void;
  readonly reconnects: number[] = [];
  readonly name: string;
  readonly recipientHash: string;
  readonly #relayUrl: () => string;
  readonly #apiKey: string;

  /** `apiKey`: a key with the `subscribe` scope, sent as `Authorization: Bearer`. */
  constructor(name: string, recipientHash: string, relayUrl: () => string, apiKey: string) {
    this.name = name;
    this.#apiKey = apiKey;
    this.recipientHash = recipientHash;
    this.#relayUrl = relayUrl;
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
    void this.#loop();
  }

  /** Resolves once the first stream is open and its start is known. */
  ready(): Promise<void> {
    return this.#ready;
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      try {
        await this.#stream();
      } catch {
        // dropped: reconnect below
      }
      // stop() may have been called while the stream was open.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (this.#stopped) return;
      this.reconnects.push(Date.now());
      await sleep(250);
    }
  }

  #stream(): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        accept: 'text/event-stream',
        authorization: `Bearer ${this.#apiKey}`,
      };
      if (this.#lastId !== undefined) headers['last-event-id'] = this.#lastId;
      const request = httpRequest(`${this.#relayUrl()}/v1/subscriptions/${this.recipientHash}`, { headers });
      this.#request = request;
      request.on('error', reject);
      request.on('response', (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`status ${response.statusCode}`));
          return;
        }
        let buffer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            this.#onEvent(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        });
        response.on('end', resolve);
        response.on('error', reject);
      });
      request.end();
    });
  }

  #onEvent(block: string): void {
    const fields: Record<string, string> = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(': ');
      if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 2);
    }
    if (fields.id !== undefined) this.#lastId = fields.id;
    if (fields.event === 'ready') this.#markReady();
    if (fields.event === 'tx-file' && fields.data !== undefined) {
      const data = JSON.parse(fields.data) as { cid: string; cursor: string };
      this.deliveries.push({ cid: data.cid, cursor: data.cursor });
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#request?.destroy();
  }
}

export async function waitUntil(
  what: string,
  done: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(250);
  }
}
