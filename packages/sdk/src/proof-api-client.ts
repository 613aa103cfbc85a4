/**
 * The proof API over `fetch`: a tx-file's proof and the platform's published trust roots. The
 * answers are not trusted: the proof is verified against the caller's trust roots and chain nodes
 * (verify-tx-file.ts), and published trust roots are the platform's word, to be compared out of
 * band before they are relied on.
 */
import { parseCid } from '@anchorpost/protocol/portable';
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
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch (cause) {
      throw new SdkError(SdkErrorCode.InvalidInput, `not a URL: ${options.url}`, { cause });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SdkError(SdkErrorCode.InvalidInput, `the proof API URL must be http(s): ${options.url}`);
    }
    this.url = parsed.href.replace(/\/+$/, '');
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
    throw refusal(path, response.status, body);
  }
}

function refusal(path: string, status: number, body: unknown): SdkError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const apiCode = typeof error.code === 'string' ? error.code : undefined;
  const requestId = typeof error.requestId === 'string' ? error.requestId : undefined;
  const message = `GET ${path}: HTTP ${status}${apiCode === undefined ? '' : ` ${apiCode}`}: ${
    typeof error.message === 'string' ? error.message : 'no message'
  }`;
  const code =
    status === 404
      ? SdkErrorCode.NotFound
      : status >= 500 || status === 429
        ? SdkErrorCode.Unavailable
        : SdkErrorCode.Refused;
  return new SdkError(code, message, { apiCode, requestId });
}

function checkedCid(text: string): string {
  try {
    return parseCid(text, 'cid').toString();
  } catch (cause) {
    throw new SdkError(SdkErrorCode.InvalidInput, `not a CID: ${text.slice(0, 100)}`, { cause });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
