/** Transaction-files: the v0.2 schema (v0.1 still read), safe parsing, canonical serialization, building and opening. */
export * from './schema.ts';
export { DEFAULT_TX_FILE_LIMITS, type TxFileLimits } from './limits.ts';
export { parseTxFile, parseCanonicalTxFile } from './parse.ts';
export { validateTxFile } from './validate.ts';
export { serializeTxFile, canonicalSigningBytes, canonicalDigestBytes } from './serialize.ts';
export { GENESIS_STATE, hmacHex, hmacSha512, computeAfterState } from './state.ts';
export {
  TX_FILE_SIGNATURE_DOMAIN,
  LEGACY_AFTER_STATE_DOMAIN,
  txFileDigest,
  txFileSigningMessage,
  legacyAfterStateMessage,
  messageSignedBy,
  refuseLegacyTxFile,
  verifyClientSignature,
} from './signature.ts';
export { txFileSigningMessageWeb } from './signing-message.ts';
export { buildTxFile, type BuildTxFileInput } from './build.ts';
export { openTxFile, type OpenTxFileOptions, type OpenedTxFile } from './open.ts';
