/**
 * The parser: follows one chain from `startBlock`, indexes each anchor once it has `trustedDepth`
 * confirmations (its batch-file verified against the anchored root and CID, its tx-files parsed),
 * and keeps a cursor (block number + hash) saved after every page of blocks.
 *
 * Reorgs. Only blocks at the trusted depth are read, so a reorg shallower than that never touches
 * the index. A deeper one shows as the cursor's block hash no longer being canonical: the parser
 * then steps back `reorgRewindBlocks` blocks below the cursor and reads them again. Anchors found
 * there again are re-recorded with their new transaction and block (batches and tx-files are kept:
 * they are content-addressed); an anchor whose batch moved further back than the rewind is not
 * revisited. Anchors that vanished are left as they are (the IndexRepository offers no way to list
 * a chain's anchors by block); `rebuild()` gives a clean index.
 *
 * Peers. With `peer`, the same loop follows another platform's anchor contract (ADR 0031): its
 * own cursor per chain, only its submitters' anchors, the batch's origin recorded.
 *
 * Failures. A retryable one (storage down or slow after the fetcher's own retries, node or
 * database unreachable) ends the run without moving the cursor, so nothing is skipped: the next
 * run starts at the same page, and anchors of that page that were already indexed are recognised.
 * A batch-file that is missing for good, malformed or does not match its anchor is reported
 * (`anchorRejected`) and skipped, never indexed.
 */
import type { ChainCursorRecord } from '@anchorpost/db-port';
import { AnchorIndexer } from './anchor-indexer.ts';
import { ContentFetcher } from './content-fetcher.ts';
import { notify } from './parser-observer.ts';
import { resolveParserOptions } from './parser-options.ts';
import type { ParserOptions, ResolvedParserOptions } from './parser-options.ts';
import { TxFileParsing } from './tx-file-parsing.ts';

export interface ParserRunResult {
  /** First block read this run; greater than `toBlock` when there was nothing new at trusted depth. */
  readonly fromBlock: number;
  /** Last block read and saved as the cursor this run. */
  readonly toBlock: number;
  readonly anchorsIndexed: number;
  readonly anchorsRejected: number;
  readonly txFilesIndexed: number;
  /** Chain head minus the cursor's block after the run (at least trustedDepth - 1 when caught up). */
  readonly headLag: number;
  /** The cursor's block had left the canonical chain; this run stepped back. */
  readonly reorg: boolean;
  /** The run ended before the trusted head: stop(), or the chain changed under it (the next run goes on). */
  readonly interrupted: boolean;
}

export class Parser {
  readonly #options: ResolvedParserOptions;
  #controller = new AbortController();
  #queue: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;

  constructor(options: ParserOptions) {
    this.#options = resolveParserOptions(options);
  }

  get trustedDepth(): number {
    return this.#options.trustedDepth;
  }

  /** Reads from the cursor up to the newest block at trusted depth and indexes what it finds. */
  runOnce(): Promise<ParserRunResult> {
    return this.#exclusive(() => this.#run());
  }

  /** Empties the index (every chain's rows and cursors) and indexes this chain again from `startBlock`. */
  rebuild(): Promise<ParserRunResult> {
    return this.#exclusive(async () => {
      await this.#options.index.truncateAll();
      return this.#run();
    });
  }

  /** Runs in the background until stop(): a run, then `pollIntervalMs`, backing off after failures. */
  start(): void {
    if (this.#loop !== undefined) return;
    if (this.#controller.signal.aborted) this.#controller = new AbortController();
    this.#loop = this.#background(this.#controller.signal);
  }

  /** Ends the background loop after the anchor being indexed; resolves when it has ended. */
  async stop(): Promise<void> {
    this.#controller.abort();
    const loop = this.#loop;
    this.#loop = undefined;
    await loop;
    await this.#queue.catch(() => undefined);
  }

  get running(): boolean {
    return this.#loop !== undefined;
  }

  async #background(signal: AbortSignal): Promise<void> {
    const { sleep, pollIntervalMs, maxFailureDelayMs, observer } = this.#options;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.runOnce();
        failures = 0;
        await sleep(pollIntervalMs, signal);
      } catch (error) {
        failures += 1;
        const delayMs = Math.min(maxFailureDelayMs, Math.max(pollIntervalMs, 1_000) * 2 ** (failures - 1));
        notify(observer, 'runFailed', { error, delayMs });
        await sleep(delayMs, signal);
      }
    }
  }

  #exclusive<T>(run: () => Promise<T>): Promise<T> {
    // After stop(), a run asked for by hand gets a fresh signal (the background loop's is aborted).
    if (this.#loop === undefined && this.#controller.signal.aborted) this.#controller = new AbortController();
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #run(): Promise<ParserRunResult> {
    // The run's parse threads start with its first tx-file and end with it.
    const parsing = new TxFileParsing(this.#options.parseThreads);
    try {
      return await this.#runWith(parsing);
    } finally {
      await parsing.close();
    }
  }

  async #runWith(parsing: TxFileParsing): Promise<ParserRunResult> {
    const o = this.#options;
    const signal = this.#controller.signal;
    const indexer = new AnchorIndexer({
      index: o.index,
      fetcher: new ContentFetcher({
        store: o.store,
        timeoutMs: o.storageTimeoutMs,
        retry: o.storageRetry,
        sleep: o.sleep,
        signal,
        observer: o.observer,
      }),
      chain: o.chain,
      chainId: o.chainId,
      contract: o.contract,
      duplicateCheck: o.duplicateCheck,
      txFileConcurrency: o.txFileConcurrency,
      txFileChunk: o.txFileChunk,
      parsing,
      observer: o.observer,
      peer: o.peer,
    });

    const head = await o.reader.head();
    const trustedHead = head.number - o.trustedDepth + 1;
    const cursor =
      o.peer === undefined
        ? await o.index.getChainCursor(o.chain, o.chainId)
        : await o.peer.store.getPeerCursor(o.peer.name, o.chain, o.chainId);
    let fromBlock = o.startBlock;
    let reorg = false;
    if (cursor !== null) {
      if ((await o.blocks.blockHash(cursor.lastBlock)) === cursor.lastBlockHash) {
        fromBlock = cursor.lastBlock + 1;
      } else {
        reorg = true;
        fromBlock = Math.max(o.startBlock, cursor.lastBlock - o.reorgRewindBlocks + 1);
        notify(o.observer, 'reorg', { cursor, fromBlock });
      }
    }
    let toBlock = fromBlock - 1;
    let anchorsIndexed = 0;
    let anchorsRejected = 0;
    let txFilesIndexed = 0;
    const result = (interrupted: boolean): ParserRunResult => {
      const lag = head.number - (toBlock >= fromBlock ? toBlock : (cursor?.lastBlock ?? o.startBlock - 1));
      notify(o.observer, 'headLag', lag);
      return {
        fromBlock,
        toBlock,
        anchorsIndexed,
        anchorsRejected,
        txFilesIndexed,
        headLag: lag,
        reorg,
        interrupted,
      };
    };
    if (fromBlock > trustedHead) return result(false);

    for await (const page of o.reader.readAnchors(fromBlock, trustedHead)) {
      for (const anchor of page.anchors) {
        if (signal.aborted) return result(true);
        // The page was read against a head of a moment ago: a block that left the canonical
        // chain since must not be indexed. Stop here; the next run reads this page again.
        if ((await o.reader.confirmations(anchor.blockNumber, anchor.blockHash)) < o.trustedDepth) {
          return result(true);
        }
        const outcome = await indexer.index(anchor);
        if (outcome.kind === 'indexed') {
          anchorsIndexed += 1;
          txFilesIndexed += outcome.txFilesIndexed;
        } else {
          anchorsRejected += 1;
        }
      }
      const hash = await o.blocks.blockHash(page.toBlock);
      if (hash === undefined) return result(true); // the chain got shorter meanwhile
      const saved: ChainCursorRecord = {
        chain: o.chain,
        chainId: o.chainId,
        lastBlock: page.toBlock,
        lastBlockHash: hash,
      };
      if (o.peer === undefined) await o.index.saveChainCursor(saved);
      else await o.peer.store.savePeerCursor(o.peer.name, saved);
      toBlock = page.toBlock;
      notify(o.observer, 'headLag', head.number - toBlock);
      if (signal.aborted) return result(true);
    }
    return result(false);
  }
}
