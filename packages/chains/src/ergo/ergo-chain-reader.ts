/**
 * The read side of Ergo for Anchorpost: the best chain's head and block ids, and the anchors of
 * the platform's marker token (anchor-box.ts), read block by block from the node so that only the
 * best chain counts and no index is trusted for what a range holds. Finding the anchor of one
 * sequence uses the node's extra index (`/blockchain/box/byTokenId`) instead of a scan.
 */
import * as ergo from 'ergo-lib-wasm-nodejs';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import type { ChainAnchor, ChainAnchorPage, ChainHead, ChainReader } from '../chain-reader.ts';
import { decodeAnchorBox } from './anchor-box.ts';
import { ErgoNodeClient } from './ergo-node-client.ts';
import { checkErgoNodeNetwork, networkPrefix, type ErgoNetwork } from './ergo-network.ts';
import type { ErgoBoxJson, ErgoHeader, ErgoIndexedBox } from './node-types.ts';

export interface ErgoChainReaderOptions {
  /** Node URLs, tried in order. */
  readonly nodeUrls: readonly string[];
  readonly apiKey?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly network: ErgoNetwork;
  /** The marker token id (64 hex): the id of the first input of its minting transaction. */
  readonly tokenId: string;
  /** The height the marker was minted at: nothing below is read. Default 1 (the first block). */
  readonly startHeight?: number | undefined;
  /** Blocks per page of readAnchors. Default 50 (two node calls per block). */
  readonly pageBlocks?: number;
  /** Id in stores and proofs; default `ergo:<network>`. */
  readonly id?: string;
}

const TOKEN_RE = /^[0-9a-f]{64}$/;

export class ErgoChainReader implements ChainReader {
  readonly id: string;
  readonly network: ErgoNetwork;
  readonly tokenId: string;
  readonly startHeight: number;
  readonly client: ErgoNodeClient;
  readonly #pageBlocks: number;
  /** Sequence → the marker box that anchors it, from the extra index (rebuilt when it shrinks). */
  readonly #bySequence = new Map<number, ErgoIndexedBox>();
  /** Ids of the token's boxes read from the index so far. */
  readonly #seen = new Set<string>();

  constructor(options: ErgoChainReaderOptions) {
    if (!TOKEN_RE.test(options.tokenId))
      throw new ChainError(
        ChainErrorCode.BadConfig,
        `Ergo marker token id: expected 64 lower-case hex, got ${options.tokenId}`,
      );
    this.network = options.network;
    this.tokenId = options.tokenId;
    // Ergo's first block is at height 1: nothing is below it.
    this.startHeight = Math.max(options.startHeight ?? 1, 1);
    this.#pageBlocks = options.pageBlocks ?? 50;
    this.id = options.id ?? `ergo:${options.network}`;
    this.client = new ErgoNodeClient({
      urls: options.nodeUrls,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
    });
  }

  /**
   * Refuses a node on another network (BAD_CONFIG ANCHORPOST_ERGO_NETWORK): a service calls it
   * once, when it starts.
   */
  checkNetwork(): Promise<void> {
    return checkErgoNodeNetwork(this.client, this.network);
  }

  async head(): Promise<ChainHead> {
    const info = await this.client.info();
    if (info.fullHeight === null || info.bestFullHeaderId === null) {
      throw new ChainError(
        ChainErrorCode.Unavailable,
        'the Ergo node has no full blocks yet (still syncing?)',
      );
    }
    const header = await this.client.header(info.bestFullHeaderId);
    if (header === undefined)
      throw new ChainError(ChainErrorCode.Reorganized, 'the best block changed while reading the head');
    return { number: header.height, hash: header.id, time: isoTime(header.timestamp) };
  }

  async confirmations(blockNumber: number, blockHash?: string): Promise<number> {
    const head = await this.head();
    if (blockNumber > head.number) return 0;
    if (blockHash !== undefined && (await this.client.bestHeaderIdAt(blockNumber)) !== blockHash) return 0;
    return head.number - blockNumber + 1;
  }

  /** The best chain's header id at `height`, or undefined above the tip. */
  blockHash(height: number): Promise<string | undefined> {
    return this.client.bestHeaderIdAt(height);
  }

  async *readAnchors(fromBlock: number, toBlock: number): AsyncGenerator<ChainAnchorPage> {
    for (const [name, value] of [
      ['fromBlock', fromBlock],
      ['toBlock', toBlock],
    ] as const) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new ChainError(ChainErrorCode.InvalidRequest, `${name}: expected an integer >= 0`);
    }
    if (fromBlock > toBlock)
      throw new ChainError(ChainErrorCode.InvalidRequest, `fromBlock ${fromBlock} > toBlock ${toBlock}`);
    const end = Math.min(toBlock, (await this.head()).number);
    // Blocks below startHeight hold no anchor of this marker: report them read, in one page.
    if (fromBlock < this.startHeight && fromBlock <= end) {
      yield { fromBlock, toBlock: Math.min(end, this.startHeight - 1), anchors: [] };
    }
    for (let start = Math.max(fromBlock, this.startHeight); start <= end; start += this.#pageBlocks) {
      const pageEnd = Math.min(start + this.#pageBlocks - 1, end);
      const anchors: ChainAnchor[] = [];
      for (let height = start; height <= pageEnd; height++) anchors.push(...(await this.#anchorsAt(height)));
      yield { fromBlock: start, toBlock: pageEnd, anchors };
    }
  }

  async #anchorsAt(height: number): Promise<ChainAnchor[]> {
    const headerId = await this.client.bestHeaderIdAt(height);
    if (headerId === undefined)
      throw new ChainError(ChainErrorCode.Reorganized, `no block at height ${height} any more`);
    const block = await this.client.block(headerId);
    if (block === undefined) throw new ChainError(ChainErrorCode.Reorganized, `block ${headerId} is gone`);
    const anchors: ChainAnchor[] = [];
    block.blockTransactions.transactions.forEach((tx, position) => {
      for (const output of tx.outputs) {
        const anchor = this.toChainAnchor(output, block.header, tx.id, position);
        if (anchor !== undefined) anchors.push(anchor);
      }
    });
    return anchors;
  }

  /** The anchor in `box` (created by `txId` at `position` in the block of `header`), if it is one. */
  toChainAnchor(
    box: ErgoBoxJson,
    header: ErgoHeader,
    txId: string,
    position: number,
  ): ChainAnchor | undefined {
    const anchor = decodeAnchorBox(box, this.tokenId);
    if (anchor === undefined) return undefined;
    return {
      ...anchor,
      submitter: addressOf(box.ergoTree, this.network),
      txHash: txId,
      blockNumber: header.height,
      blockHash: header.id,
      blockTime: isoTime(header.timestamp),
      logIndex: position,
    };
  }

  /**
   * The confirmed anchor of `sequence` on the best chain, from the node's extra index; undefined
   * while there is none. The index follows the token through every box that held it.
   */
  async findAnchor(sequence: number): Promise<ChainAnchor | undefined> {
    let box = await this.#indexedAnchorBox(sequence);
    if (box === undefined) return undefined;
    let tx = await this.client.indexedTransaction(box.transactionId);
    if (tx === undefined) {
      // Rolled back since it was indexed here: start over from the node's index.
      this.#bySequence.clear();
      this.#seen.clear();
      box = await this.#indexedAnchorBox(sequence);
      if (box === undefined) return undefined;
      tx = await this.client.indexedTransaction(box.transactionId);
      if (tx === undefined) return undefined;
    }
    const header = await this.client.header(tx.blockId);
    if (header === undefined) return undefined;
    return this.toChainAnchor(box, header, tx.id, tx.index);
  }

  /**
   * The marker box anchoring `sequence`, from the token's boxes in the node's index. The index
   * lists them newest first (nodes since 5.0.25; oldest first before): each call reads from the
   * newest end until it meets a box it has already seen, so the work per call is what was added
   * since the last one. When the index no longer holds what was read (a rollback), it starts afresh.
   */
  async #indexedAnchorBox(sequence: number): Promise<ErgoIndexedBox | undefined> {
    if (!(await this.#readNewBoxes())) {
      this.#bySequence.clear();
      this.#seen.clear();
      await this.#readNewBoxes();
    }
    return this.#bySequence.get(sequence);
  }

  /** Adds the boxes new since the last read; false when the index no longer matches what was read. */
  async #readNewBoxes(): Promise<boolean> {
    const fresh: ErgoIndexedBox[] = [];
    let offset = 0;
    let total: number;
    for (;;) {
      const page = await this.client.boxesByTokenId(this.tokenId, offset);
      total = page.total;
      if (total < this.#seen.size) return false;
      const first = page.items[0];
      const last = page.items.at(-1);
      const newestFirst = first === undefined || last === undefined || first.globalIndex >= last.globalIndex;
      let metSeen = false;
      for (const box of page.items) {
        if (this.#seen.has(box.boxId)) metSeen = true;
        else fresh.push(box);
      }
      offset += page.items.length;
      // Newest first: what follows is known already. Oldest first: the known ones come first.
      if (page.items.length === 0 || offset >= total || (metSeen && newestFirst)) break;
    }
    // Something read before is not in the index any more (a rollback).
    if (this.#seen.size > 0 && this.#seen.size + fresh.length !== total) return false;
    for (const box of fresh.sort((a, b) => a.globalIndex - b.globalIndex)) {
      this.#seen.add(box.boxId);
      const anchor = decodeAnchorBox(box, this.tokenId);
      // The newest anchor of a sequence wins (an older one was rolled back and sent again).
      if (anchor !== undefined) this.#bySequence.set(anchor.sequence, box);
    }
    return true;
  }
}

export function isoTime(timestampMs: number): string {
  return new Date(timestampMs).toISOString();
}

/** The base58 address of an ErgoTree (P2PK or script) on `network`. */
export function addressOf(ergoTree: string, network: ErgoNetwork): string {
  return ergo.Address.recreate_from_ergo_tree(ergo.ErgoTree.from_base16_bytes(ergoTree)).to_base58(
    networkPrefix(network),
  );
}
