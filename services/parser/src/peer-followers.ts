/**
 * Following the peers (ADR 0031, ADR 0044): one parser-core Parser per peer per chain this parser
 * already follows — the peer's contract on the EVM chain (its submitters' anchors) and, when this
 * parser follows Ergo, the peer's marker token on the same Ergo network (its mint checked first,
 * ergo-peer.ts) — each with its own cursor. The peer list lives in the database (the relay's admin
 * API writes it); `sync` starts followers for new peers and roots and stops those of removed ones,
 * and runs every `refreshMs` while started. A follower whose start failed for a reason that may
 * pass (an Ergo node down) is tried again at the next sync.
 *
 * A peer's trust roots may name several contracts (or markers) on one chain (an old one beside a
 * new one); the cursor is per peer per chain, so only the first is followed and the others are
 * reported once.
 */
import type { Database, PeerRecord } from '@anchorpost/db';
import { Parser, evmBlockHashes } from '@anchorpost/parser-core';
import { isProofError, ProofErrorCode } from '@anchorpost/proofs';
import type { EvmTrustRoot } from '@anchorpost/proofs';
import type { Logger, ServiceMetrics } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import { EvmChainReader } from '@anchorpost/chains';
import type { ParserErgoOptions } from './ergo-parser.ts';
import { ergoPeerParser } from './ergo-peer.ts';
import type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
import { peerReporting } from './peer-metrics.ts';
import { peerRoots } from './peer-roots.ts';

export interface PeerFollowersOptions {
  readonly database: Database;
  readonly store: ContentStore;
  readonly evm: ParserEvmOptions;
  /** The Ergo network this parser follows, if any: peers' markers on it are followed too. */
  readonly ergo?: ParserErgoOptions | undefined;
  readonly tuning: EvmParserTuning;
  readonly metrics: ServiceMetrics;
  readonly logger: Logger;
  /** How often the peer list is read again. */
  readonly refreshMs: number;
}

interface Follower {
  /** The contract (EVM) or marker token (Ergo) followed. */
  readonly anchoredBy: string;
  readonly parser: Parser;
}

/** A follower the peer list asks for: a peer on one chain (`evm:31337`, `ergo:testnet`). */
interface Wanted {
  readonly peer: string;
  readonly chain: string;
  readonly anchoredBy: string;
  create(): Promise<Parser>;
}

const keyOf = (peer: string, chain: string) => `${peer} ${chain}`;

export class PeerFollowers {
  readonly #options: PeerFollowersOptions;
  readonly #followers = new Map<string, Follower>();
  /** Peers whose roots were refused or name nothing here: reported once per content. */
  readonly #reported = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> = Promise.resolve();

  constructor(options: PeerFollowersOptions) {
    this.#options = options;
  }

  /** The peers followed now, `peer chain` → the contract or marker followed there. */
  get following(): ReadonlyMap<string, string> {
    return new Map([...this.#followers].map(([key, follower]) => [key, follower.anchoredBy]));
  }

  /** The follower of a peer on a chain (`evm:31337`, `ergo:testnet`), for tests and a rebuild. */
  parserOf(name: string, chain = `evm:${this.#options.evm.chainId}`): Parser | undefined {
    return this.#followers.get(keyOf(name, chain))?.parser;
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
    const { logger } = this.#options;
    const wanted = new Map<string, Wanted>();
    for (const peer of await this.#options.database.peers.listPeers()) {
      for (const one of this.#wanted(peer)) wanted.set(keyOf(one.peer, one.chain), one);
    }
    for (const [key, follower] of this.#followers) {
      if (wanted.get(key)?.anchoredBy === follower.anchoredBy) continue;
      this.#followers.delete(key);
      await follower.parser.stop();
      logger.info({ follower: key, anchoredBy: follower.anchoredBy }, 'peer no longer followed');
    }
    for (const [key, one] of wanted) {
      if (this.#followers.has(key)) continue;
      const parser = await this.#create(one);
      if (parser === undefined) continue;
      this.#followers.set(key, { anchoredBy: one.anchoredBy, parser });
      parser.start();
      logger.info({ peer: one.peer, chain: one.chain, anchoredBy: one.anchoredBy }, 'following peer');
    }
  }

  async #create(one: Wanted): Promise<Parser | undefined> {
    const log = this.#options.logger.child({ peer: one.peer, chain: one.chain, anchoredBy: one.anchoredBy });
    try {
      return await one.create();
    } catch (error) {
      if (isProofError(error) && error.code === ProofErrorCode.UntrustedAnchor) {
        this.#reportOnce(keyOf(one.peer, one.chain), `untrusted ${one.anchoredBy}`, () => {
          log.error(
            { code: error.code, err: error },
            "peer's marker does not check against its roots; not followed",
          );
        });
      } else {
        log.warn({ err: error }, "starting a peer's follower failed; trying again at the next refresh");
      }
      return undefined;
    }
  }

  #wanted(peer: PeerRecord): Wanted[] {
    const { evm, ergo, logger } = this.#options;
    const chainId = String(evm.chainId);
    let roots;
    try {
      roots = peerRoots(peer, { evmChainId: chainId, ergoNetwork: ergo?.network });
    } catch (error) {
      this.#reportOnce(peer.name, 'refused', () => {
        logger.error({ peer: peer.name, err: error }, 'peer trust roots refused; not followed');
      });
      return [];
    }
    if (roots.evm === undefined && roots.ergo === undefined) {
      this.#reportOnce(peer.name, 'elsewhere', () => {
        logger.warn(
          { peer: peer.name, chainId, ergoNetwork: ergo?.network },
          'peer anchors nowhere on the chains this parser follows; not followed',
        );
      });
      return [];
    }
    if (roots.ignored.length > 0) {
      this.#reportOnce(peer.name, 'several', () => {
        logger.warn(
          { peer: peer.name, ignored: roots.ignored },
          'peer names several roots on one chain; following the first',
        );
      });
    }
    const wanted: Wanted[] = [];
    const evmRoot = roots.evm;
    if (evmRoot !== undefined) {
      wanted.push({
        peer: peer.name,
        chain: `evm:${chainId}`,
        anchoredBy: evmRoot.contract,
        create: () => Promise.resolve(this.#evmFollower(peer.name, evmRoot)),
      });
    }
    const ergoRoot = roots.ergo;
    if (ergo !== undefined && ergoRoot !== undefined) {
      const chain = `ergo:${ergo.network}`;
      const { database, store, tuning, metrics } = this.#options;
      wanted.push({
        peer: peer.name,
        chain,
        anchoredBy: ergoRoot.tokenId,
        create: () =>
          ergoPeerParser({
            name: peer.name,
            root: ergoRoot,
            ergo,
            database,
            store,
            tuning,
            observer: peerReporting(metrics, logger, peer.name, chain),
          }),
      });
    }
    return wanted;
  }

  #reportOnce(peer: string, what: string, report: () => void): void {
    if (this.#reported.get(peer) === what) return;
    this.#reported.set(peer, what);
    report();
  }

  #evmFollower(name: string, root: EvmTrustRoot): Parser {
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
