/**
 * Following the peers (ADR 0031): one parser-core Parser per peer on the EVM chain this parser
 * already follows, reading the peer's contract with the peer's submitters and its own cursor.
 * The peer list lives in the database (the relay's admin API writes it); `sync` starts followers
 * for new peers and stops those of removed ones, and runs every `refreshMs` while started.
 *
 * A peer's trust roots may name several contracts on this chain (an old one beside a new one); the
 * cursor is per peer per chain, so only the first is followed and the others are reported once.
 */
import type { Database, PeerRecord } from '@anchorpost/db';
import { Parser, evmBlockHashes } from '@anchorpost/parser-core';
import { parseTrustRoots } from '@anchorpost/proofs';
import type { EvmTrustRoot } from '@anchorpost/proofs';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { EvmChainReader } from '@anchorpost/chains';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import { peerReporting } from './peer-metrics.ts';

export interface PeerFollowersOptions {
  readonly database: Database;
  readonly store: ContentStore;
  readonly evm: ParserEvmOptions;
  readonly tuning: EvmParserTuning;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** How often the peer list is read again. */
  readonly refreshMs: number;
}

interface Follower {
  readonly contract: string;
  readonly parser: Parser;
}

export class PeerFollowers {
  readonly #options: PeerFollowersOptions;
  readonly #followers = new Map<string, Follower>();
  /** Peers whose roots were refused or name nothing on this chain: reported once per content. */
  readonly #reported = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> = Promise.resolve();

  constructor(options: PeerFollowersOptions) {
    this.#options = options;
  }

  /** The peers followed now, by name, with the contract each is followed on. */
  get following(): ReadonlyMap<string, string> {
    return new Map([...this.#followers].map(([name, follower]) => [name, follower.contract]));
  }

  /** The follower of a peer, for tests and a rebuild. */
  parserOf(name: string): Parser | undefined {
    return this.#followers.get(name)?.parser;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.sync().catch(() => undefined), this.#options.refreshMs);
    this.#timer.unref();
    void this.sync().catch(() => undefined);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#syncing.catch(() => undefined);
    const followers = [...this.#followers.values()];
    this.#followers.clear();
    await Promise.all(followers.map((follower) => follower.parser.stop()));
  }

  /** Reads the peer list and starts or stops followers to match it; one sync at a time. */
  sync(): Promise<void> {
    const run = this.#syncing.then(
      () => this.#sync(),
      () => this.#sync(),
    );
    this.#syncing = run.catch((error: unknown) => {
      this.#options.logger.error({ err: error }, 'reading the peers failed; trying again later');
    });
    return run;
  }

  async #sync(): Promise<void> {
    const peers = await this.#options.database.peers.listPeers();
    const wanted = new Map<string, EvmTrustRoot>();
    for (const peer of peers) {
      const root = this.#rootOnThisChain(peer);
      if (root !== undefined) wanted.set(peer.name, root);
    }
    for (const [name, follower] of this.#followers) {
      if (wanted.get(name)?.contract === follower.contract) continue;
      this.#followers.delete(name);
      await follower.parser.stop();
      this.#options.logger.info({ peer: name, contract: follower.contract }, 'peer no longer followed');
    }
    for (const [name, root] of wanted) {
      if (this.#followers.has(name)) continue;
      const parser = this.#follower(name, root);
      this.#followers.set(name, { contract: root.contract, parser });
      parser.start();
      this.#options.logger.info(
        { peer: name, contract: root.contract, submitters: root.submitters },
        'following peer',
      );
    }
  }

  #rootOnThisChain(peer: PeerRecord): EvmTrustRoot | undefined {
    const chainId = String(this.#options.evm.chainId);
    let roots: EvmTrustRoot[];
    try {
      roots = parseTrustRoots(peer.trustRoots).evm.filter((root) => root.chainId === chainId);
    } catch (error) {
      this.#reportOnce(peer.name, 'refused', () => {
        this.#options.logger.error({ peer: peer.name, err: error }, 'peer trust roots refused; not followed');
      });
      return undefined;
    }
    if (roots.length === 0) {
      this.#reportOnce(peer.name, 'elsewhere', () => {
        this.#options.logger.warn(
          { peer: peer.name, chainId },
          'peer anchors nowhere on this chain; not followed',
        );
      });
      return undefined;
    }
    if (roots.length > 1) {
      this.#reportOnce(peer.name, 'several', () => {
        this.#options.logger.warn(
          { peer: peer.name, followed: roots[0]!.contract, ignored: roots.slice(1).map((r) => r.contract) },
          'peer names several contracts on this chain; following the first',
        );
      });
    }
    return roots[0];
  }

  #reportOnce(peer: string, what: string, report: () => void): void {
    if (this.#reported.get(peer) === what) return;
    this.#reported.set(peer, what);
    report();
  }

  #follower(name: string, root: EvmTrustRoot): Parser {
    const { evm, database, store, tuning, metrics, logger } = this.#options;
    // The peer's deployment block is not in its trust roots: its contract is read from block 0
    // once, then from its own cursor.
    const reader = new EvmChainReader({
      rpcUrls: evm.rpcUrls,
      chainId: evm.chainId,
      contractAddress: root.contract,
      logPageBlocks: evm.logPageBlocks,
      rpcTimeoutMs: evm.rpcTimeoutMs,
    });
    return new Parser({
      reader,
      blocks: evmBlockHashes(reader),
      store,
      index: database.index,
      contract: root.contract,
      startBlock: 0,
      chain: 'evm',
      chainId: String(evm.chainId),
      ...tuning,
      observer: peerReporting(metrics, logger, name, `evm:${evm.chainId}`),
      peer: { name, submitters: root.submitters, store: database.peers },
    });
  }
}
