/**
 * @anchorpost/parser-service — the parser as a service (start, metrics, readiness) and the
 * `rebuild` command that restores the index from chain + storage alone.
 */
export { startParserService } from './parser-service.ts';
export type { ParserServiceOptions } from './parser-service.ts';
export { parserConfigSchema } from './parser-config.ts';
export type { ParserServiceConfig } from './parser-config.ts';
export { rebuildIndex, rebuildTuning } from './rebuild-index.ts';
export type { RebuildIndexOptions } from './rebuild-index.ts';
export type { EvmParserTuning, ParserEvmOptions } from './evm-parser.ts';
export { parserAdapters, parserSettings } from './parser-settings.ts';
