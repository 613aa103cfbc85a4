/** Batch-file v1: streaming DAG-CBOR encoder, strict decoders and a full verifier. */
export { dagCborCid } from './block.ts';
export { CidSet } from './cid-set.ts';
export { decodeBatchPage, decodeBatchRoot } from './decode-batch-file.ts';
export { encodeBatchFile, writeBatchFile } from './encode-batch-file.ts';
export type {
  BatchFileBlock,
  BatchPageBlock,
  BatchRootBlock,
  DuplicateCheck,
  EncodeBatchFileOptions,
} from './encode-batch-file.ts';
export {
  BATCH_FILE_VERSION,
  BATCH_PAGE_SIZE,
  MAX_BATCH_BLOCK_SIZE,
  MAX_BATCH_ENTRIES,
  MAX_BATCH_PAGES,
} from './schema.ts';
export type { BatchHeader, BatchPage, BatchRoot } from './schema.ts';
export { readBatchPages, verifyBatchFile } from './verify-batch-file.ts';
export type {
  GetBatchPage,
  VerifiedBatchFile,
  VerifiedBatchPage,
  VerifyBatchFileOptions,
} from './verify-batch-file.ts';
