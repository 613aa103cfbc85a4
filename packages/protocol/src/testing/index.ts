/** `@anchorpost/protocol/testing`: shared samples and builders for transports' tests. */
export { malformedTxFiles, type MalformedTxFile } from './malformed-tx-files.ts';
export { StateChains, type ChainedTxFileInput } from './state-chains.ts';
export { buildLegacyTxFile } from './legacy-tx-files.ts';
export { forgeWithHarvestedSignature } from './harvested-signature.ts';
