import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { BusError, fileLogBusOptionsFromEnv, openFileLogBus } from '../src/index.ts';

describe('FileLogBus configuration', () => {
  it('reads ANCHORPOST_BUS_* from the environment', () => {
    assert.deepEqual(fileLogBusOptionsFromEnv({ ANCHORPOST_BUS_DIR: '/var/lib/anchorpost/bus' }), {
      dir: '/var/lib/anchorpost/bus',
    });
    assert.deepEqual(
      fileLogBusOptionsFromEnv({
        ANCHORPOST_BUS_DIR: 'data/bus',
        ANCHORPOST_BUS_SEGMENT_BYTES: '1048576',
        ANCHORPOST_BUS_INDEX_INTERVAL_BYTES: '8192',
        ANCHORPOST_BUS_MAX_RECORD_BYTES: '2097152',
      }),
      { dir: 'data/bus', segmentBytes: 1048576, indexIntervalBytes: 8192, maxRecordBytes: 2097152 },
    );
  });

  it('refuses bad values, naming the key', async () => {
    const refuses = (env: Record<string, string>, key: string): void => {
      assert.throws(
        () => fileLogBusOptionsFromEnv(env),
        (error: unknown) => error instanceof ConfigError && error.key === key && error.message.includes(key),
      );
    };
    refuses({}, 'ANCHORPOST_BUS_DIR');
    refuses({ ANCHORPOST_BUS_DIR: '  ' }, 'ANCHORPOST_BUS_DIR');
    refuses(
      { ANCHORPOST_BUS_DIR: 'd', ANCHORPOST_BUS_SEGMENT_BYTES: '64MiB' },
      'ANCHORPOST_BUS_SEGMENT_BYTES',
    );
    refuses(
      { ANCHORPOST_BUS_DIR: 'd', ANCHORPOST_BUS_MAX_RECORD_BYTES: '-1' },
      'ANCHORPOST_BUS_MAX_RECORD_BYTES',
    );
    refuses(
      { ANCHORPOST_BUS_DIR: 'd', ANCHORPOST_BUS_INDEX_INTERVAL_BYTES: '0' },
      'ANCHORPOST_BUS_INDEX_INTERVAL_BYTES',
    );
    await assert.rejects(
      openFileLogBus({ dir: 'unused', segmentBytes: 2 ** 40 }),
      (error: unknown) =>
        error instanceof BusError && error.code === 'BAD_CONFIG' && error.message.includes('segmentBytes'),
    );
  });
});
