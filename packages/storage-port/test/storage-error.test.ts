import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isStorageError, StorageError, StorageErrorCode } from '../src/index.ts';

describe('StorageError', () => {
  it('carries its code, and says retryable only for a failure that may pass on a second try', () => {
    assert.equal(new StorageError(StorageErrorCode.Timeout, 'slow').retryable, true);
    assert.equal(new StorageError(StorageErrorCode.Unavailable, 'down').retryable, true);
    assert.equal(new StorageError(StorageErrorCode.CidMismatch, 'corrupt').retryable, false);
    assert.equal(new StorageError(StorageErrorCode.NotFound, 'gone').code, 'NOT_FOUND');
  });

  it('is told apart from other errors, and by code', () => {
    const error = new StorageError(StorageErrorCode.TooLarge, 'big');
    assert.equal(isStorageError(error), true);
    assert.equal(isStorageError(error, StorageErrorCode.TooLarge), true);
    assert.equal(isStorageError(error, StorageErrorCode.NotFound), false);
    assert.equal(isStorageError(new Error('big')), false);
  });
});

describe('the storage port', () => {
  it('depends on the protocol and the CID type alone, so a core can name it without Helia', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), ['@anchorpost/protocol', 'multiformats']);
  });
});
