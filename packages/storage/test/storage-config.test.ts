/** Start-up configuration from ANCHORPOST_* variables: defaults, and BAD_CONFIG naming the key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { storageConfigFromEnv } from '../src/storage-config.ts';

function badConfig(key: string): (error: unknown) => boolean {
  return (error) => error instanceof ConfigError && error.key === key && error.message.startsWith(`${key}:`);
}

describe('storageConfigFromEnv', () => {
  it('defaults to the embedded store', () => {
    assert.deepEqual(storageConfigFromEnv({}), { kind: 'helia', dir: '.anchorpost/ipfs', timeoutMs: 30_000 });
  });

  it('reads the Kubo settings', () => {
    assert.deepEqual(
      storageConfigFromEnv({
        ANCHORPOST_STORAGE: 'kubo',
        ANCHORPOST_KUBO_URL: 'http://ipfs:5001',
        ANCHORPOST_STORAGE_TIMEOUT_MS: '5000',
      }),
      { kind: 'kubo', url: 'http://ipfs:5001', timeoutMs: 5_000 },
    );
    assert.equal(
      storageConfigFromEnv({ ANCHORPOST_STORAGE: 'helia', ANCHORPOST_STORAGE_DIR: '/data/ipfs' }).kind,
      'helia',
    );
  });

  it('reads only the settings of the chosen store', () => {
    assert.equal(storageConfigFromEnv({ ANCHORPOST_KUBO_URL: 'not a url' }).kind, 'helia');
  });

  it('names the variable that is wrong', () => {
    assert.throws(
      () => storageConfigFromEnv({ ANCHORPOST_STORAGE: 'ipfs' }),
      badConfig('ANCHORPOST_STORAGE'),
    );
    for (const value of ['0', '-5', '1.5', 'soon', '1e3']) {
      assert.throws(
        () => storageConfigFromEnv({ ANCHORPOST_STORAGE_TIMEOUT_MS: value }),
        badConfig('ANCHORPOST_STORAGE_TIMEOUT_MS'),
        value,
      );
    }
    for (const value of ['localhost:5001', 'ftp://ipfs']) {
      assert.throws(
        () => storageConfigFromEnv({ ANCHORPOST_STORAGE: 'kubo', ANCHORPOST_KUBO_URL: value }),
        badConfig('ANCHORPOST_KUBO_URL'),
        value,
      );
    }
  });
});
