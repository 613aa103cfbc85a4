/**
 * @anchorpost/parser-core — the parser's domain logic: follow a chain's anchors (ChainReader),
 * verify each batch-file against its anchor and index batches, tx-files and anchors
 * (IndexRepository) from chain + storage alone, so the index can always be rebuilt.
 */
export { Parser } from './parser.ts';
export type { ParserRunResult } from './parser.ts';
export { DEFAULT_TRUSTED_DEPTH, MAX_TX_FILE_BYTES, resolveParserOptions } from './parser-options.ts';
export type { ParserOptions, ResolvedParserOptions, Sleep, StorageRetryOptions } from './parser-options.ts';
export type { ParserObserver } from './parser-observer.ts';
export { isParserError, ParserError, ParserErrorCode } from './parser-error.ts';
export { evmBlockHashes } from './chain-block-hashes.ts';
export type { ChainBlockHashes } from './chain-block-hashes.ts';
export { toTxFileRecord } from './tx-file-record.ts';
