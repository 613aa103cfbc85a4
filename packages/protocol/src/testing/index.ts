/** `@anchorpost/protocol/testing`: shared samples and builders for transports' tests. */
export { malformedTxFiles, type MalformedTxFile } from './malformed-tx-files.ts';
