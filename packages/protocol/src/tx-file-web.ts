/**
 * @anchorpost/protocol/tx-file-web — a tx-file read, and what its signatures are over, on any
 * JavaScript platform (no Node built-in reachable from here): what a browser needs to check who
 * signed a file. Apart from ./portable because the YAML parser would weigh on every proof verifier.
 */
export { parseTxFile } from './tx-file/parse.ts';
export type { TxFile } from './tx-file/schema.ts';
export { TX_FILE_SIGNATURE_DOMAIN, txFileSigningMessageWeb } from './tx-file/signing-message.ts';
export { publicKeyBytes } from './crypto/public-key-bytes.ts';
