/**
 * A peer's follower on Ergo (ADR 0031, amended by ADR 0044): parser-core's Parser over an
 * ErgoChainReader of the peer's marker token, from the height it was minted at. Before it is
 * followed, the marker is checked as an auditor checks it (`checkErgoMint`, @anchorpost/proofs):
 * the peer's trusted minting transaction is on the best chain, spends the box whose id is the
 * token id, and mints a single unit — so only the peer can hold it, and every box holding it is
 * the peer's anchor (no submitters on Ergo). A marker that fails is UNTRUSTED_ANCHOR: not followed.
 */
import { ErgoChainReader } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { Parser } from '@anchorpost/parser-core';
import type { ParserObserver } from '@anchorpost/parser-core';
import { checkErgoMint } from '@anchorpost/proofs';
import type { ErgoTrustRoot } from '@anchorpost/proofs';
import type { ContentStore } from '@anchorpost/storage';
import type { ParserErgoOptions } from './ergo-parser.ts';
import type { EvmParserTuning } from './evm-parser.ts';

export async function ergoPeerParser(options: {
  readonly name: string;
  readonly root: ErgoTrustRoot;
  readonly ergo: ParserErgoOptions;
  readonly database: Database;
  readonly store: ContentStore;
  readonly tuning: EvmParserTuning;
  readonly observer: ParserObserver;
}): Promise<Parser> {
  const { root, ergo } = options;
  const reader = new ErgoChainReader({
    nodeUrls: ergo.nodeUrls,
    network: ergo.network,
    tokenId: root.tokenId,
    apiKey: ergo.apiKey,
    timeoutMs: ergo.timeoutMs,
  });
  const head = await reader.head();
  // Throws ProofError UNTRUSTED_ANCHOR (a marker that is not the peer's) or RPC_ERROR (try again).
  const mint = await checkErgoMint(reader.client, root, head.number, `peer ${options.name}: ergo`);
  return new Parser({
    reader,
    blocks: reader,
    store: options.store,
    index: options.database.index,
    contract: root.tokenId,
    // No anchor of the marker can be below its mint.
    startBlock: mint.height,
    chain: 'ergo',
    chainId: ergo.network,
    ...options.tuning,
    // The same depth as the platform's own Ergo anchors (ANCHORPOST_ERGO_CONFIRMATIONS).
    ...(ergo.confirmations === undefined ? {} : { trustedDepth: ergo.confirmations }),
    observer: options.observer,
    peer: { name: options.name, store: options.database.peers },
  });
}
