/**
 * The relay's `POST /v1/tx-files` as an outbox's TxFileSubmitter, with the tenant's API key.
 * A relay that cannot be reached, or answers that it may take the file later (429, 5xx, or a
 * refusal it marks retryable), is UNAVAILABLE: the next run sends the same bytes again. Any other
 * refusal is RELAY_REFUSED with the relay's own code (a key not registered with the tenant, a
 * recipient the tenant may not write to): an operator has to act.
 */
import { OutboxError } from './outbox-error.ts';
import type { TxFileSubmitter } from './tx-file-outbox.ts';

export interface RelayTxFileSubmitterOptions {
  /** The relay's base URL. */
  readonly url: string;
  readonly apiKey: string;
  /** Default 30 s. */
  readonly timeoutMs?: number;
}

/** A receipt, or the services' error body. */
interface RelayAnswer {
  readonly receipt?: { readonly cid?: unknown };
  readonly error?: { readonly code?: string; readonly message?: string; readonly retryable?: boolean };
}

export class RelayTxFileSubmitter implements TxFileSubmitter {
  readonly #url: URL;
  readonly #apiKey: string;
  readonly #timeoutMs: number;

  constructor(options: RelayTxFileSubmitterOptions) {
    this.#url = new URL('v1/tx-files', options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  async submit(bytes: Uint8Array): Promise<{ cid: string }> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { 'content-type': 'application/yaml', authorization: `Bearer ${this.#apiKey}` },
        body: bytes,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw new OutboxError('UNAVAILABLE', `relay ${this.#url.origin}: ${String(error)}`, { cause: error });
    }
    const answer = (await response.json().catch(() => ({}))) as RelayAnswer;
    if (response.ok && typeof answer.receipt?.cid === 'string') return { cid: answer.receipt.cid };
    const { code, message, retryable } = answer.error ?? {};
    const said = `${response.status} ${code ?? ''} ${message ?? ''}`.trim();
    if (response.ok || response.status === 429 || response.status >= 500 || retryable === true) {
      throw new OutboxError('UNAVAILABLE', `relay ${this.#url.origin} did not take the file: ${said}`);
    }
    throw new OutboxError('RELAY_REFUSED', `relay ${this.#url.origin} refused the file: ${said}`);
  }
}
