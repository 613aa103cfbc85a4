/**
 * @anchorpost/protocol — the pure core of Anchorpost: transaction-files and batch-files, their
 * hashes, content addresses and Merkle proofs, the crypto suites, and voting. No I/O.
 */
export * from './errors.ts';
export { toHex, fromHex, toBase64, fromBase64 } from './bytes.ts';
export * from './tx-file/index.ts';
export * from './crypto/index.ts';
export * from './cid/index.ts';
export * from './merkle/index.ts';
export * from './batch-file/index.ts';
export * from './voting/index.ts';
