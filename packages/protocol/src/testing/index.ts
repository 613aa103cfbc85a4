/** `@anchorpost/protocol/testing`: shared samples for transports' tests. */
export { malformedTxFiles, type MalformedTxFile } from './malformed-tx-files.ts';
