/**
 * ErgoBlockView over an Ergo node's REST API, with fetch alone (the relay needs two reads, not a
 * chain client): `GET /blocks/at/{height}` (the header ids at a height, the best chain's first)
 * and `GET /info` (`fullHeight`, and `network` once at start). Anything but a well-formed answer in time — refused connection,
 * timeout, HTTP error, malformed JSON — is ERGO_NODE_UNAVAILABLE (retryable).
 */
import type { ErgoBlockView } from './ergo-block-view.ts';
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface ErgoNodeBlockViewOptions {
  /** The node's base URL (http or https). */
  readonly url: string;
  /** Per request; default 5 s. */
  readonly timeoutMs?: number;
}

const ID_RE = /^[0-9a-fA-F]{64}$/;

export class ErgoNodeBlockView implements ErgoBlockView {
  readonly #base: string;
  readonly #timeoutMs: number;

  constructor(options: ErgoNodeBlockViewOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new RelayError(
        RelayErrorCode.BadConfig,
        `ergo node URL ${JSON.stringify(options.url)} is no URL`,
      );
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new RelayError(RelayErrorCode.BadConfig, 'ergo node URL must use http or https');
    }
    const timeoutMs = options.timeoutMs ?? 5_000;
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
      throw new RelayError(RelayErrorCode.BadConfig, 'ergo node timeoutMs must be a positive integer');
    }
    this.#base = url.href.replace(/\/+$/, '');
    this.#timeoutMs = timeoutMs;
  }

  async blockIdAt(height: number): Promise<string | undefined> {
    const path = `/blocks/at/${height}`;
    const ids = await this.#get(path);
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string' && ID_RE.test(id))) {
      throw unavailable(`${path} answered no list of header ids`);
    }
    return (ids[0] as string | undefined)?.toLowerCase();
  }

  async tipHeight(): Promise<number> {
    const info = await this.#get('/info');
    const height = (info as { fullHeight?: unknown } | null)?.fullHeight;
    if (typeof height !== 'number' || !Number.isSafeInteger(height) || height < 0) {
      // null too: a node still syncing has no full blocks to check against.
      throw unavailable('/info has no fullHeight');
    }
    return height;
  }

  /**
   * The network the node reports in `/info` (`mainnet`, `testnet`, `devnet`); undefined when it
   * does not say. The relay compares it with its setting once, when it starts.
   */
  async network(): Promise<string | undefined> {
    const network = ((await this.#get('/info')) as { network?: unknown } | null)?.network;
    return typeof network === 'string' ? network : undefined;
  }

  async #get(path: string): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(this.#base + path, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (cause) {
      throw unavailable(
        `${path}: ${(cause as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable'}`,
        cause,
      );
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw unavailable(`${path} answered HTTP ${response.status}`);
    }
    try {
      return await response.json();
    } catch (cause) {
      throw unavailable(`${path} answered no JSON`, cause);
    }
  }
}

function unavailable(what: string, cause?: unknown): RelayError {
  return new RelayError(
    RelayErrorCode.ErgoNodeUnavailable,
    `the relay cannot check the tx-file's blocks now (Ergo node ${what}); try again`,
    cause === undefined ? undefined : { cause },
  );
}
