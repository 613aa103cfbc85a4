/**
 * Indexes one anchor at trusted depth: fetch and verify its batch-file against the anchored root
 * and CID, then index its tx-files, the batch with its entries, and the anchor — in that order,
 * so that a crash anywhere leaves nothing that the next try would not complete (tx-files already
 * indexed are skipped; an indexed batch only needs its anchor).
 *
 * The batch-file's pages are read three times (verify, tx-files, entries) rather than held: memory
 * stays at one page and one chunk of tx-files whatever the batch size; pages are small blocks.
 */
import type { ChainAnchor } from '@anchorpost/chains';
import { isDbError } from '@anchorpost/db-port';
import type { BatchRecord, ChainKind, IndexRepository, TxFileRecord } from '@anchorpost/db-port';
import { AnchorpostError, ProtocolError, readBatchPages, toHex, verifyBatchFile } from '@anchorpost/protocol';
import type { BatchRoot, DuplicateCheck, GetBatchPage } from '@anchorpost/protocol';
import { isStorageError, StorageErrorCode } from '@anchorpost/storage-port';
import type { ContentFetcher } from './content-fetcher.ts';
import { isParserError, ParserError, ParserErrorCode } from './parser-error.ts';
import { notify } from './parser-observer.ts';
import type { ParserObserver } from './parser-observer.ts';
import type { PeerFollowing } from './parser-options.ts';
import type { BulkTxFiles } from './bulk-tx-files.ts';
import type { TxFileParsing } from './tx-file-parsing.ts';

export interface AnchorIndexerOptions {
  readonly index: IndexRepository;
  readonly fetcher: ContentFetcher;
  readonly chain: ChainKind;
  readonly chainId: string;
  readonly contract: string;
  readonly duplicateCheck: DuplicateCheck;
  readonly txFileConcurrency: number;
  readonly txFileChunk: number;
  /** Where tx-files are parsed (worker threads or inline). */
  readonly parsing: TxFileParsing;
  readonly observer: ParserObserver | undefined;
  /** Indexing a peer's anchors (ADR 0031); undefined: the platform's own. */
  readonly peer: PeerFollowing | undefined;
}

export type AnchorOutcome =
  | { readonly kind: 'indexed'; readonly batch: BatchRecord; readonly txFilesIndexed: number }
  | { readonly kind: 'rejected'; readonly error: ParserError };

export class AnchorIndexer {
  readonly #options: AnchorIndexerOptions;

  constructor(options: AnchorIndexerOptions) {
    this.#options = options;
  }

  /**
   * Retryable failures (storage, database, chain, a peer's batch-file out of reach) are thrown; a
   * bad batch is a `rejected` outcome.
   */
  async index(anchor: ChainAnchor): Promise<AnchorOutcome> {
    try {
      const outcome = await this.#index(anchor);
      notify(this.#options.observer, 'anchorIndexed', { anchor, ...outcome });
      return { kind: 'indexed', ...outcome };
    } catch (error) {
      if (isParserError(error, ParserErrorCode.PeerContentUnreachable)) {
        notify(this.#options.observer, 'contentUnreachable', { anchor, error });
      }
      if (!(error instanceof ParserError) || error.retryable) throw error;
      notify(this.#options.observer, 'anchorRejected', { anchor, error });
      return { kind: 'rejected', error };
    }
  }

  async #index(anchor: ChainAnchor): Promise<{ batch: BatchRecord; txFilesIndexed: number }> {
    const { index, peer } = this.#options;
    // On Ergo (no submitters) the reader's marker token is the authority (PeerFollowing).
    const submitters = peer?.submitters;
    if (
      peer !== undefined &&
      submitters !== undefined &&
      !submitters.includes(anchor.submitter.toLowerCase())
    ) {
      throw new ParserError(
        ParserErrorCode.UntrustedAnchor,
        `anchor ${anchor.txHash} (sequence ${anchor.sequence}) was submitted by ${anchor.submitter}, not by a submitter of peer ${peer.name}`,
      );
    }
    const existing = await index.getBatch(anchor.batchCid);
    // Indexed before (a crash before the anchor, a reorg that moved it, a second chain).
    if (existing !== null) return this.#anchorIndexedBatch(anchor, existing);

    const { root, rootBlock } = await this.#verify(anchor);
    if (peer !== undefined && root.platform !== peer.name) {
      // A peer's batch may not take a place in another platform's sequence (this one's above all).
      throw mismatch(anchor, `batch-file names platform ${root.platform}, anchored by peer ${peer.name}`);
    }
    const batch: BatchRecord = {
      cid: anchor.batchCid,
      platform: root.platform,
      sequence: root.sequence,
      previousCid: root.previous === null ? null : root.previous.toString(),
      sealedAt: root.sealedAt,
      merkleRoot: toHex(root.merkleRoot),
      count: root.count,
      // Kept so a proof carries the header as anchored without asking storage (a few hundred
      // bytes; about 2.6 KB for a million entries).
      rootBlock,
    };
    const other = await index.getBatchBySequence(batch.platform, batch.sequence);
    // This very batch, indexed since the lookup above by the other chain's parser.
    if (other?.cid === batch.cid) return this.#anchorIndexedBatch(anchor, other);
    if (other !== null) {
      throw new ParserError(
        ParserErrorCode.BatchConflict,
        `anchor ${anchor.txHash}: batch ${batch.platform}/${batch.sequence} is already indexed as ${other.cid}, not ${batch.cid}`,
      );
    }
    if (peer !== undefined) {
      // Before the batch: a crash after it must not leave the peer's batch looking like our own.
      await peer.store.recordPeerBatch({
        batchCid: batch.cid,
        peer: peer.name,
        chain: this.#options.chain,
        chainId: this.#options.chainId,
      });
    }
    const txFilesIndexed = await this.#indexTxFiles(anchor.batchCid, root);
    // The repository wraps whatever the entries throw into a DbError: keep the storage failure.
    let readFailure: { error: unknown } | undefined;
    const entries = async function* (source: AsyncIterable<string>) {
      try {
        yield* source;
      } catch (error) {
        readFailure = { error };
        throw error;
      }
    };
    try {
      await index.recordBatch(batch, entries(this.#entries(anchor.batchCid, root)));
    } catch (error) {
      if (readFailure !== undefined) throw asBatchError(anchor, readFailure.error, this.#options.peer);
      if (isDbError(error) && error.code === 'UNIQUE_VIOLATION') {
        // Another writer (a second chain's parser) indexed the same batch first: just anchor it.
        const same = await index.getBatch(batch.cid);
        if (same !== null && same.merkleRoot === batch.merkleRoot) {
          await this.#recordAnchor(anchor);
          return { batch: same, txFilesIndexed };
        }
        throw new ParserError(
          ParserErrorCode.BatchConflict,
          `anchor ${anchor.txHash}: batch ${batch.platform}/${batch.sequence} was indexed meanwhile`,
          { cause: error },
        );
      }
      throw asBatchError(anchor, error, this.#options.peer);
    }
    await this.#recordAnchor(anchor);
    return { batch, txFilesIndexed };
  }

  /** Records the anchor of a batch already indexed, once it is the batch the anchor names. */
  async #anchorIndexedBatch(
    anchor: ChainAnchor,
    existing: BatchRecord,
  ): Promise<{ batch: BatchRecord; txFilesIndexed: number }> {
    const { peer } = this.#options;
    if (peer !== undefined) await this.#sameOrigin(anchor, peer);
    if (existing.merkleRoot !== anchor.root || existing.sequence !== anchor.sequence) {
      throw mismatch(anchor, `indexed batch has root ${existing.merkleRoot}, sequence ${existing.sequence}`);
    }
    await this.#recordAnchor(anchor);
    return { batch: existing, txFilesIndexed: 0 };
  }

  /** An indexed batch anchored again by a peer must have come from that peer, never from us or another. */
  async #sameOrigin(anchor: ChainAnchor, peer: PeerFollowing): Promise<void> {
    const origin = await peer.store.peerBatch(anchor.batchCid);
    if (origin?.peer === peer.name) return;
    throw new ParserError(
      ParserErrorCode.BatchConflict,
      `anchor ${anchor.txHash}: batch ${anchor.batchCid} is indexed as ${origin === null ? "this platform's own" : `peer ${origin.peer}'s`}, not peer ${peer.name}'s`,
    );
  }

  /** Fetches and fully verifies the batch-file; returns its root (and its bytes) once it matches the anchor. */
  async #verify(anchor: ChainAnchor): Promise<{ root: BatchRoot; rootBlock: Uint8Array }> {
    let verified;
    let rootBytes: Uint8Array;
    try {
      rootBytes = await this.#options.fetcher.block(anchor.batchCid);
      verified = await verifyBatchFile(rootBytes, this.#page(anchor.batchCid), {
        duplicateCheck: this.#options.duplicateCheck,
      });
    } catch (error) {
      throw asBatchError(anchor, error, this.#options.peer);
    }
    const { cid, root } = verified;
    if (cid.toString() !== anchor.batchCid) {
      throw mismatch(anchor, `root block hashes to ${cid.toString()}`);
    }
    const merkleRoot = toHex(root.merkleRoot);
    if (merkleRoot !== anchor.root) {
      throw mismatch(anchor, `batch-file entries give Merkle root ${merkleRoot}, anchored ${anchor.root}`);
    }
    if (root.sequence !== anchor.sequence) {
      throw mismatch(anchor, `batch-file has sequence ${root.sequence}, anchored ${anchor.sequence}`);
    }
    return { root, rootBlock: rootBytes };
  }

  #page(batchCid: string): GetBatchPage {
    return (cid) =>
      this.#options.fetcher.block(cid).catch((error: unknown) => {
        throw asBatchError({ batchCid }, error, this.#options.peer);
      });
  }

  async *#entries(batchCid: string, root: BatchRoot): AsyncGenerator<string> {
    for await (const { page } of readBatchPages(root, this.#page(batchCid))) {
      for (const entry of page.entries) yield entry.toString();
    }
  }

  /**
   * Indexes the batch's tx-files chunk by chunk; returns how many were new. The tx-files come from
   * one stream of the batch's DAG where it can give them (BulkTxFiles), on their own otherwise. A
   * chunk's write runs while the next chunk is fetched (storage and database work side by side),
   * with at most one write in flight, so memory holds two chunks of rows at most.
   */
  async #indexTxFiles(batchCid: string, root: BatchRoot): Promise<number> {
    const { txFileConcurrency, fetcher, observer } = this.#options;
    const reads = { bulk: 0, single: 0 };
    const bulk = fetcher.bulk(batchCid, txFileConcurrency);
    try {
      return await this.#indexChunks(batchCid, root, bulk, reads);
    } finally {
      bulk.close();
      notify(observer, 'txFilesRead', { batchCid, ...reads, bulkFailure: bulk.failure });
    }
  }

  async #indexChunks(
    batchCid: string,
    root: BatchRoot,
    bulk: BulkTxFiles,
    reads: { bulk: number; single: number },
  ): Promise<number> {
    const { txFileChunk } = this.#options;
    let inserted = 0;
    let chunk: { cid: string; position: number }[] = [];
    let writing: Promise<void> = Promise.resolve();
    const flush = async () => {
      const rows = await this.#fetchTxFiles(batchCid, root.sequence, chunk, bulk, reads);
      chunk = [];
      await writing;
      if (rows.length === 0) return;
      writing = this.#options.index.recordTxFiles(rows).then((count) => {
        inserted += count;
      });
      // Awaited by the next flush or at the end; until then a failure must not go unhandled.
      writing.catch(() => undefined);
    };
    try {
      let position = 0;
      for await (const entry of this.#entries(batchCid, root)) {
        chunk.push({ cid: entry, position });
        position += 1;
        if (chunk.length === txFileChunk) await flush();
      }
      if (chunk.length > 0) await flush();
      await writing;
    } catch (error) {
      // A write still under way ends before the anchor is retried (it is idempotent anyway).
      await writing.catch(() => undefined);
      throw error;
    }
    return inserted;
  }

  async #fetchTxFiles(
    batchCid: string,
    batchSequence: number,
    entries: readonly { cid: string; position: number }[],
    bulk: BulkTxFiles,
    reads: { bulk: number; single: number },
  ): Promise<TxFileRecord[]> {
    const { fetcher, txFileConcurrency, parsing, observer } = this.#options;
    const rows = new Array<TxFileRecord | undefined>(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const i = next++;
        const { cid, position } = entries[i]!;
        try {
          // Asked in entry order: each worker takes its entry before any await.
          let bytes = await bulk.take(cid);
          if (bytes === undefined) {
            reads.single += 1;
            bytes = await fetcher.txFile(cid);
          } else {
            reads.bulk += 1;
          }
          rows[i] = await parsing.record({ cid, bytes, batchSequence, position });
        } catch (error) {
          // Retryable (storage down): the whole anchor is tried again later, nothing is skipped.
          if (error instanceof AnchorpostError && error.retryable) throw error;
          if (!isStorageError(error) && !(error instanceof ProtocolError)) throw error;
          const rejected = new ParserError(
            ParserErrorCode.TxFileInvalid,
            `tx-file ${cid} (entry ${position} of batch ${batchCid}): ${error.message}`,
            { cause: error },
          );
          notify(observer, 'txFileRejected', { batchCid, index: position, cid, error: rejected });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(txFileConcurrency, entries.length) }, worker));
    return rows.filter((row) => row !== undefined);
  }

  #recordAnchor(anchor: ChainAnchor): Promise<void> {
    const { index, chain, chainId, contract } = this.#options;
    return index.recordAnchor({
      chain,
      chainId,
      batchCid: anchor.batchCid,
      contract,
      sequence: anchor.sequence,
      root: anchor.root,
      txHash: anchor.txHash,
      blockNumber: anchor.blockNumber,
      blockHash: anchor.blockHash,
      blockTime: anchor.blockTime,
      // Only anchors at the trusted depth reach the index.
      status: 'confirmed',
    });
  }
}

function mismatch(anchor: ChainAnchor, detail: string): ParserError {
  return new ParserError(
    ParserErrorCode.BatchMismatch,
    `anchor ${anchor.txHash} (sequence ${anchor.sequence}, batch ${anchor.batchCid}): ${detail}`,
  );
}

/** A peer's batch-file that our storage times out on or does not have: not on our IPFS network. */
const OUT_OF_REACH: ReadonlySet<string> = new Set([StorageErrorCode.Timeout, StorageErrorCode.NotFound]);

/**
 * Non-retryable storage and protocol failures of a batch-file become a ParserError; the rest pass.
 * A peer's batch-file out of reach (after the fetcher's retries) is PEER_CONTENT_UNREACHABLE, which
 * holds the peer's cursor: for our own batches a missing block is lost for good, for a peer's it is
 * only not here (a private-mode peer, or one that has not provided it yet).
 */
function asBatchError(
  anchor: Pick<ChainAnchor, 'batchCid'>,
  error: unknown,
  peer: PeerFollowing | undefined,
): unknown {
  if (error instanceof ParserError) return error;
  if (peer !== undefined && isStorageError(error) && OUT_OF_REACH.has(error.code)) {
    return new ParserError(
      ParserErrorCode.PeerContentUnreachable,
      `batch ${anchor.batchCid} of peer ${peer.name} is not reachable on this platform's IPFS network: ${error.code}: ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof AnchorpostError && error.retryable) return error;
  if (isStorageError(error)) {
    return new ParserError(
      ParserErrorCode.BatchUnavailable,
      `batch ${anchor.batchCid}: ${error.code}: ${error.message}`,
      { cause: error },
    );
  }
  if (error instanceof ProtocolError) {
    return new ParserError(
      ParserErrorCode.BatchInvalid,
      `batch ${anchor.batchCid}: ${error.code} at ${error.field}: ${error.message}`,
      { cause: error },
    );
  }
  return error;
}
