/**
 * The parser of one EVM chain: parser-core's Parser over an EvmChainReader of the anchor contract,
 * its block hashes, the content store and the index. Shared by the service and by `rebuild`.
 */
import { EvmChainReader } from '@anchorpost/chains';
import type { EvmChainConfig } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { evmBlockHashes, Parser } from '@anchorpost/parser-core';
import type { ParserObserver, ParserOptions, ParserRunResult } from '@anchorpost/parser-core';
import type { ContentStore } from '@anchorpost/storage';

/** What the parser needs of the EVM chain config (an `EvmChainConfig` from `evmChainConfigFromEnv` fits). */
export type ParserEvmOptions = Pick<EvmChainConfig, 'rpcUrls' | 'chainId' | 'contractAddress'> &
  Partial<Pick<EvmChainConfig, 'deployBlock' | 'logPageBlocks' | 'rpcTimeoutMs'>>;

/** Parser settings the service passes through (see parserConfigSchema). */
export type EvmParserTuning = Partial<
  Pick<
    ParserOptions,
    | 'trustedDepth'
    | 'pollIntervalMs'
    | 'maxFailureDelayMs'
    | 'storageTimeoutMs'
    | 'storageRetry'
    | 'txFileConcurrency'
    | 'parseThreads'
    | 'duplicateCheck'
    | 'sleep'
  >
>;

export interface EvmParser {
  readonly reader: EvmChainReader;
  readonly parser: Parser;
}

/** A Parser whose runs (including those of its start() loop, which calls runOnce) are reported. */
export class ReportingParser extends Parser {
  readonly #onRun: (result: ParserRunResult | undefined, seconds: number) => void;

  constructor(options: ParserOptions, onRun: (result: ParserRunResult | undefined, seconds: number) => void) {
    super(options);
    this.#onRun = onRun;
  }

  override async runOnce(): Promise<ParserRunResult> {
    const started = performance.now();
    try {
      const result = await super.runOnce();
      this.#onRun(result, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      this.#onRun(undefined, (performance.now() - started) / 1000);
      throw error;
    }
  }
}

export function createEvmParser(options: {
  database: Database;
  store: ContentStore;
  evm: ParserEvmOptions;
  tuning?: EvmParserTuning;
  observer?: ParserObserver;
  /** After every runOnce (result undefined when it failed), with its duration. */
  onRun?: (result: ParserRunResult | undefined, seconds: number) => void;
}): EvmParser {
  const { evm } = options;
  const reader = new EvmChainReader({
    rpcUrls: evm.rpcUrls,
    chainId: evm.chainId,
    contractAddress: evm.contractAddress,
    deployBlock: evm.deployBlock,
    logPageBlocks: evm.logPageBlocks,
    rpcTimeoutMs: evm.rpcTimeoutMs,
  });
  const parserOptions: ParserOptions = {
    reader,
    blocks: evmBlockHashes(reader),
    store: options.store,
    index: options.database.index,
    contract: reader.contractAddress,
    startBlock: reader.deployBlock,
    chain: 'evm',
    // The index keys anchors by the decimal chain id (what proofs carry), not by a chain's display name.
    chainId: String(evm.chainId),
    ...options.tuning,
    observer: options.observer,
  };
  const onRun = options.onRun;
  const parser = onRun === undefined ? new Parser(parserOptions) : new ReportingParser(parserOptions, onRun);
  return { reader, parser };
}
