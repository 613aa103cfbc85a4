/**
 * A TEST DOUBLE of an Ergo node: the REST endpoints Anchorpost uses, over an in-memory chain that
 * builds blocks on demand and rolls them back. Not an Ergo node: no proof of work, no difficulty,
 * no network, no storage rent, no mempool eviction or fee ordering. What it does check, with
 * ergo-lib, is every transaction: its id, that each input and data input exists (the mempool's own
 * outputs count, so chained unconfirmed transactions are accepted, as by a node), the node's
 * `validate_tx` — signatures and scripts, ERG and token conservation, box sizes and values — plus
 * output creation heights, the minimum fee and double spends against the pool.
 *
 * Its answers copy the real node's JSON shapes (see shared/fixtures/ergo and the reference node's
 * codecs). Production code must never depend on it: only tests and the e2e harness start it.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChainJournal } from './chain-journal.ts';
import { DevnetLedger } from './ledger.ts';
import type { BoxJson, DevnetNetwork } from './ledger.ts';
import { answerNodeRequest } from './node-api.ts';
import type { IndexOrder } from './node-api.ts';

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
  /** The node's `minimalFeeAmount`, nanoERG. Default 1,000,000 (the reference node's setting). */
  readonly minFee?: bigint;
  /** Blocks the extra index (`/blockchain/*`) trails the chain by. Default 0. */
  readonly indexerLag?: number;
  /** Page order of `/blockchain/box/byTokenId`. Default 'newest-first' (nodes since 5.0.25). */
  readonly indexOrder?: IndexOrder;
  /** One JSON-able record per event (transaction accepted or refused, fund, rollback). */
  readonly log?: (event: Record<string, unknown>) => void;
  /**
   * Keeps the chain in this folder (chain-journal.ts): a double started again on it has the same
   * blocks, and an empty pool, as a node after a restart. Default: in memory only.
   */
  readonly dataDir?: string;
}

export class ErgoDevnet {
  readonly network: DevnetNetwork;
  readonly #ledger: DevnetLedger;
  readonly #indexOrder: IndexOrder;
  #server: Server | undefined;
  #timer: NodeJS.Timeout | undefined;
  url = '';

  constructor(options: ErgoDevnetOptions = {}) {
    const indexerLag = options.indexerLag ?? 0;
    if (!Number.isSafeInteger(indexerLag) || indexerLag < 0)
      throw new RangeError('indexerLag: expected >= 0');
    this.network = options.network ?? 'testnet';
    this.#indexOrder = options.indexOrder ?? 'newest-first';
    const startHeight = options.startHeight ?? 1;
    const opened =
      options.dataDir === undefined
        ? undefined
        : ChainJournal.open(options.dataDir, { network: this.network, startHeight });
    this.#ledger = new DevnetLedger(
      {
        network: this.network,
        now: options.now ?? Date.now,
        startHeight,
        minFee: options.minFee ?? 1_000_000n,
        indexerLag,
        log: options.log,
        journal: opened?.journal,
      },
      opened?.restored,
    );
    // Ten empty blocks, so that signing and validation have a full header window from the start.
    if (this.#ledger.blocks.length === 0) this.#ledger.mine(10);
    else options.log?.({ event: 'restarted', height: this.#ledger.height });
  }

  get height(): number {
    return this.#ledger.height;
  }

  /** Ids of the pool's transactions, in the order blocks take them. */
  mempool(): string[] {
    return this.#ledger.pool.map((tx) => tx.id);
  }

  /** Mines `count` blocks (each takes every pool transaction valid on top of it); their header ids. */
  mine(count = 1): string[] {
    return this.#ledger.mine(count);
  }

  /**
   * Removes the newest `count` blocks. Their transactions go back to the pool (as a node does),
   * unless `dropTransactions`: then they are gone, with every pool transaction that spent them.
   */
  rollback(count: number, options: { readonly dropTransactions?: boolean } = {}): void {
    this.#ledger.rollback(count, options);
  }

  /** Test-double power: `value` nanoERG for `address` from the faucet, mined in a new block. The new box. */
  fund(address: string, value: bigint): BoxJson {
    return this.#ledger.fund(address, value);
  }

  /** Submits a signed transaction (node JSON), as `POST /transactions`; its id, or NodeError. */
  submit(json: string): string {
    return this.#ledger.submit(json);
  }

  async listen(host = '127.0.0.1', port = 0, autoMineMs?: number): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 4_000_000) req.destroy();
        else chunks.push(chunk);
      });
      req.on('end', () => {
        const method = req.method ?? 'GET';
        const url = new URL(req.url ?? '/', 'http://devnet');
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = answerNodeRequest(this.#ledger, { indexOrder: this.#indexOrder }, method, url, body);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(method === 'HEAD' ? undefined : answer.body);
      });
    });
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    if (autoMineMs !== undefined) {
      if (!(autoMineMs > 0)) throw new RangeError('autoMineMs: expected > 0');
      this.#timer = setInterval(() => this.mine(1), autoMineMs);
    }
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
}

/** Starts the double and its HTTP server. */
export async function startErgoDevnet(options: ErgoDevnetOptions = {}): Promise<ErgoDevnet> {
  const devnet = new ErgoDevnet(options);
  await devnet.listen(options.host ?? '127.0.0.1', options.port ?? 0, options.autoMineMs);
  return devnet;
}
