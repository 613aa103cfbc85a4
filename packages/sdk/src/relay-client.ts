/**
 * A relay over HTTP, for an app: submit a tx-file with the tenant's API key and get its receipt
 * checked, read a file or a receipt back by CID, and follow a recipient's files (./relay-subscription.ts).
 *
 * Submitting is retried with the same bytes: the relay accepts a file once by its CID and answers a
 * repeat with the earlier receipt (`duplicate`), so a retry after a lost answer cannot send twice.
 * Only failures that can pass are retried (no answer, 429, 5xx).
 *
 * Portable (`fetch`, WebCrypto, no Node built-in): `@anchorpost/sdk/browser-app` exports it for
 * pages; a relay answers a page of another origin only when its operator allows that origin
 * (ANCHORPOST_RELAY_CORS_ORIGINS). The API key travels in `Authorization`, never in a URL.
 */
import type { RelayReceipt } from '@anchorpost/relay-core';
import { cidForBytesWeb } from '@anchorpost/protocol/portable';
import { DEFAULT_TX_FILE_LIMITS } from '@anchorpost/protocol/web';
import { baseUrl, isRecord, refusalOf, send } from './api-refusal.ts';
import { checkReceiptWeb, type RelayPublicKey } from './receipts-web.ts';
import {
  subscribeTxFiles,
  type DeliveredTxFile,
  type ResumableSubscriptionOptions,
} from './relay-subscription.ts';
import { checkedCid } from './proof-api-client.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { submitWithRetries } from './submit-with-retries.ts';

export interface RelayClientOptions {
  /** The relay's base URL. */
  readonly url: string;
  /** The tenant's API key (scopes `submit` and/or `subscribe`); reading files by CID needs none. */
  readonly apiKey?: string | undefined;
  /** The tenant, sent as `Anchorpost-Tenant`; the relay refuses it unless it is the key's own. */
  readonly tenant?: string | undefined;
  /** The relay's public key: when given, every receipt's signature is checked against it. */
  readonly relayKey?: RelayPublicKey | undefined;
  /** Tries per submission, the first included; default 4. */
  readonly attempts?: number | undefined;
  /** First delay between tries, doubled each time; default 250 ms. */
  readonly retryDelayMs?: number | undefined;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/** The relay's answer to a submission. */
export interface SubmittedTxFile {
  readonly receipt: RelayReceipt;
  /** True when the relay had accepted these bytes before (the receipt is the earlier one). */
  readonly duplicate: boolean;
}

function isSubmitted(value: unknown): value is SubmittedTxFile {
  if (!isRecord(value) || typeof value.duplicate !== 'boolean' || !isRecord(value.receipt)) return false;
  const { receipt } = value;
  return (
    typeof receipt.cid === 'string' &&
    typeof receipt.sequence === 'number' &&
    typeof receipt.acceptedAt === 'string'
  );
}

export class RelayClient {
  readonly url: string;
  readonly #options: RelayClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: RelayClientOptions) {
    this.url = baseUrl(options.url, 'the relay URL');
    this.#options = options;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * Submits the tx-file bytes and answers the relay's receipt, checked to be for these bytes (and
   * signed by `relayKey` when given). Retries the same bytes on UNAVAILABLE; any refusal is final.
   */
  async submit(bytes: Uint8Array): Promise<SubmittedTxFile> {
    return submitWithRetries(bytes, this.#options, (b) => this.#submitOnce(b));
  }

  #apiKey(): string {
    const { apiKey } = this.#options;
    if (apiKey === undefined || apiKey === '') {
      throw new SdkError(SdkErrorCode.InvalidInput, "this needs the tenant's API key", { field: 'apiKey' });
    }
    return apiKey;
  }

  async #submitOnce(bytes: Uint8Array): Promise<SubmittedTxFile> {
    const apiKey = this.#apiKey();
    const { tenant } = this.#options;
    const response = await send(this.#fetch, 'POST /v1/tx-files', `${this.url}/v1/tx-files`, {
      method: 'POST',
      headers: {
        'content-type': 'application/yaml',
        authorization: `Bearer ${apiKey}`,
        ...(tenant === undefined ? {} : { 'anchorpost-tenant': tenant }),
      },
      body: bytes,
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
    });
    if (!response.ok) throw await refusalOf('POST /v1/tx-files', response);
    const body: unknown = await response.json().catch(() => null);
    if (!isSubmitted(body)) {
      throw new SdkError(
        SdkErrorCode.BadResponse,
        `${this.url} answered ${response.status} without a receipt`,
      );
    }
    return body;
  }

  /** The bytes of the tx-file `cid`, refused (CID_MISMATCH) unless they are that CID's. */
  async txFile(cid: string): Promise<Uint8Array> {
    const checked = checkedCid(cid);
    const what = `GET /v1/tx-files/${checked}`;
    const response = await send(this.#fetch, what, `${this.url}/v1/tx-files/${checked}`, {
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
    });
    if (response.status !== 200) throw await refusalOf(what, response);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength > DEFAULT_TX_FILE_LIMITS.maxBytes || (await cidForBytesWeb(bytes)) !== checked) {
      throw new SdkError(SdkErrorCode.CidMismatch, `the relay answered other bytes than ${checked}`, {
        field: 'txFile',
      });
    }
    return bytes;
  }

  /** The relay's receipt of `cid` (checked against `relayKey` when given); NOT_FOUND if it never accepted it. */
  async receipt(cid: string): Promise<RelayReceipt> {
    const checked = checkedCid(cid);
    const what = `GET /v1/receipts/${checked}`;
    const response = await send(this.#fetch, what, `${this.url}/v1/receipts/${checked}`, {
      headers: { accept: 'application/json', authorization: `Bearer ${this.#apiKey()}` },
      signal: AbortSignal.timeout(this.#options.timeoutMs ?? 30_000),
    });
    if (response.status !== 200) throw await refusalOf(what, response);
    const body: unknown = await response.json().catch(() => null);
    const receipt = isRecord(body) && isRecord(body.receipt) ? body.receipt : body;
    if (!isRecord(receipt) || typeof receipt.cid !== 'string') {
      throw new SdkError(SdkErrorCode.BadResponse, `${what} answered no receipt`);
    }
    await checkReceiptWeb(receipt as unknown as RelayReceipt, checked, this.#options.relayKey);
    return receipt as unknown as RelayReceipt;
  }

  /** The files sent to `recipient`, resumable: see {@link subscribeTxFiles}. */
  subscribe(
    recipient: string,
    options: ResumableSubscriptionOptions = {},
  ): AsyncGenerator<DeliveredTxFile, void, undefined> {
    return subscribeTxFiles({
      ...options,
      relay: this.url,
      apiKey: this.#apiKey(),
      recipient,
      fetch: this.#fetch,
    });
  }
}
