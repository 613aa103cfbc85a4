/**
 * A TEST DOUBLE of an Ergo node: the REST endpoints Anchorpost uses, over an in-memory chain that
 * builds blocks on demand and rolls them back. Not an Ergo node: no proof of work, no difficulty,
 * no network, no storage rent, no mempool eviction. What it does check, with ergo-lib, is every
 * submitted transaction: its id, that each input and data input exists and is unspent (the
 * mempool's own outputs count, so chained unconfirmed transactions are accepted, as by a node),
 * and `validate_tx` — signatures and scripts, ERG and token conservation, box sizes and values.
 *
 * Its answers copy the real node's JSON shapes (see shared/fixtures/ergo). Production code must
 * never depend on it: only tests and the e2e harness start it.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as ergo from 'ergo-lib-wasm-nodejs';

export type DevnetNetwork = 'mainnet' | 'testnet';

export interface ErgoDevnetOptions {
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly network?: DevnetNetwork;
  /** Mines a block every this many ms (off by default: tests mine on demand). */
  readonly autoMineMs?: number;
  /** Block timestamps (ms); strictly increasing whatever it answers. Default Date.now. */
  readonly now?: () => number;
  /** Height of the first synthetic block. Default 1. */
  readonly startHeight?: number;
}

/** A box as the node writes it (and ergo-lib reads it). Values are kept as JSON number text. */
type BoxJson = Record<string, unknown> & { boxId: string; assets: { tokenId: string; amount: unknown }[] };

interface TxEntry {
  readonly id: string;
  /** The JSON text as submitted: given back verbatim (context-extension key order included). */
  readonly text: string;
  readonly inputs: readonly string[];
  readonly dataInputs: readonly string[];
  readonly outputs: readonly BoxJson[];
  readonly size: number;
}

interface Block {
  readonly header: Record<string, unknown> & {
    id: string;
    height: number;
    timestamp: number;
    parentId: string;
  };
  readonly txs: TxEntry[];
}

interface IndexedBox {
  readonly box: BoxJson;
  readonly txId: string;
  readonly blockId: string;
  readonly inclusionHeight: number;
  readonly globalIndex: number;
  spentTransactionId: string | null;
  spendingHeight: number | null;
}

interface IndexedTx {
  readonly entry: TxEntry;
  readonly blockId: string;
  readonly height: number;
  readonly timestamp: number;
  readonly index: number;
  readonly globalIndex: number;
}

const ZERO_ID = '0'.repeat(64);
/** Node parameters at genesis (what `/info` reports and transactions are validated with). */
const PARAMETERS = {
  outputCost: 214,
  tokenAccessCost: 100,
  maxBlockCost: 8_001_091,
  height: 0,
  maxBlockSize: 1_271_009,
  dataInputCost: 100,
  blockVersion: 3,
  inputCost: 2407,
  storageFeeFactor: 1_250_000,
  minValuePerByte: 360,
};

class NodeError extends Error {
  readonly status: number;
  readonly reason: string;
  constructor(status: number, reason: string, detail: string) {
    super(detail);
    this.status = status;
    this.reason = reason;
  }
}

export class ErgoDevnet {
  readonly network: DevnetNetwork;
  readonly #now: () => number;
  readonly #startHeight: number;
  readonly #blocks: Block[] = [];
  #mempool: TxEntry[] = [];
  // Derived from #blocks by #reindex():
  #utxo = new Map<string, IndexedBox>();
  #boxes = new Map<string, IndexedBox>();
  #txs = new Map<string, IndexedTx>();
  #byToken = new Map<string, IndexedBox[]>();
  /** Blocks ever made: part of each header id, so a block replacing another never shares its id. */
  #made = 0;
  #server: Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  url = '';

  constructor(options: ErgoDevnetOptions = {}) {
    this.network = options.network ?? 'testnet';
    this.#now = options.now ?? Date.now;
    this.#startHeight = options.startHeight ?? 1;
    // Ten empty blocks, so that signing and validation have a full header window from the start.
    this.mine(10);
  }

  get height(): number {
    return this.#blocks.at(-1)?.header.height ?? this.#startHeight - 1;
  }

  mempool(): string[] {
    return this.#mempool.map((tx) => tx.id);
  }

  // ---- chain ----

  /** Mines `count` blocks; the first takes every mempool transaction still valid, in order. */
  mine(count = 1): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const parent = this.#blocks.at(-1);
      const height = this.height + 1;
      const timestamp = Math.max(this.#now(), (parent?.header.timestamp ?? 0) + 1);
      const txs = this.#takeMempool();
      const header = syntheticHeader(height, parent?.header.id ?? ZERO_ID, timestamp, txs, this.#made++);
      this.#blocks.push({ header, txs });
      this.#reindex();
      ids.push(header.id);
    }
    return ids;
  }

  /**
   * Removes the newest `count` blocks. Their transactions go back to the mempool ahead of the
   * pool's own (as a node does), unless `dropTransactions`: then they are gone, and so is every
   * pool transaction that spent their outputs.
   */
  rollback(count: number, options: { dropTransactions?: boolean } = {}): void {
    if (!Number.isSafeInteger(count) || count < 1 || count > this.#blocks.length - 1) {
      throw new NodeError(400, 'bad.request', `cannot roll back ${count} of ${this.#blocks.length} blocks`);
    }
    const removed = this.#blocks.splice(this.#blocks.length - count, count);
    const pool = this.#mempool;
    this.#mempool = options.dropTransactions ? [] : removed.flatMap((block) => block.txs);
    this.#reindex();
    // Keep what is still valid on the new tip (a dropped parent takes its children with it).
    const back = this.#mempool;
    this.#mempool = [];
    for (const tx of [...back, ...pool]) if (this.#spendable(tx)) this.#mempool.push(tx);
  }

  /** Test-double power: a box of `value` nanoERG for `address`, out of thin air, in a new block. */
  fund(address: string, value: bigint): BoxJson {
    const tree = ergo.Address.from_base58(address).to_ergo_tree();
    const txId = createHash('sha256')
      .update(`fund/${this.height}/${address}/${value}/${this.#boxes.size}`)
      .digest('hex');
    const box = new ergo.ErgoBox(
      ergo.BoxValue.from_i64(ergo.I64.from_str(value.toString())),
      this.height + 1,
      ergo.Contract.new(tree),
      ergo.TxId.from_str(txId),
      0,
      new ergo.Tokens(),
    );
    const json = parseLossless(box.to_json()) as BoxJson;
    const entry: TxEntry = { id: txId, text: '', inputs: [], dataInputs: [], outputs: [json], size: 0 };
    const parent = this.#blocks.at(-1)!;
    const height = this.height + 1;
    const timestamp = Math.max(this.#now(), parent.header.timestamp + 1);
    const txs = [entry, ...this.#takeMempool()];
    this.#blocks.push({
      header: syntheticHeader(height, parent.header.id, timestamp, txs, this.#made++),
      txs,
    });
    this.#reindex();
    return json;
  }

  /** Validates and pools a signed transaction (node JSON); answers its id. */
  submit(text: string): string {
    let tx: ergo.Transaction;
    try {
      tx = ergo.Transaction.from_json(text);
    } catch (error) {
      throw new NodeError(400, 'bad.request', `malformed transaction: ${String(error)}`);
    }
    const id = tx.id().to_str();
    if (this.#txs.has(id) || this.#mempool.some((t) => t.id === id)) return id;
    const parsed = JSON.parse(text) as {
      inputs: { boxId: string }[];
      dataInputs?: { boxId: string }[];
      outputs: BoxJson[];
    };
    const entry: TxEntry = {
      id,
      text,
      inputs: parsed.inputs.map((input) => input.boxId),
      dataInputs: (parsed.dataInputs ?? []).map((input) => input.boxId),
      outputs: outputsOf(tx),
      size: tx.sigma_serialize_bytes().length,
    };
    const pool = this.#poolView();
    const seen = new Set<string>();
    const inputs: BoxJson[] = [];
    for (const boxId of entry.inputs) {
      if (seen.has(boxId)) throw new NodeError(400, 'bad.request', `input ${boxId} is spent twice`);
      seen.add(boxId);
      const box = pool.unspent.get(boxId);
      if (box === undefined) {
        const why = pool.spentBy.has(boxId) ? `already spent by ${pool.spentBy.get(boxId)}` : 'not found';
        throw new NodeError(400, 'bad.request', `Input box ${boxId} ${why}`);
      }
      inputs.push(box);
    }
    const dataBoxes: BoxJson[] = [];
    for (const boxId of entry.dataInputs) {
      const box = pool.unspent.get(boxId);
      if (box === undefined) throw new NodeError(400, 'bad.request', `Data input box ${boxId} not found`);
      dataBoxes.push(box);
    }
    for (const output of entry.outputs) {
      if (Number(output.creationHeight) > this.height + 1) {
        throw new NodeError(
          400,
          'bad.request',
          `output ${output.boxId} has creationHeight ${String(output.creationHeight)} above the next block`,
        );
      }
    }
    try {
      ergo.validate_tx(tx, this.#stateContext(), boxes(inputs), boxes(dataBoxes));
    } catch (error) {
      throw new NodeError(400, 'bad.request', `transaction ${id} is invalid: ${String(error)}`);
    }
    this.#mempool.push(entry);
    return id;
  }

  #takeMempool(): TxEntry[] {
    const taken: TxEntry[] = [];
    const spent = new Set<string>();
    const created = new Map<string, BoxJson>();
    for (const tx of this.#mempool) {
      const ok = tx.inputs.every((id) => !spent.has(id) && (this.#utxo.has(id) || created.has(id)));
      if (!ok) continue;
      for (const id of tx.inputs) {
        spent.add(id);
        created.delete(id);
      }
      for (const box of tx.outputs) created.set(box.boxId, box);
      taken.push(tx);
    }
    this.#mempool = [];
    return taken;
  }

  #spendable(tx: TxEntry): boolean {
    const pool = this.#poolView();
    return tx.inputs.every((id) => pool.unspent.has(id)) && !this.#txs.has(tx.id);
  }

  /** Unspent boxes with the mempool applied: confirmed ones not spent in the pool, plus pool outputs. */
  #poolView(): { unspent: Map<string, BoxJson>; spentBy: Map<string, string> } {
    const unspent = new Map<string, BoxJson>();
    for (const [id, indexed] of this.#utxo) unspent.set(id, indexed.box);
    const spentBy = new Map<string, string>();
    for (const [id, indexed] of this.#boxes)
      if (indexed.spentTransactionId !== null) spentBy.set(id, indexed.spentTransactionId);
    for (const tx of this.#mempool) {
      for (const id of tx.inputs) {
        unspent.delete(id);
        spentBy.set(id, tx.id);
      }
      for (const box of tx.outputs) unspent.set(box.boxId, box);
    }
    return { unspent, spentBy };
  }

  #reindex(): void {
    this.#utxo = new Map();
    this.#boxes = new Map();
    this.#txs = new Map();
    this.#byToken = new Map();
    let globalBox = 0;
    let globalTx = 0;
    for (const block of this.#blocks) {
      const { id: blockId, height, timestamp } = block.header;
      block.txs.forEach((entry, index) => {
        this.#txs.set(entry.id, { entry, blockId, height, timestamp, index, globalIndex: globalTx++ });
        for (const input of entry.inputs) {
          const spent = this.#boxes.get(input);
          if (spent !== undefined) {
            spent.spentTransactionId = entry.id;
            spent.spendingHeight = height;
          }
          this.#utxo.delete(input);
        }
        for (const box of entry.outputs) {
          const indexed: IndexedBox = {
            box,
            txId: entry.id,
            blockId,
            inclusionHeight: height,
            globalIndex: globalBox++,
            spentTransactionId: null,
            spendingHeight: null,
          };
          this.#boxes.set(box.boxId, indexed);
          this.#utxo.set(box.boxId, indexed);
          for (const asset of box.assets) {
            const list = this.#byToken.get(asset.tokenId) ?? [];
            list.push(indexed);
            this.#byToken.set(asset.tokenId, list);
          }
        }
      });
    }
  }

  #stateContext(): ergo.ErgoStateContext {
    const last = this.#blocks.slice(-10).reverse();
    const headers = ergo.BlockHeaders.from_json(last.map((block) => headerJson(block.header)));
    // The pre-header of the next block: the newest header stands in for it (height + 1 is checked above).
    return new ergo.ErgoStateContext(
      ergo.PreHeader.from_block_header(headers.get(0)),
      headers,
      ergo.Parameters.default_parameters(),
    );
  }

  // ---- HTTP ----

  async listen(host = '127.0.0.1', port = 0, autoMineMs?: number): Promise<string> {
    this.#server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 2_000_000) req.destroy();
      });
      req.on('end', () => {
        this.#serve(req, body, res);
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, host, resolve));
    const address = this.#server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    if (autoMineMs !== undefined) this.#timer = setInterval(() => this.mine(1), autoMineMs);
    return this.url;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    const server = this.#server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
  }

  #serve(req: IncomingMessage, body: string, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://devnet');
    try {
      const answer = this.#route(req.method ?? 'GET', url, body);
      if (answer === undefined) throw new NodeError(404, 'not-found', `${url.pathname} not found`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
    } catch (error) {
      const e = error instanceof NodeError ? error : new NodeError(500, 'internal', String(error));
      res
        .writeHead(e.status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: e.status, reason: e.reason, detail: e.message }));
    }
  }

  /** The answer's JSON text, or undefined for 404. */
  #route(method: string, url: URL, body: string): string | undefined {
    const path = url.pathname.replace(/\/+$/, '');
    const parts = path.split('/').filter((p) => p !== '');
    const offset = Number(url.searchParams.get('offset') ?? '0');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? '5'), 16_384);
    if (method === 'POST') {
      if (path === '/transactions') return JSON.stringify(this.submit(body));
      if (path === '/devnet/mine') return JSON.stringify(this.mine(Number(parseBody(body).blocks ?? 1)));
      if (path === '/devnet/rollback') {
        const b = parseBody(body);
        this.rollback(Number(b.blocks), { dropTransactions: b.dropTransactions === true });
        return JSON.stringify({ height: this.height });
      }
      if (path === '/devnet/fund') {
        const b = parseBody(body);
        return JSON.stringify(this.fund(String(b.address), BigInt(String(b.value))));
      }
      if (path === '/blockchain/box/unspent/byAddress') {
        const tree = ergo.Address.from_base58(body.trim().replace(/^"|"$/g, ''))
          .to_ergo_tree()
          .to_base16_bytes();
        const items = [...this.#utxo.values()].filter((b) => b.box.ergoTree === tree);
        return `[${items
          .slice(offset, offset + limit)
          .map((b) => this.#indexedBoxText(b))
          .join(',')}]`;
      }
      return undefined;
    }
    if (path === '/info') return JSON.stringify(this.#info());
    if (parts[0] === 'blocks') {
      if (parts[1] === 'lastHeaders')
        return `[${this.#blocks
          .slice(-Number(parts[2]))
          .map((b) => JSON.stringify(b.header))
          .join(',')}]`;
      if (parts[1] === 'at') {
        const block = this.#blocks.find((b) => b.header.height === Number(parts[2]));
        return JSON.stringify(block === undefined ? [] : [block.header.id]);
      }
      const block = this.#blocks.find((b) => b.header.id === parts[1]);
      if (block === undefined) return undefined;
      if (parts[2] === 'header') return JSON.stringify(block.header);
      if (parts.length === 2) return this.#blockText(block);
      return undefined;
    }
    if (parts[0] === 'transactions' && parts[1] === 'unconfirmed') {
      if (parts.length === 2) return `[${this.#mempool.map((t) => t.text).join(',')}]`;
      if (parts[2] === 'byTransactionId') return this.#mempool.find((t) => t.id === parts[3])?.text;
      return undefined;
    }
    if (parts[0] === 'utxo') {
      const withPool = parts[1] === 'withPool';
      const id = withPool ? parts[3] : parts[2];
      if (id === undefined) return undefined;
      const box = withPool ? this.#poolView().unspent.get(id) : this.#utxo.get(id)?.box;
      return box === undefined ? undefined : stringifyLossless(box);
    }
    if (parts[0] === 'blockchain') {
      if (parts[1] === 'transaction' && parts[2] === 'byId') {
        const tx = this.#txs.get(parts[3] ?? '');
        return tx === undefined ? undefined : this.#indexedTxText(tx);
      }
      if (parts[1] === 'box' && parts[2] === 'byId') {
        const box = this.#boxes.get(parts[3] ?? '');
        return box === undefined ? undefined : this.#indexedBoxText(box);
      }
      if (parts[1] === 'box' && parts[2] === 'byTokenId') {
        const all = this.#byToken.get(parts[3] ?? '') ?? [];
        return `{"items":[${all
          .slice(offset, offset + limit)
          .map((b) => this.#indexedBoxText(b))
          .join(',')}],"total":${all.length}}`;
      }
      if (parts[1] === 'box' && parts[2] === 'unspent' && parts[3] === 'byTokenId') {
        const all = (this.#byToken.get(parts[4] ?? '') ?? []).filter((b) => b.spentTransactionId === null);
        return `[${all
          .slice(offset, offset + limit)
          .map((b) => this.#indexedBoxText(b))
          .join(',')}]`;
      }
      if (parts[1] === 'token' && parts[2] === 'byId') {
        const first = this.#byToken.get(parts[3] ?? '')?.[0];
        if (first === undefined) return undefined;
        const asset = first.box.assets.find((a) => a.tokenId === parts[3])!;
        return `{"id":"${parts[3]}","boxId":"${first.box.boxId}","emissionAmount":${stringifyLossless(asset.amount)},"name":null,"description":null,"decimals":null}`;
      }
    }
    return undefined;
  }

  #info(): Record<string, unknown> {
    const best = this.#blocks.at(-1)!;
    return {
      currentTime: this.#now(),
      network: this.network,
      name: 'anchorpost-ergo-devnet-test-double',
      stateType: 'utxo',
      bestFullHeaderId: best.header.id,
      bestHeaderId: best.header.id,
      fullHeight: best.header.height,
      headersHeight: best.header.height,
      maxPeerHeight: best.header.height,
      unconfirmedCount: this.#mempool.length,
      appVersion: 'test-double',
      peersCount: 0,
      isMining: false,
      parameters: { ...PARAMETERS, height: 0 },
    };
  }

  #blockText(block: Block): string {
    const txs = block.txs.map((t) => (t.text === '' ? fundingTxText(t) : t.text));
    return `{"header":${JSON.stringify(block.header)},"blockTransactions":{"headerId":"${block.header.id}","transactions":[${txs.join(',')}],"size":${txs.reduce((n, t) => n + t.length, 0)}},"extension":{"headerId":"${block.header.id}","digest":"${ZERO_ID}","fields":[]},"adProofs":null,"size":${txs.length}}`;
  }

  #indexedBoxText(indexed: IndexedBox): string {
    const extra = {
      globalIndex: indexed.globalIndex,
      inclusionHeight: indexed.inclusionHeight,
      address: addressOf(String(indexed.box.ergoTree), this.network),
      spentTransactionId: indexed.spentTransactionId,
      spendingHeight: indexed.spendingHeight,
      blockId: indexed.blockId,
    };
    return `${stringifyLossless(indexed.box).slice(0, -1)},${JSON.stringify(extra).slice(1)}`;
  }

  #indexedTxText(tx: IndexedTx): string {
    const inputs = tx.entry.inputs.map((id) => this.#boxes.get(id)).filter((b) => b !== undefined);
    const outputs = tx.entry.outputs.map((box) => this.#boxes.get(box.boxId)).filter((b) => b !== undefined);
    return `{"id":"${tx.entry.id}","blockId":"${tx.blockId}","inclusionHeight":${tx.height},"timestamp":${tx.timestamp},"index":${tx.index},"globalIndex":${tx.globalIndex},"numConfirmations":${this.height - tx.height + 1},"inputs":[${inputs.map((b) => this.#indexedBoxText(b)).join(',')}],"dataInputs":[],"outputs":[${outputs.map((b) => this.#indexedBoxText(b)).join(',')}],"size":${tx.entry.size}}`;
  }
}

/** Starts the double and its HTTP server. */
export async function startErgoDevnet(options: ErgoDevnetOptions = {}): Promise<ErgoDevnet> {
  const devnet = new ErgoDevnet(options);
  await devnet.listen(options.host ?? '127.0.0.1', options.port ?? 0, options.autoMineMs);
  return devnet;
}

/**
 * Box values and token amounts can pass 2^53: integers JSON.parse would round become bigints, and
 * are written back as bare JSON numbers (the node's form).
 */
function parseLossless(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' &&
    !Number.isSafeInteger(value) &&
    context?.source !== undefined &&
    /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

function stringifyLossless(value: unknown): string {
  const raw = JSON as unknown as { rawJSON(text: string): unknown };
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? raw.rawJSON(v.toString()) : v));
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new NodeError(400, 'bad.request', 'body is not JSON');
  }
}

function boxes(list: readonly BoxJson[]): ergo.ErgoBoxes {
  const out = ergo.ErgoBoxes.empty();
  for (const box of list) out.add(ergo.ErgoBox.from_json(stringifyLossless(box)));
  return out;
}

/** Outputs in the node's JSON, as ergo-lib computes them (box ids, transaction id, index). */
function outputsOf(tx: ergo.Transaction): BoxJson[] {
  const list = tx.outputs();
  const out: BoxJson[] = [];
  for (let i = 0; i < list.len(); i++) out.push(parseLossless(list.get(i).to_json()) as BoxJson);
  return out;
}

function fundingTxText(tx: TxEntry): string {
  return stringifyLossless({ id: tx.id, inputs: [], dataInputs: [], outputs: tx.outputs, size: 0 });
}

function addressOf(tree: string, network: DevnetNetwork): string {
  const prefix = network === 'mainnet' ? ergo.NetworkPrefix.Mainnet : ergo.NetworkPrefix.Testnet;
  return ergo.Address.recreate_from_ergo_tree(ergo.ErgoTree.from_base16_bytes(tree)).to_base58(prefix);
}

/** A version-2 header with made-up PoW; its id hashes its fields and transactions, so it is unique per content. */
function syntheticHeader(
  height: number,
  parentId: string,
  timestamp: number,
  txs: readonly TxEntry[],
  serial: number,
): Block['header'] {
  const transactionsRoot = createHash('sha256')
    .update(txs.map((t) => t.id).join(','))
    .digest('hex');
  const id = createHash('sha256')
    .update(`${height}/${parentId}/${timestamp}/${transactionsRoot}/${serial}`)
    .digest('hex');
  const h = (label: string) => createHash('sha256').update(`${label}/${id}`).digest('hex');
  return {
    extensionId: h('extensionId'),
    difficulty: '1',
    votes: '000000',
    timestamp,
    size: 220,
    stateRoot: `${h('stateRoot')}00`,
    height,
    nBits: 16842752,
    version: 2,
    id,
    adProofsRoot: h('adProofsRoot'),
    transactionsRoot,
    extensionHash: h('extensionHash'),
    powSolutions: {
      pk: '03bedaee069ff4829500b3c07c4d5fe6b3ea3d3bf76c5c28c1d4dcdb1bed0ade0c',
      w: '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
      n: '0000000000000000',
      d: 0,
    },
    adProofsId: h('adProofsId'),
    transactionsId: h('transactionsId'),
    parentId,
  };
}

function headerJson(header: Block['header']): unknown {
  return JSON.parse(JSON.stringify(header)) as unknown;
}
