/**
 * The proof API over `fetch`: a tx-file's proof and the platform's published trust roots. The
 * answers are not trusted: the proof is verified against the caller's trust roots and chain nodes
 * (verify-tx-file.ts), and published trust roots are the platform's word, to be compared out of
 * band before they are relied on.
 */
import { parseCid } from '@anchorpost/protocol/portable';
import { baseUrl, isRecord, refusal } from './api-refusal.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export interface ProofApiClientOptions {
  /** The proof API's base URL, e.g. `https://proofs.example.org`. */
  readonly url: string;
  /** Per request; default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Another `fetch` (a test's, a proxy's); default the platform's. */
  readonly fetch?: typeof fetch | undefined;
}

/** The proof API's answer while a tx-file is accepted but not yet provable (HTTP 202). */
export interface PendingProof {
  readonly cid: string;
  readonly status: 'pending';
  readonly stage: 'accepted' | 'sealed';
}

export class ProofApiClient {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ProofApiClientOptions) {
    this.url = baseUrl(options.url, 'the proof API URL');
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  /**
   * The tx-file's proof as JSON (parse and verify it before use). PENDING (retryable) while the
   * tx-file is not yet anchored; NOT_FOUND when the platform never accepted it.
   */
  async proof(txFileCid: string): Promise<unknown> {
    const cid = checkedCid(txFileCid);
    const { status, body } = await this.#get(`/v1/proofs/${cid}`);
    if (status === 202) {
      const stage = isRecord(body) && typeof body.stage === 'string' ? body.stage : 'accepted';
      throw new SdkError(
        SdkErrorCode.Pending,
        `tx-file ${cid} is ${stage}, not yet anchored: ask again later`,
      );
    }
    return body;
  }

  /**
   * The CIDs of the anchored tx-files to `recipient` (a group's recipient hash), every page of
   * `GET /v1/messages` read. What they are is checked by their proofs, not by this list.
   */
  async messages(recipient: string): Promise<string[]> {
    const cids: string[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ recipient, limit: '1000' });
      if (cursor !== undefined) query.set('cursor', cursor);
      const { body } = await this.#get(`/v1/messages?${query.toString()}`);
      const items = isRecord(body) && Array.isArray(body.items) ? (body.items as unknown[]) : [];
      for (const item of items) if (isRecord(item) && typeof item.cid === 'string') cids.push(item.cid);
      cursor = isRecord(body) && typeof body.cursor === 'string' ? body.cursor : undefined;
    } while (cursor !== undefined);
    return [...new Set(cids)];
  }

  /** The trust roots the platform publishes (its word: compare them out of band before relying on them). */
  async trustRoots(): Promise<unknown> {
    return (await this.#get('/v1/trust-roots')).body;
  }

  async #get(path: string): Promise<{ status: number; body: unknown }> {
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(this.url + path, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new SdkError(SdkErrorCode.Unavailable, `GET ${path}: ${(cause as Error).message}`, { cause });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      if (response.status >= 500) {
        throw new SdkError(SdkErrorCode.Unavailable, `GET ${path}: HTTP ${response.status}`);
      }
      throw new SdkError(SdkErrorCode.BadResponse, `GET ${path}: HTTP ${response.status}, not JSON`, {
        cause,
      });
    }
    if (response.ok) return { status: response.status, body };
    throw refusal(`GET ${path}`, response.status, body);
  }
}

export function checkedCid(text: string): string {
  try {
    return parseCid(text, 'cid').toString();
  } catch (cause) {
    throw new SdkError(SdkErrorCode.InvalidInput, `not a CID: ${text.slice(0, 100)}`, { cause });
  }
}
