/**
 * The Ergo node REST API of the TEST DOUBLE: routes, paging and the JSON the node writes (field
 * names and order from ergoplatform/ergo v6.0.x: ApiCodecs, ApiExtraCodecs, BlocksApiRoute,
 * TransactionsApiRoute, UtxoApiRoute, BlockchainApiRoute), plus the `/devnet/*` controls no node has.
 */
import * as ergo from 'ergo-lib-wasm-nodejs';
import { EMPTY_EXTENSION_DIGEST } from './block-header.ts';
import { badRequest, NODE_PARAMETERS, NodeError } from './ledger.ts';
import type { Block, BoxJson, DevnetLedger, IndexedBox, IndexedTx, PooledInput, TxEntry } from './ledger.ts';
import { rawText, stringifyLossless, toBigInt } from './node-json.ts';

export const TEST_DOUBLE_NAME = 'anchorpost-ergo-devnet-test-double';
/** The node release whose API the double follows. */
export const FOLLOWS_NODE_VERSION = '6.0.4';

/**
 * How `/blockchain/box/byTokenId` orders its pages. Nodes since 5.0.25 page from the newest box
 * (offset 0 = newest); 5.0.24 and older paged from the oldest.
 */
export type IndexOrder = 'newest-first' | 'oldest-first';

export interface ApiAnswer {
  readonly status: number;
  readonly body: string;
}

export interface NodeApiOptions {
  readonly indexOrder: IndexOrder;
}

/** The node's limit on one page of boxes, transactions or headers (`MaxItems`, `MaxHeaders`). */
const MAX_ITEMS = 16_384;
const ID = /^[0-9a-fA-F]{64}$/;

const notFound = (): NodeError =>
  new NodeError(404, 'not-found', 'The requested resource could not be found.');

/** Answers one request. Throws nothing: every failure is the node's error JSON. */
export function answerNodeRequest(
  ledger: DevnetLedger,
  options: NodeApiOptions,
  method: string,
  url: URL,
  body: string,
): ApiAnswer {
  try {
    const text = route(ledger, options, method, url, body);
    if (text === undefined) throw notFound();
    return { status: 200, body: text };
  } catch (error) {
    const e =
      error instanceof NodeError
        ? error
        : new NodeError(500, 'internal.error', error instanceof Error ? error.message : String(error));
    return {
      status: e.status,
      body: JSON.stringify({ error: e.status, reason: e.reason, detail: e.message }),
    };
  }
}

function route(
  ledger: DevnetLedger,
  options: NodeApiOptions,
  method: string,
  url: URL,
  body: string,
): string | undefined {
  const parts = url.pathname.split('/').filter((part) => part !== '');
  const [section, a, b, c] = parts;
  const query = url.searchParams;
  const get = method === 'GET' || method === 'HEAD';
  const post = method === 'POST';

  if (section === 'info' && parts.length === 1 && get) return JSON.stringify(info(ledger));

  if (section === 'blocks' && get) {
    if (a === 'lastHeaders' && parts.length === 3) {
      const count = integer(b, 'count');
      if (count > MAX_ITEMS) throw badRequest(`No more than ${MAX_ITEMS} headers can be requested`);
      return `[${ledger.blocks
        .slice(Math.max(0, ledger.blocks.length - count))
        .map((block) => JSON.stringify(block.header))
        .join(',')}]`;
    }
    if (a === 'at' && parts.length === 3) {
      const block = ledger.blockAt(integer(b, 'height'));
      return JSON.stringify(block === undefined ? [] : [block.header.id]);
    }
    if (a === 'chainSlice' && parts.length === 2) {
      const from = Math.max(optionalInt(query, 'fromHeight', 0), ledger.blocks[0]?.header.height ?? 0);
      const toParam = optionalInt(query, 'toHeight', -1);
      const to = Math.min(toParam < 0 ? ledger.height : toParam, from + MAX_ITEMS - 1);
      const headers: string[] = [];
      for (let h = from; h <= to; h++) {
        const block = ledger.blockAt(h);
        if (block !== undefined) headers.push(JSON.stringify(block.header));
      }
      return `[${headers.join(',')}]`;
    }
    if (a !== undefined && parts.length <= 3) {
      const block = ledger.blockById(modifierId(a));
      if (block === undefined) return undefined;
      if (parts.length === 2) return blockText(block);
      if (b === 'header') return JSON.stringify(block.header);
      if (b === 'transactions') return blockTransactionsText(block);
    }
    return undefined;
  }

  if (section === 'transactions') {
    if (parts.length === 1 && post) return JSON.stringify(ledger.submit(body));
    if (a === 'check' && parts.length === 2 && post) return JSON.stringify(ledger.submit(body, true));
    if (a !== 'unconfirmed') return undefined;
    if (method === 'HEAD' && parts.length === 3 && b !== undefined) {
      const id = modifierId(b);
      return ledger.pool.some((tx) => tx.id === id) ? '' : undefined;
    }
    if (parts.length === 2 && get) {
      const { offset, limit } = paging(query, 50);
      return `[${ledger.pool
        .slice(offset, offset + limit)
        .map((tx) => unconfirmedText(ledger, tx))
        .join(',')}]`;
    }
    if (b === 'byTransactionId' && parts.length === 4 && get) {
      const id = modifierId(c!);
      const tx = ledger.pool.find((pooled) => pooled.id === id);
      return tx === undefined ? undefined : unconfirmedText(ledger, tx);
    }
    if (b === 'transactionIds' && parts.length === 3 && get)
      return JSON.stringify(ledger.pool.map((tx) => tx.id));
    if (b === 'byTransactionIds' && parts.length === 3 && post) {
      const ids = stringList(body);
      return JSON.stringify(ledger.pool.filter((tx) => ids.includes(tx.id)).map((tx) => tx.id));
    }
    return undefined;
  }

  if (section === 'utxo') {
    if (a === 'byId' && parts.length === 3 && get) return boxOrNothing(ledger.unspent(modifierId(b!)));
    if (a === 'byIdBinary' && parts.length === 3 && get)
      return binaryOrNothing(ledger.unspent(modifierId(b!)));
    if (a === 'genesis' && parts.length === 2 && get)
      return `[${ledger.genesisBoxes.map(boxText).join(',')}]`;
    if (a === 'withPool') {
      if (b === 'byId' && parts.length === 4 && get) return boxOrNothing(ledger.withPool(modifierId(c!)));
      if (b === 'byIdBinary' && parts.length === 4 && get)
        return binaryOrNothing(ledger.withPool(modifierId(c!)));
      if (b === 'byIds' && parts.length === 3 && post) {
        const boxes = stringList(body)
          .map((id) => ledger.withPool(modifierId(id)))
          .filter((box) => box !== undefined);
        return `[${boxes.map(boxText).join(',')}]`;
      }
    }
    return undefined;
  }

  if (section === 'blockchain') return blockchain(ledger, options, method, parts, query, body);

  if (section === 'devnet' && post && parts.length === 2) {
    const request = jsonBody(body);
    if (a === 'mine') return JSON.stringify(ledger.mine(whole(request.blocks ?? 1, 'blocks')));
    if (a === 'rollback') {
      ledger.rollback(whole(request.blocks, 'blocks'), {
        dropTransactions: request.dropTransactions === true,
      });
      return JSON.stringify({ height: ledger.height });
    }
    if (a === 'fund') {
      const value = request.value;
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'bigint')
        throw badRequest('value: nanoERG as a number or a string of digits');
      let nano: bigint;
      try {
        nano = toBigInt(value);
      } catch {
        throw badRequest(`value: not a whole number of nanoERG: ${String(value)}`);
      }
      return boxText(ledger.fund(String(request.address), nano));
    }
    return undefined;
  }
  return undefined;
}

function blockchain(
  ledger: DevnetLedger,
  options: NodeApiOptions,
  method: string,
  parts: readonly string[],
  query: URLSearchParams,
  body: string,
): string | undefined {
  const [, a, b, c, d] = parts;
  const index = ledger.index;
  const get = method === 'GET';
  const post = method === 'POST';
  if (a === 'indexedHeight' && parts.length === 2 && get)
    return JSON.stringify({ indexedHeight: index.indexedHeight, fullHeight: ledger.height });
  if (a === 'transaction' && b === 'byId' && parts.length === 4 && get) {
    const tx = index.txs.get(modifierId(c!));
    return tx === undefined ? undefined : indexedTxText(ledger, tx);
  }
  if (a === 'token' && b === 'byId' && parts.length === 4 && get) {
    const token = index.tokens.get(modifierId(c!));
    return token === undefined ? undefined : tokenText(token);
  }
  if (a === 'tokens' && parts.length === 2 && post) {
    const tokens = stringList(body)
      .map((id) => index.tokens.get(modifierId(id)))
      .filter((token) => token !== undefined);
    return `[${tokens.map(tokenText).join(',')}]`;
  }
  if (a !== 'box') return undefined;
  if (b === 'byId' && parts.length === 4 && get) {
    const box = index.boxes.get(modifierId(c!));
    return box === undefined ? undefined : indexedBoxText(ledger, box);
  }
  if (b === 'byTokenId' && parts.length === 4 && get) {
    const all = index.byToken.get(modifierId(c!)) ?? [];
    const { offset, limit } = paging(query, 5);
    const ordered = options.indexOrder === 'newest-first' ? [...all].reverse() : all;
    return `{"items":[${ordered
      .slice(offset, offset + limit)
      .map((box) => indexedBoxText(ledger, box))
      .join(',')}],"total":${all.length}}`;
  }
  if (b === 'byAddress' && ((parts.length === 3 && post) || (parts.length === 4 && get))) {
    const tree = treeOfAddress(ledger, parts.length === 4 ? c! : body);
    const all = index.byTree.get(tree) ?? [];
    const { offset, limit } = paging(query, 5);
    // The node takes the page from the newest box and then writes it oldest first.
    const page = [...all]
      .reverse()
      .slice(offset, offset + limit)
      .reverse();
    return `{"items":[${page.map((box) => indexedBoxText(ledger, box)).join(',')}],"total":${all.length}}`;
  }
  if (b === 'unspent') {
    if (c === 'byTokenId' && parts.length === 5 && get) {
      const tokenId = modifierId(d!);
      const confirmed = index.tokens.has(tokenId) ? (index.byToken.get(tokenId) ?? []) : [];
      return unspentText(ledger, confirmed, query, (box) => box.assets.some((a) => a.tokenId === tokenId));
    }
    if (c === 'byAddress' && ((parts.length === 4 && post) || (parts.length === 5 && get))) {
      const tree = treeOfAddress(ledger, parts.length === 5 ? d! : body);
      return unspentText(ledger, index.byTree.get(tree) ?? [], query, (box) => box.ergoTree === tree);
    }
  }
  return undefined;
}

/** `retrieveUtxos`: confirmed unspent boxes paged in `sortDirection`, then or before them the pool's. */
function unspentText(
  ledger: DevnetLedger,
  boxes: readonly IndexedBox[],
  query: URLSearchParams,
  inPool: (box: BoxJson) => boolean,
): string {
  const { offset, limit } = paging(query, 5);
  const direction = (query.get('sortDirection') ?? 'desc').toLowerCase();
  if (direction !== 'asc' && direction !== 'desc')
    throw badRequest("Invalid parameter for sort direction, valid values are 'ASC' and 'DESC'");
  const includeUnconfirmed = flag(query, 'includeUnconfirmed');
  const spentInPool = flag(query, 'excludeMempoolSpent') ? ledger.spentInPool() : new Map<string, string>();
  const unspent = boxes.filter((box) => box.spentBy === undefined && !spentInPool.has(box.box.boxId));
  const page = (direction === 'desc' ? [...unspent].reverse() : unspent).slice(offset, offset + limit);
  const texts = page.map((box) => indexedBoxText(ledger, box));
  if (includeUnconfirmed) {
    const pooled = ledger.pool
      .flatMap((tx) => tx.outputs)
      .filter((box) => inPool(box) && !spentInPool.has(box.boxId))
      .map((box) => unconfirmedBoxText(ledger, box));
    return `[${(direction === 'desc' ? [...pooled, ...texts] : [...texts, ...pooled]).join(',')}]`;
  }
  return `[${texts.join(',')}]`;
}

function info(ledger: DevnetLedger): Record<string, unknown> {
  const best = ledger.tip;
  const previous = ledger.blocks.at(-2);
  const height = best?.header.height ?? null;
  return {
    currentTime: ledger.now(),
    network: ledger.network,
    name: TEST_DOUBLE_NAME,
    stateType: 'utxo',
    difficulty: 1,
    bestFullHeaderId: best?.header.id ?? null,
    bestHeaderId: best?.header.id ?? null,
    peersCount: 0,
    unconfirmedCount: ledger.pool.length,
    appVersion: `${FOLLOWS_NODE_VERSION}-${TEST_DOUBLE_NAME}`,
    eip37Supported: true,
    stateRoot: best?.header.stateRoot ?? null,
    genesisBlockId: ledger.blocks[0]?.header.id ?? null,
    previousFullHeaderId: previous?.header.id ?? null,
    fullHeight: height,
    headersHeight: height,
    stateVersion: best?.header.id ?? null,
    fullBlocksScore: ledger.blocks.length,
    maxPeerHeight: height,
    launchTime: ledger.launchTime,
    isExplorer: false,
    lastSeenMessageTime: ledger.now(),
    eip27Supported: true,
    headersScore: ledger.blocks.length,
    parameters: NODE_PARAMETERS,
    isMining: false,
  };
}

/** A box in the node's JSON (ErgoBox encoder field order). */
function boxText(box: BoxJson): string {
  return stringifyLossless(box);
}

function boxOrNothing(box: BoxJson | undefined): string | undefined {
  return box === undefined ? undefined : boxText(box);
}

function binaryOrNothing(box: BoxJson | undefined): string | undefined {
  if (box === undefined) return undefined;
  const bytes = ergo.ErgoBox.from_json(boxText(box)).sigma_serialize_bytes();
  return JSON.stringify({ boxId: box.boxId, bytes: Buffer.from(bytes).toString('hex') });
}

function inputText(input: PooledInput): string {
  return `{"boxId":"${input.boxId}","spendingProof":${rawText(input.spendingProof)}}`;
}

/** A transaction as the node writes it in blocks: inputs with proofs, data inputs, outputs, size. */
function txText(tx: TxEntry, inputs: readonly string[] = tx.inputs.map(inputText)): string {
  const dataInputs = tx.dataInputs.map((boxId) => `{"boxId":"${boxId}"}`);
  return `{"id":"${tx.id}","inputs":[${inputs.join(',')}],"dataInputs":[${dataInputs.join(',')}],"outputs":[${tx.outputs
    .map(boxText)
    .join(',')}],"size":${tx.size}}`;
}

/** A pool transaction as 6.x serves it: each input also carries the box it spends, when the node has it. */
function unconfirmedText(ledger: DevnetLedger, tx: TxEntry): string {
  return txText(
    tx,
    tx.inputs.map((input) => {
      const box = ledger.withPool(input.boxId);
      if (box === undefined) return inputText(input);
      const rest = Object.fromEntries(Object.entries(box).filter(([key]) => key !== 'boxId'));
      return `${inputText(input).slice(0, -1)},${stringifyLossless(rest).slice(1)}`;
    }),
  );
}

/** BlockTransactionsSerializer: header id, the version marker (10,000,000 + version), the count, the transactions. */
function blockTransactionsSize(block: Block): number {
  return 32 + 4 + varIntLength(block.txs.length) + block.txs.reduce((sum, tx) => sum + tx.size, 0);
}

function blockTransactionsText(block: Block): string {
  const txs = block.txs.map((tx) => txText(tx));
  return `{"headerId":"${block.header.id}","transactions":[${txs.join(',')}],"blockVersion":${block.header.version},"size":${blockTransactionsSize(block)}}`;
}

/** A full block. Its extension has no fields (a node's carries interlinks and parameters) and no AD proofs. */
function blockText(block: Block): string {
  const extension = `{"headerId":"${block.header.id}","digest":"${EMPTY_EXTENSION_DIGEST}","fields":[]}`;
  const size = block.header.size + blockTransactionsSize(block) + 33;
  return `{"header":${JSON.stringify(block.header)},"blockTransactions":${blockTransactionsText(block)},"extension":${extension},"adProofs":null,"size":${size}}`;
}

/** An extra-index box: the box plus where it was made and what spent it (ApiExtraCodecs, 6.x). */
function indexedBoxText(ledger: DevnetLedger, box: IndexedBox): string {
  const spent = box.spentBy;
  return `${boxText(box.box).slice(0, -1)},"globalIndex":${box.globalIndex},"inclusionHeight":${box.inclusionHeight},"address":"${ledger.addressOf(
    box.box.ergoTree,
  )}","spentTransactionId":${spent === undefined ? 'null' : `"${spent.txId}"`},"spendingProof":${
    spent === undefined ? 'null' : rawText(spent.proof)
  }}`;
}

/** A pool output in an unspent listing: the node wraps it with height 0 and global index 0. */
function unconfirmedBoxText(ledger: DevnetLedger, box: BoxJson): string {
  return indexedBoxText(ledger, { box, inclusionHeight: 0, globalIndex: 0, spentBy: undefined });
}

function indexedTxText(ledger: DevnetLedger, tx: IndexedTx): string {
  const index = ledger.index;
  const inputs = tx.entry.inputs
    .map((input) => index.boxes.get(input.boxId))
    .filter((box) => box !== undefined);
  const outputs = tx.entry.outputs
    .map((box) => index.boxes.get(box.boxId))
    .filter((box) => box !== undefined);
  return `{"id":"${tx.entry.id}","blockId":"${tx.header.id}","inclusionHeight":${tx.header.height},"timestamp":${
    tx.header.timestamp
  },"index":${tx.index},"globalIndex":${tx.globalIndex},"numConfirmations":${
    ledger.height - tx.header.height
  },"inputs":[${inputs.map((box) => indexedBoxText(ledger, box)).join(',')}],"dataInputs":[${tx.entry.dataInputs
    .map((boxId) => `{"boxId":"${boxId}"}`)
    .join(
      ',',
    )}],"outputs":[${outputs.map((box) => indexedBoxText(ledger, box)).join(',')}],"size":${tx.entry.size}}`;
}

function tokenText(token: {
  id: string;
  boxId: string;
  emissionAmount: bigint;
  name: string;
  description: string;
  decimals: number;
}): string {
  return stringifyLossless({
    id: token.id,
    boxId: token.boxId,
    emissionAmount: token.emissionAmount,
    name: token.name,
    description: token.description,
    decimals: token.decimals,
  });
}

function varIntLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

// ---- request parsing ----

function modifierId(value: string): string {
  if (!ID.test(value)) throw badRequest(`Wrong modifierId format: ${value}`);
  return value.toLowerCase();
}

function integer(value: string | undefined, name: string): number {
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw badRequest(`${name}: not a non-negative integer: ${String(value)}`);
  return Number(value);
}

/** A count from a JSON body: a number or a string of digits. */
function whole(value: unknown, name: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string') return integer(value, name);
  throw badRequest(`${name}: not a non-negative integer: ${String(value)}`);
}

function optionalInt(query: URLSearchParams, name: string, fallback: number): number {
  const value = query.get(name);
  if (value === null) return fallback;
  if (!/^-?\d+$/.test(value)) throw badRequest(`${name}: not an integer: ${value}`);
  return Number(value);
}

function paging(query: URLSearchParams, defaultLimit: number): { offset: number; limit: number } {
  const offset = optionalInt(query, 'offset', 0);
  const limit = optionalInt(query, 'limit', defaultLimit);
  if (offset < 0 || limit < 0) throw badRequest('offset and limit must not be negative');
  if (limit > MAX_ITEMS) throw badRequest(`No more than ${MAX_ITEMS} boxes can be requested`);
  return { offset, limit };
}

function flag(query: URLSearchParams, name: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  if (value !== 'true' && value !== 'false') throw badRequest(`${name}: expected true or false`);
  return value === 'true';
}

function jsonBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw badRequest('The request content was malformed: expected a JSON object');
}

function stringList(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // answered below
  }
  throw badRequest('The request content was malformed: expected a JSON array of strings');
}

/** An address given plain or as a JSON string (the node's `fromJsonOrPlain`), as its ErgoTree. */
function treeOfAddress(ledger: DevnetLedger, value: string): string {
  let text = value.trim();
  if (text.startsWith('"')) {
    try {
      text = JSON.parse(text) as string;
    } catch {
      throw badRequest('Wrong address format');
    }
  }
  try {
    const address =
      ledger.network === 'mainnet'
        ? ergo.Address.from_mainnet_str(text)
        : ergo.Address.from_testnet_str(text);
    return address.to_ergo_tree().to_base16_bytes();
  } catch {
    throw badRequest('Wrong address format');
  }
}
