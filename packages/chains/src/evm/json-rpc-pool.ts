/**
 * JSON-RPC over HTTP with failover across a list of endpoints. An endpoint that fails at the
 * transport level (connection refused, timeout, HTTP error, garbage) is put aside for a cooldown
 * and the next one is tried; an answer with a JSON-RPC error is the node speaking and is returned
 * to the caller as RpcResponseError (no failover: another node would say the same).
 */
import { ChainError, ChainErrorCode } from '../chain-error.ts';

export interface JsonRpcPoolOptions {
  readonly urls: readonly string[];
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** How long a failed endpoint is skipped while others work. Default 30 s. */
  readonly cooldownMs?: number;
}

/** A JSON-RPC error object returned by a node: a ChainError RPC_ERROR carrying the node's code and data. */
export class RpcResponseError extends ChainError {
  override readonly name = 'RpcResponseError';
  readonly rpcCode: number;
  /** Revert data for eth_call/eth_estimateGas, when the node sends it. */
  readonly data: unknown;

  constructor(rpcCode: number, message: string, data: unknown) {
    super(ChainErrorCode.RpcError, message);
    this.rpcCode = rpcCode;
    this.data = data;
  }
}

interface Endpoint {
  readonly url: string;
  downUntil: number;
  lastError: string | undefined;
}

interface JsonRpcResponse {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

export class JsonRpcPool {
  readonly #endpoints: Endpoint[];
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  #nextId = 1;

  constructor(options: JsonRpcPoolOptions) {
    if (options.urls.length === 0)
      throw new ChainError(ChainErrorCode.BadConfig, 'at least one RPC URL is needed');
    this.#endpoints = options.urls.map((url) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch (cause) {
        throw new ChainError(ChainErrorCode.BadConfig, `not a URL: ${url}`, { cause });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new ChainError(ChainErrorCode.BadConfig, `RPC URL must be http(s): ${url}`);
      }
      return { url, downUntil: 0, lastError: undefined };
    });
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
  }

  /** The endpoints in the order they will be tried now (healthy first, in configured order). */
  get urls(): string[] {
    return this.#ordered().map((e) => e.url);
  }

  async request<T>(method: string, params: readonly unknown[]): Promise<T> {
    const failures: string[] = [];
    for (const endpoint of this.#ordered()) {
      const outcome = await this.#send(endpoint, method, params);
      if (outcome.ok) {
        endpoint.downUntil = 0;
        endpoint.lastError = undefined;
        if (outcome.response.error !== undefined) {
          const { code, message, data } = outcome.response.error;
          throw new RpcResponseError(
            typeof code === 'number' ? code : 0,
            typeof message === 'string' ? message : 'JSON-RPC error',
            data,
          );
        }
        return outcome.response.result as T;
      }
      endpoint.downUntil = Date.now() + this.#cooldownMs;
      endpoint.lastError = outcome.reason;
      failures.push(`${redact(endpoint.url)}: ${outcome.reason}`);
    }
    throw new ChainError(
      ChainErrorCode.Unavailable,
      `${method}: no RPC endpoint answered (${failures.join('; ')})`,
    );
  }

  #ordered(): Endpoint[] {
    const now = Date.now();
    // Endpoints in cooldown are still tried last: better a slow answer than none.
    return [
      ...this.#endpoints.filter((e) => e.downUntil <= now),
      ...this.#endpoints.filter((e) => e.downUntil > now),
    ];
  }

  async #send(
    endpoint: Endpoint,
    method: string,
    params: readonly unknown[],
  ): Promise<{ ok: true; response: JsonRpcResponse } | { ok: false; reason: string }> {
    const id = this.#nextId++;
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      return { ok: false, reason: describeFetchError(error) };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return { ok: false, reason: `HTTP ${response.status} without a JSON body` };
    }
    if (!isResponse(body) || body.id !== id || (!('result' in body) && body.error === undefined)) {
      return { ok: false, reason: `HTTP ${response.status} with a malformed JSON-RPC response` };
    }
    // Rate limits and overloaded gateways: another endpoint may well answer.
    if (response.status === 429 || response.status >= 500) {
      if (body.error === undefined) return { ok: false, reason: `HTTP ${response.status}` };
      if (response.status === 429 || body.error.code === -32005) return { ok: false, reason: 'rate limited' };
    }
    return { ok: true, response: body };
  }
}

function isResponse(value: unknown): value is JsonRpcResponse {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeFetchError(error: unknown): string {
  if (error instanceof DOMException && error.name === 'TimeoutError') return 'timed out';
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** RPC URLs often carry an API key in the path or query; keep it out of errors and logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '<bad url>';
  }
}
