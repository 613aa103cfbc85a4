/**
 * The parser of Ergo: parser-core's Parser over an ErgoChainReader that follows the platform's
 * marker token (ADR 0012) block by block, the content store and the index. Shared by the service
 * and by `rebuild`, beside the EVM parser.
 */
import { ErgoChainReader } from '@anchorpost/chains';
import type { ErgoChainConfig } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { Parser } from '@anchorpost/parser-core';
import type { ParserObserver, ParserOptions, ParserRunResult } from '@anchorpost/parser-core';
import type { ContentStore } from '@anchorpost/storage';
import { ReportingParser } from './evm-parser.ts';
import type { EvmParserTuning } from './evm-parser.ts';

/** What the parser needs of the Ergo config (an `ErgoChainConfig` from `ergoChainConfigFromEnv` fits). */
export type ParserErgoOptions = Pick<ErgoChainConfig, 'nodeUrls' | 'network' | 'tokenId'> &
  Partial<Pick<ErgoChainConfig, 'apiKey' | 'timeoutMs' | 'startHeight' | 'confirmations'>>;

export interface ErgoParser {
  readonly reader: ErgoChainReader;
  readonly parser: Parser;
}

export function createErgoParser(options: {
  database: Database;
  store: ContentStore;
  ergo: ParserErgoOptions;
  tuning?: EvmParserTuning;
  observer?: ParserObserver;
  /** After every runOnce (result undefined when it failed), with its duration. */
  onRun?: (result: ParserRunResult | undefined, seconds: number) => void;
}): ErgoParser {
  const { ergo } = options;
  const reader = new ErgoChainReader({
    nodeUrls: ergo.nodeUrls,
    network: ergo.network,
    tokenId: ergo.tokenId,
    apiKey: ergo.apiKey,
    timeoutMs: ergo.timeoutMs,
    startHeight: ergo.startHeight,
  });
  const parserOptions: ParserOptions = {
    reader,
    blocks: reader,
    store: options.store,
    index: options.database.index,
    contract: reader.tokenId,
    startBlock: reader.startHeight,
    chain: 'ergo',
    // The index keys Ergo anchors by network (what proofs carry as chainId).
    chainId: ergo.network,
    ...options.tuning,
    // The seed's trusted depth on Ergo is the anchorer's confirmation count (default 10).
    ...(ergo.confirmations === undefined ? {} : { trustedDepth: ergo.confirmations }),
    observer: options.observer,
  };
  const onRun = options.onRun;
  return {
    reader,
    parser: onRun === undefined ? new Parser(parserOptions) : new ReportingParser(parserOptions, onRun),
  };
}
