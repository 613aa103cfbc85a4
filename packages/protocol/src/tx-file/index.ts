/** Transaction-files: the v0.1 schema, safe parsing, canonical serialization, building and opening. */
export * from './schema.ts';
export { DEFAULT_TX_FILE_LIMITS, type TxFileLimits } from './limits.ts';
export { parseTxFile, parseCanonicalTxFile } from './parse.ts';
export { validateTxFile } from './validate.ts';
export { serializeTxFile, canonicalSigningBytes } from './serialize.ts';
export { GENESIS_STATE, hmacHex, hmacSha512, computeAfterState, afterStateMessage } from './state.ts';
export { buildTxFile, type BuildTxFileInput } from './build.ts';
export { openTxFile, verifyClientSignature, type OpenTxFileOptions, type OpenedTxFile } from './open.ts';
