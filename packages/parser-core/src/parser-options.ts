/** The parser's options, validated once at construction (a bad one throws BAD_CONFIG naming the key). */
import type { ChainReader } from '@anchorpost/chains';
import type { ChainKind, IndexRepository, PeerStore } from '@anchorpost/db-port';
import type { DuplicateCheck } from '@anchorpost/protocol';
import type { ContentStore } from '@anchorpost/storage-port';
import type { ChainBlockHashes } from './chain-block-hashes.ts';
import { ParserError, ParserErrorCode } from './parser-error.ts';
import type { ParserObserver } from './parser-observer.ts';

/** Waits `ms`; resolves early (without throwing) when `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface StorageRetryOptions {
  /** Tries of one read before the run gives up (the cursor stays); default 5. */
  readonly attempts?: number;
  /** First back-off, doubled per try; default 500 ms. */
  readonly initialDelayMs?: number;
  /** Longest back-off; default 30 s. */
  readonly maxDelayMs?: number;
}

/**
 * Following a peer platform's anchors rather than this platform's own (ADR 0031): only anchors
 * from the peer's submitters count, a batch-file must name the peer as its platform, the batch's
 * origin is recorded, and the cursor is the peer's own per chain (the platform's stays untouched).
 */
export interface PeerFollowing {
  /** The peer's name: the `platform` of its trust roots. */
  readonly name: string;
  /**
   * EVM: the accounts of its trust roots on this chain (lower-case 0x-hex); only their anchors
   * count. Ergo: absent — the authority is the peer's marker token, a singleton (its mint checked
   * against the peer's roots before it is followed) that only its holder can put in an anchor box,
   * and the reader reads that token's boxes alone.
   */
  readonly submitters?: readonly string[] | undefined;
  readonly store: PeerStore;
}

export interface ParserOptions {
  readonly reader: ChainReader;
  readonly blocks: ChainBlockHashes;
  readonly store: ContentStore;
  readonly index: IndexRepository;
  /** Anchor contract address (EVM) or marker token id (Ergo), as recorded with each anchor. */
  readonly contract: string;
  /** First block to read (the contract's deployment block). */
  readonly startBlock: number;
  /** Default: the part of `reader.id` before the colon (`evm:31337` → `evm`). */
  readonly chain?: ChainKind;
  /** Default: the part of `reader.id` after the colon (`evm:31337` → `31337`). */
  readonly chainId?: string;
  /** Confirmations (counting the anchor's own block) before an anchor is indexed; default 10. */
  readonly trustedDepth?: number;
  /** Blocks re-read below the cursor when its block left the canonical chain; default 2 × trustedDepth. */
  readonly reorgRewindBlocks?: number;
  /** Time limit of one storage read; default 30 s. */
  readonly storageTimeoutMs?: number;
  readonly storageRetry?: StorageRetryOptions;
  /**
   * How far batch-files are checked for a repeated entry (the protocol's DuplicateCheck). Default
   * `global`, exact, at about 72 bytes per entry while a batch is verified (72 MB for a million);
   * `page` keeps memory at one page but only catches repeats at most a page apart.
   */
  readonly duplicateCheck?: DuplicateCheck;
  /** Tx-files fetched at once (each at most 1 MiB, so this bounds the bytes in flight); default 32. */
  readonly txFileConcurrency?: number;
  /** Tx-files written per transaction; default 2,000 (one chunk is written while the next is fetched). */
  readonly txFileChunk?: number;
  /** Worker threads parsing tx-files (ADR 0036); 0 parses on the event loop. Default 1. */
  readonly parseThreads?: number;
  /** start(): pause between runs once caught up; default 5 s. */
  readonly pollIntervalMs?: number;
  /** start(): longest pause after a failed run; default 60 s. */
  readonly maxFailureDelayMs?: number;
  readonly sleep?: Sleep;
  readonly observer?: ParserObserver | undefined;
  /** Follow this peer's anchors on `contract`; unset: the platform's own. */
  readonly peer?: PeerFollowing | undefined;
}

export interface ResolvedParserOptions {
  readonly reader: ChainReader;
  readonly blocks: ChainBlockHashes;
  readonly store: ContentStore;
  readonly index: IndexRepository;
  readonly contract: string;
  readonly startBlock: number;
  readonly chain: ChainKind;
  readonly chainId: string;
  readonly trustedDepth: number;
  readonly reorgRewindBlocks: number;
  readonly storageTimeoutMs: number;
  readonly storageRetry: Required<StorageRetryOptions>;
  readonly duplicateCheck: DuplicateCheck;
  readonly txFileConcurrency: number;
  readonly txFileChunk: number;
  readonly parseThreads: number;
  readonly pollIntervalMs: number;
  readonly maxFailureDelayMs: number;
  readonly sleep: Sleep;
  readonly observer: ParserObserver | undefined;
  readonly peer: PeerFollowing | undefined;
}

export const DEFAULT_TRUSTED_DEPTH = 10;
/** One thread beside the event loop: the parse moves to another core (ADR 0036). */
export const DEFAULT_PARSE_THREADS = 1;
/** The protocol's tx-file limit (DEFAULT_TX_FILE_LIMITS.maxBytes): nothing larger is fetched. */
export const MAX_TX_FILE_BYTES = 1_048_576;

const CHAIN_KINDS: readonly ChainKind[] = ['evm', 'ergo'];

function bad(key: string, message: string): ParserError {
  return new ParserError(ParserErrorCode.BadConfig, `${key}: ${message}`);
}

function integer(key: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < min) {
    throw bad(key, `expected an integer >= ${min}, got ${String(resolved)}`);
  }
  return resolved;
}

const defaultSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export function resolveParserOptions(options: ParserOptions): ResolvedParserOptions {
  for (const key of ['reader', 'blocks', 'store', 'index'] as const) {
    // Options come from a service's wiring: check at run time what the type says.
    if ((options[key] as unknown) === undefined) throw bad(key, 'required');
  }
  if (typeof (options.contract as unknown) !== 'string' || options.contract.trim() === '') {
    throw bad('contract', 'required (anchor contract address or marker token id)');
  }
  const [idKind, ...idRest] = options.reader.id.split(':');
  const chain = options.chain ?? (idKind as ChainKind);
  if (!CHAIN_KINDS.includes(chain))
    throw bad('chain', `expected one of ${CHAIN_KINDS.join(', ')}, got ${chain}`);
  const chainId = options.chainId ?? idRest.join(':');
  if (chainId === '') throw bad('chainId', `required (reader id "${options.reader.id}" names none)`);
  const trustedDepth = integer('trustedDepth', options.trustedDepth, DEFAULT_TRUSTED_DEPTH, 1);
  const retry = options.storageRetry ?? {};
  const duplicateCheck = options.duplicateCheck ?? 'global';
  if (!(['global', 'page'] as unknown[]).includes(duplicateCheck)) {
    throw bad('duplicateCheck', `expected global or page, got ${duplicateCheck}`);
  }
  return {
    reader: options.reader,
    blocks: options.blocks,
    store: options.store,
    index: options.index,
    contract: options.contract.toLowerCase(),
    startBlock: integer('startBlock', options.startBlock, Number.NaN, 0),
    chain,
    chainId,
    trustedDepth,
    reorgRewindBlocks: integer('reorgRewindBlocks', options.reorgRewindBlocks, 2 * trustedDepth, 1),
    storageTimeoutMs: integer('storageTimeoutMs', options.storageTimeoutMs, 30_000, 1),
    storageRetry: {
      attempts: integer('storageRetry.attempts', retry.attempts, 5, 1),
      initialDelayMs: integer('storageRetry.initialDelayMs', retry.initialDelayMs, 500, 0),
      maxDelayMs: integer('storageRetry.maxDelayMs', retry.maxDelayMs, 30_000, 0),
    },
    duplicateCheck,
    txFileConcurrency: integer('txFileConcurrency', options.txFileConcurrency, 32, 1),
    txFileChunk: integer('txFileChunk', options.txFileChunk, 2_000, 1),
    parseThreads: integer('parseThreads', options.parseThreads, DEFAULT_PARSE_THREADS, 0),
    pollIntervalMs: integer('pollIntervalMs', options.pollIntervalMs, 5_000, 0),
    maxFailureDelayMs: integer('maxFailureDelayMs', options.maxFailureDelayMs, 60_000, 0),
    sleep: options.sleep ?? defaultSleep,
    observer: options.observer,
    peer: resolvePeer(options.peer, chain),
  };
}

function resolvePeer(peer: PeerFollowing | undefined, chain: ChainKind): PeerFollowing | undefined {
  if (peer === undefined) return undefined;
  if (typeof (peer.name as unknown) !== 'string' || peer.name === '') throw bad('peer.name', 'required');
  if (chain === 'ergo') {
    if (peer.submitters !== undefined) {
      throw bad('peer.submitters', "not on Ergo: the peer's marker token is the authority");
    }
    return peer;
  }
  if (peer.submitters === undefined || peer.submitters.length === 0) {
    throw bad('peer.submitters', "required: a peer's anchors count only from its submitters");
  }
  return { ...peer, submitters: peer.submitters.map((submitter) => submitter.toLowerCase()) };
}
