/**
 * @anchorpost/protocol/portable — the part of the protocol that runs on any JavaScript platform
 * (Uint8Array, WebCrypto, fetch; no Node built-in reachable from here): what a proof verifier
 * needs. Node and browser verifiers import this, so there is one verifier, not two.
 */
export * from './errors.ts';
export { bytesEqual, concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from './bytes.ts';
export { webSha256 } from './web-sha256.ts';
export {
  CID_BYTE_LENGTH,
  CidCodec,
  checkCid,
  cidBytesToText,
  cidToBytes,
  parseCid,
  toCid,
} from './cid/parse-cid.ts';
export { MERKLE_HASH_SIZE } from './merkle/hash-size.ts';
export {
  INCLUSION_PROOF_ALGORITHM,
  INCLUSION_PROOF_VERSION,
  MAX_INCLUSION_PATH_LENGTH,
  parseInclusionProof,
} from './merkle/inclusion-proof.ts';
export type { InclusionProof } from './merkle/inclusion-proof.ts';
export { inclusionPathLength, inclusionPathSides } from './merkle/inclusion-path.ts';
export type { InclusionExpectation } from './merkle/inclusion-path.ts';
export { verifyInclusionProofWeb } from './merkle/verify-inclusion-web.ts';
export { dagCborCidOfDigest, dagCborCidWeb } from './batch-file/block-cid.ts';
export { decodeBatchRoot } from './batch-file/decode-batch-file.ts';
export { MAX_BATCH_BLOCK_SIZE } from './batch-file/schema.ts';
export type { BatchRoot } from './batch-file/schema.ts';
export { ANCHORED_EVENT_TOPIC, decodeAnchoredEvent } from './anchor/anchored-event.ts';
export type { AnchoredEventFields } from './anchor/anchored-event.ts';
export { decodeCollByteRegister, decodeLongRegister } from './anchor/ergo-registers.ts';
export { cidForBytesWeb } from './cid/cid-for-bytes-web.ts';
export { UNIXFS_CHUNK_SIZE } from './cid/importer-options.ts';
