/** What Helia, its UnixFS exporter and the file stores throw, in the port's words. */
import { StorageError, StorageErrorCode } from '@anchorpost/storage-port';

const NOT_FOUND = new Set([
  'BlockNotFoundWhileOfflineError',
  'NotFoundError',
  'DoesNotExistError',
  'LoadBlockFailedError',
  // No block brokers: the offline node was asked for a block it does not have.
  'InvalidConfigurationError',
]);
const NOT_A_FILE = new Set([
  'NotAFileError',
  'NoContentError',
  'NotUnixFSError',
  'NoResolverError',
  'InvalidPBNodeError',
]);
const IO_FAILED = new Set([
  'OpenFailedError',
  'PutFailedError',
  'GetFailedError',
  'DeleteFailedError',
  'HasFailedError',
]);
/** File-system errors that can clear up by themselves (disk full, too many open files, …). */
const IO_CODES = new Set([
  'EACCES',
  'EPERM',
  'ENOSPC',
  'EIO',
  'EMFILE',
  'ENFILE',
  'EROFS',
  'EBUSY',
  'EAGAIN',
]);

export function heliaStorageError(error: unknown, what: string): Error {
  if (!(error instanceof Error))
    return new StorageError(StorageErrorCode.Internal, `${what}: ${String(error)}`);
  if (error instanceof StorageError || error.name === 'ProtocolError') return error;
  const code = (error as { code?: unknown }).code;
  if (NOT_FOUND.has(error.name)) {
    return new StorageError(StorageErrorCode.NotFound, `${what}: not in the store (${error.message})`, {
      cause: error,
    });
  }
  if (NOT_A_FILE.has(error.name)) {
    return new StorageError(StorageErrorCode.NotAFile, `${what}: not a UnixFS file (${error.message})`, {
      cause: error,
    });
  }
  if (IO_FAILED.has(error.name) || (typeof code === 'string' && IO_CODES.has(code))) {
    return new StorageError(StorageErrorCode.Unavailable, `${what}: storage I/O failed (${error.message})`, {
      cause: error,
    });
  }
  return new StorageError(StorageErrorCode.Internal, `${what}: ${error.message}`, { cause: error });
}
