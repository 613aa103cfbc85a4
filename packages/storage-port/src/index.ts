/**
 * @anchorpost/storage-port — the storage port of Anchorpost (content-addressed files, blocks and
 * pins): the ContentStore interface and its error table. No adapter and no dependency but the
 * protocol and multiformats' CID type, so the cores can name it without installing Helia; the
 * adapters are in @anchorpost/storage.
 */
export type {
  AddFileOptions,
  ContentAddress,
  ContentStore,
  GetFileOptions,
  OperationOptions,
  PinOptions,
  ReadFileOptions,
  StoreHealth,
} from './content-store.ts';
export type { DagBlock, ExportDagOptions } from './dag-export.ts';
export { isStorageError, StorageError, StorageErrorCode } from './storage-error.ts';
