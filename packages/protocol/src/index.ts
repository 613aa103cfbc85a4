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
/** The engine's node:crypto primitives: what `runSync` runs steps of `@anchorpost/protocol/web` with. */
export { nodePrimitives } from './engine/node-primitives.ts';
export { webSha256 } from './web-sha256.ts';
export { inclusionPathSides } from './merkle/inclusion-path.ts';
export { verifyInclusionProofWeb } from './merkle/verify-inclusion-web.ts';
export { dagCborCidOfDigest, dagCborCidWeb } from './batch-file/block-cid.ts';
export { ANCHORED_EVENT_TOPIC, decodeAnchoredEvent } from './anchor/anchored-event.ts';
export type { AnchoredEventFields } from './anchor/anchored-event.ts';
export { decodeCollByteRegister, decodeLongRegister } from './anchor/ergo-registers.ts';
export { cidForBytesWeb } from './cid/cid-for-bytes-web.ts';
export { WorkerPool } from './worker-pool/worker-pool.ts';
export type { PoolMessage, WithoutId, WorkerPoolOptions } from './worker-pool/worker-pool.ts';
export { fromJobFailure, serveJobs, toJobFailure } from './worker-pool/worker-side.ts';
export type { JobFailure } from './worker-pool/worker-side.ts';
