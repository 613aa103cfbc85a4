/**
 * A typed client for the Ergo node REST API: the endpoints the anchorer, the parser and the
 * verifier use, with a per-request timeout, retries with backoff on transport failures and 5xx
 * answers, failover across several node URLs, and the `api_key` header when one is configured.
 * A 4xx answer is the node speaking: lookups map 404 to `undefined`; a refused transaction is a
 * ChainError REJECTED carrying the node's reason. Nothing here keeps state between calls.
 */
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { parseErgoJson, stringifyErgoJson } from './ergo-json.ts';
import { submitRefusal } from './ergo-node-errors.ts';
import type {
  ErgoBlockJson,
  ErgoBoxJson,
  ErgoHeader,
  ErgoIndexedBox,
  ErgoIndexedTransaction,
  ErgoItems,
  ErgoNodeInfo,
  ErgoTransactionJson,
} from './node-types.ts';

export interface ErgoNodeClientOptions {
  /** One or more node URLs (e.g. http://127.0.0.1:9053); tried in order, failing over on errors. */
  readonly urls: readonly string[];
  /** Sent as the `api_key` header. Not needed for the endpoints used here, but some nodes guard all. */
  readonly apiKey?: string | undefined;
  /** Per request. Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Extra rounds over all URLs after a transport failure or a 5xx. Default 2. */
  readonly retries?: number;
  /** First backoff between rounds, doubled each round. Default 250 ms. */
  readonly backoffMs?: number;
}

const ID_RE = /^[0-9a-f]{64}$/;
/** Page size of the indexer's list endpoints (the node caps it at 16384; keep answers small). */
export const ERGO_INDEX_PAGE = 100;

/** Timers the web platform has too (this client also runs in the browser verifier). */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A node answer that is not a transport failure: its HTTP status and body. */
class NodeAnswer extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export class ErgoNodeClient {
  readonly urls: readonly string[];
  readonly #apiKey: string | undefined;
  readonly #timeoutMs: number;
  readonly #retries: number;
  readonly #backoffMs: number;

  constructor(options: ErgoNodeClientOptions) {
    if (options.urls.length === 0)
      throw new ChainError(ChainErrorCode.BadConfig, 'at least one Ergo node URL is needed');
    this.urls = options.urls.map((url) => {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch (cause) {
        throw new ChainError(ChainErrorCode.BadConfig, `not a URL: ${url}`, { cause });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new ChainError(ChainErrorCode.BadConfig, `Ergo node URL must be http(s): ${url}`);
      return url.replace(/\/+$/, '');
    });
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retries = options.retries ?? 2;
    this.#backoffMs = options.backoffMs ?? 250;
  }

  async info(): Promise<ErgoNodeInfo> {
    const info = record(await this.#ok('GET', '/info'), '/info');
    const fullHeight = info.fullHeight;
    if (fullHeight !== null && !isHeight(fullHeight)) malformed('/info', 'fullHeight');
    const best = info.bestFullHeaderId;
    if (best !== null && !isId(best)) malformed('/info', 'bestFullHeaderId');
    return info as unknown as ErgoNodeInfo;
  }

  /** The newest `count` headers of the best chain, oldest first (as the node returns them). */
  async lastHeaders(count: number): Promise<ErgoHeader[]> {
    const path = `/blocks/lastHeaders/${count}`;
    return list(await this.#ok('GET', path), path).map((h) => header(h, path));
  }

  /** Header ids at `height`; the first is the best chain's. Empty above the tip. */
  async headerIdsAt(height: number): Promise<string[]> {
    const path = `/blocks/at/${height}`;
    const ids = list(await this.#ok('GET', path), path);
    for (const id of ids) if (!isId(id)) malformed(path, 'header id');
    return ids as string[];
  }

  /** The best chain's header id at `height`, or undefined above the tip. */
  async bestHeaderIdAt(height: number): Promise<string | undefined> {
    return (await this.headerIdsAt(height))[0];
  }

  async header(headerId: string): Promise<ErgoHeader | undefined> {
    const path = `/blocks/${id(headerId)}/header`;
    const body = await this.#lookup(path);
    return body === undefined ? undefined : header(body, path);
  }

  async block(headerId: string): Promise<ErgoBlockJson | undefined> {
    const path = `/blocks/${id(headerId)}`;
    const body = await this.#lookup(path);
    if (body === undefined) return undefined;
    const block = record(body, path);
    header(block.header, path);
    const txs = record(block.blockTransactions, path).transactions;
    list(txs, path).forEach((tx) => transaction(tx, path));
    return block as unknown as ErgoBlockJson;
  }

  /** Submits a signed transaction (ergo-lib's `Transaction.to_json()`); returns its id. */
  async submitTransaction(signedTransactionJson: string): Promise<string> {
    let answer: unknown;
    try {
      answer = await this.#ok('POST', '/transactions', signedTransactionJson);
    } catch (error) {
      if (error instanceof NodeAnswer) {
        const why = reason(error.body);
        // A node that already holds it says so with a 400: for us it is accepted.
        const id = (parseErgoJson(signedTransactionJson) as { id?: unknown }).id;
        const refusal = submitRefusal(why);
        if (refusal === 'known' && isId(id)) return id;
        throw new ChainError(ChainErrorCode.Rejected, `the node refused the transaction: ${why}`);
      }
      throw error;
    }
    if (!isId(answer)) malformed('/transactions', 'transaction id');
    return answer;
  }

  async unconfirmedTransaction(txId: string): Promise<ErgoTransactionJson | undefined> {
    const path = `/transactions/unconfirmed/byTransactionId/${id(txId)}`;
    const body = await this.#lookup(path);
    return body === undefined ? undefined : transaction(body, path);
  }

  /** An unspent box of the confirmed UTXO set. */
  async utxo(boxId: string): Promise<ErgoBoxJson | undefined> {
    const path = `/utxo/byId/${id(boxId)}`;
    const body = await this.#lookup(path);
    return body === undefined ? undefined : box(body, path);
  }

  /** An unspent box, the mempool's view included (created by, and not spent by, pool transactions). */
  async utxoWithPool(boxId: string): Promise<ErgoBoxJson | undefined> {
    const path = `/utxo/withPool/byId/${id(boxId)}`;
    const body = await this.#lookup(path);
    return body === undefined ? undefined : box(body, path);
  }

  /** A confirmed transaction from the node's extra index (needs `extraIndex = true`). */
  async indexedTransaction(txId: string): Promise<ErgoIndexedTransaction | undefined> {
    const path = `/blockchain/transaction/byId/${id(txId)}`;
    const body = await this.#lookup(path);
    if (body === undefined) return undefined;
    const tx = transaction(body, path) as unknown as Record<string, unknown>;
    if (!isId(tx.blockId) || !isHeight(tx.inclusionHeight) || typeof tx.timestamp !== 'number')
      malformed(path, 'blockId/inclusionHeight/timestamp');
    return tx as unknown as ErgoIndexedTransaction;
  }

  /**
   * How far the node's extra index has got (it trails the chain): `/blockchain/indexedHeight`.
   * Undefined from a node without the endpoint.
   */
  async indexedHeight(): Promise<{ indexedHeight: number; fullHeight: number } | undefined> {
    const body = await this.#lookup('/blockchain/indexedHeight');
    if (body === undefined) return undefined;
    const answer = record(body, '/blockchain/indexedHeight');
    if (!isHeight(answer.indexedHeight) || !isHeight(answer.fullHeight))
      malformed('/blockchain/indexedHeight', 'indexedHeight/fullHeight');
    return { indexedHeight: answer.indexedHeight, fullHeight: answer.fullHeight };
  }

  /**
   * One page of the boxes that ever held `tokenId` (extra index). Nodes since 5.0.25 list them
   * newest first, older ones oldest first: callers order by `globalIndex`.
   */
  async boxesByTokenId(
    tokenId: string,
    offset: number,
    limit = ERGO_INDEX_PAGE,
  ): Promise<ErgoItems<ErgoIndexedBox>> {
    return this.#indexedBoxes(`/blockchain/box/byTokenId/${id(tokenId)}?offset=${offset}&limit=${limit}`);
  }

  /** The confirmed unspent boxes holding `tokenId` (extra index). */
  async unspentBoxesByTokenId(
    tokenId: string,
    offset = 0,
    limit = ERGO_INDEX_PAGE,
  ): Promise<ErgoIndexedBox[]> {
    const path = `/blockchain/box/unspent/byTokenId/${id(tokenId)}?offset=${offset}&limit=${limit}`;
    const body = await this.#ok('GET', path);
    // The node answers a bare array here, and {items, total} on byTokenId.
    const items = Array.isArray(body) ? body : list(record(body, path).items, path);
    return items.map((b) => indexedBox(b, path));
  }

  /**
   * Confirmed unspent boxes of an address (extra index), for the wallet's box selection. `pool`:
   * the node's pool taken into account — boxes it would create added, boxes it spends left out.
   */
  async unspentBoxesByAddress(
    address: string,
    offset = 0,
    limit = ERGO_INDEX_PAGE,
    pool: { readonly includeUnconfirmed?: boolean; readonly excludeMempoolSpent?: boolean } = {},
  ): Promise<ErgoIndexedBox[]> {
    const flags = Object.entries(pool)
      .filter(([, on]) => on)
      .map(([name]) => `&${name}=true`)
      .join('');
    const path = `/blockchain/box/unspent/byAddress?offset=${offset}&limit=${limit}${flags}`;
    const body = await this.#ok('POST', path, address, 'text/plain');
    const items = Array.isArray(body) ? body : list(record(body, path).items, path);
    return items.map((b) => indexedBox(b, path));
  }

  async #indexedBoxes(path: string): Promise<ErgoItems<ErgoIndexedBox>> {
    const page = record(await this.#ok('GET', path), path);
    const items = list(page.items, path).map((b) => indexedBox(b, path));
    if (typeof page.total !== 'number') malformed(path, 'total');
    return { items, total: page.total };
  }

  /** GET that maps 404 to undefined. */
  async #lookup(path: string): Promise<unknown> {
    try {
      return await this.#ok('GET', path);
    } catch (error) {
      if (error instanceof NodeAnswer && error.status === 404) return undefined;
      if (error instanceof NodeAnswer)
        throw new ChainError(ChainErrorCode.RpcError, `${path}: HTTP ${error.status}: ${reason(error.body)}`);
      throw error;
    }
  }

  /**
   * The body of a 2xx answer. A 4xx answer is thrown as NodeAnswer for the caller to interpret (and
   * never retried); transport failures and 5xx answers go to the next URL and, after a full round,
   * wait and try again; when all rounds fail: ChainError UNAVAILABLE naming what each URL said.
   */
  async #ok(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    contentType = 'application/json',
  ): Promise<unknown> {
    const failures: string[] = [];
    for (let round = 0; round <= this.#retries; round++) {
      if (round > 0) await sleep(this.#backoffMs * 2 ** (round - 1));
      for (const url of this.urls) {
        let response: Response;
        let text: string;
        try {
          response = await fetch(url + path, {
            method,
            headers: {
              accept: 'application/json',
              ...(body === undefined ? {} : { 'content-type': contentType }),
              ...(this.#apiKey === undefined ? {} : { api_key: this.#apiKey }),
            },
            ...(body === undefined ? {} : { body }),
            signal: AbortSignal.timeout(this.#timeoutMs),
          });
          text = await response.text();
        } catch (error) {
          failures.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        let parsed: unknown;
        try {
          parsed = text === '' ? null : parseErgoJson(text);
        } catch {
          parsed = text.slice(0, 200);
          if (response.ok) {
            failures.push(`${url}: answered ${method} ${path} with something that is not JSON`);
            continue;
          }
        }
        if (response.ok) return parsed;
        if (response.status >= 400 && response.status < 500) {
          if (response.status === 401 || response.status === 403) {
            throw new ChainError(
              ChainErrorCode.BadConfig,
              `${url} refused ${method} ${path}: HTTP ${response.status} (api key?)`,
            );
          }
          throw new NodeAnswer(response.status, parsed);
        }
        failures.push(`${url}: HTTP ${response.status}: ${reason(parsed)}`);
      }
    }
    throw new ChainError(
      ChainErrorCode.Unavailable,
      `no Ergo node answered ${method} ${path}: ${failures.slice(-this.urls.length).join('; ')}`,
    );
  }
}

/** The node's error body is {error, reason, detail}; say the most specific part. */
function reason(body: unknown): string {
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    const parts = [b.reason, b.detail].filter((p) => typeof p === 'string' && p !== '');
    if (parts.length > 0) return parts.join(': ');
  }
  return typeof body === 'string' ? body : stringifyErgoJson(body);
}

function id(value: string): string {
  if (!isId(value)) throw new ChainError(ChainErrorCode.InvalidRequest, `not a 64-hex id: ${String(value)}`);
  return value;
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_RE.test(value);
}

function isHeight(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function malformed(path: string, what: string): never {
  throw new ChainError(ChainErrorCode.RpcError, `${path}: malformed answer (${what})`);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    malformed(path, 'expected an object');
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) malformed(path, 'expected an array');
  return value;
}

function header(value: unknown, path: string): ErgoHeader {
  const h = record(value, path);
  if (!isId(h.id) || !isId(h.parentId) || !isHeight(h.height) || typeof h.timestamp !== 'number')
    malformed(path, 'header id/parentId/height/timestamp');
  return h as unknown as ErgoHeader;
}

function isAmount(value: unknown): boolean {
  return (
    (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
    (typeof value === 'bigint' && value >= 0n)
  );
}

function box(value: unknown, path: string): ErgoBoxJson {
  const b = record(value, path);
  if (!isId(b.boxId) || !isAmount(b.value) || typeof b.ergoTree !== 'string' || !isHeight(b.creationHeight))
    malformed(path, 'box boxId/value/ergoTree/creationHeight');
  for (const asset of list(b.assets ?? [], path)) {
    const a = record(asset, path);
    if (!isId(a.tokenId) || !isAmount(a.amount)) malformed(path, 'box asset');
  }
  const registers = record(b.additionalRegisters ?? {}, path);
  for (const [key, hex] of Object.entries(registers)) {
    if (!/^R[4-9]$/.test(key) || typeof hex !== 'string' || !/^[0-9a-f]*$/i.test(hex))
      malformed(path, 'box register');
  }
  return b as unknown as ErgoBoxJson;
}

function indexedBox(value: unknown, path: string): ErgoIndexedBox {
  const b = box(value, path) as unknown as Record<string, unknown>;
  if (!isHeight(b.inclusionHeight)) malformed(path, 'box inclusionHeight');
  if (b.spentTransactionId !== null && b.spentTransactionId !== undefined && !isId(b.spentTransactionId))
    malformed(path, 'box spentTransactionId');
  return {
    ...(b as unknown as ErgoIndexedBox),
    spentTransactionId: (b.spentTransactionId as string | undefined) ?? null,
  };
}

function transaction(value: unknown, path: string): ErgoTransactionJson {
  const tx = record(value, path);
  if (!isId(tx.id)) malformed(path, 'transaction id');
  for (const input of list(tx.inputs, path))
    if (!isId(record(input, path).boxId)) malformed(path, 'input boxId');
  list(tx.outputs, path).forEach((b) => box(b, path));
  return tx as unknown as ErgoTransactionJson;
}
