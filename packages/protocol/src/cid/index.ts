/** Content addresses: Kubo-identical CIDv1 computation and strict CID parsing. */
export {
  cidForBytes,
  cidForBytesViaImporter,
  cidForChunks,
  cidForSmallBytes,
  MAX_CID_FILE_BYTES,
} from './cid-for-bytes.ts';
export {
  UNIXFS_CHUNK_SIZE,
  UNIXFS_MAX_CHILDREN_PER_NODE,
  unixfsImporterOptions,
} from './importer-options.ts';
export {
  CID_BYTE_LENGTH,
  CidCodec,
  checkCid,
  cidBytesToText,
  cidToBytes,
  parseCid,
  toCid,
  writeCidBytes,
} from './parse-cid.ts';
