// A stand-alone main refuses bad adapter settings before opening anything, naming the variable,
// whichever package's reader found the fault; the signer key comes from a file and is never echoed.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/service-kit';
import { readAdapterConfig, reportFailure, type AdapterName } from '../src/index.ts';

const KEY = '59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const EVM = {
  ANCHORPOST_EVM_RPC_URLS: 'http://127.0.0.1:8545',
  ANCHORPOST_EVM_CHAIN_ID: '31337',
  ANCHORPOST_EVM_ANCHOR_CONTRACT: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
};

function refusal(env: NodeJS.ProcessEnv, needs: readonly AdapterName[]): ConfigError {
  try {
    readAdapterConfig(env, needs);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error;
  }
  assert.fail('accepted');
}

describe('readAdapterConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-runtime-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('defaults the bus, storage and embedded database into the data folder', () => {
    const config = readAdapterConfig({ ANCHORPOST_DATA_DIR: dir }, ['bus', 'storage', 'database']);
    const bus = config.bus!;
    assert.equal(bus.kind, 'file-log');
    assert.equal(bus.where, join(dir, 'bus'));
    assert.equal(bus.env['ANCHORPOST_BUS_MAX_RECORD_BYTES'], String(2 * 1_048_576));
    assert.deepEqual(config.storage, { kind: 'helia', dir: join(dir, 'storage'), timeoutMs: 30_000 });
    assert.deepEqual(config.database, { mode: 'embedded', dataDir: join(dir, 'postgres'), port: 0 });
    assert.equal(config.evm, undefined);
    assert.equal(config.signer, undefined);
  });

  it('names the variable at fault, whichever adapter reads it', () => {
    const cases: [NodeJS.ProcessEnv, AdapterName, string][] = [
      [{ ANCHORPOST_DATABASE_URL: 'mysql://x' }, 'database', 'ANCHORPOST_DATABASE_URL'],
      [
        { ANCHORPOST_DATABASE_URL: 'postgresql://h/db', ANCHORPOST_DATABASE_POOL_SIZE: '0' },
        'database',
        'ANCHORPOST_DATABASE_POOL_SIZE',
      ],
      [{ ANCHORPOST_STORAGE: 'floppy' }, 'storage', 'ANCHORPOST_STORAGE'],
      [{ ANCHORPOST_STORAGE: 'kubo', ANCHORPOST_KUBO_URL: 'ftp://x' }, 'storage', 'ANCHORPOST_KUBO_URL'],
      [{ ANCHORPOST_BUS_SEGMENT_BYTES: 'lots' }, 'bus', 'ANCHORPOST_BUS_SEGMENT_BYTES'],
      [{ ANCHORPOST_KAFKA_BROKERS: 'no port' }, 'bus', 'ANCHORPOST_KAFKA_BROKERS'],
      [
        { ANCHORPOST_KAFKA_BROKERS: 'k:9092', ANCHORPOST_KAFKA_RETRIES: '-1' },
        'bus',
        'ANCHORPOST_KAFKA_RETRIES',
      ],
      [{}, 'evm', 'ANCHORPOST_EVM_RPC_URLS'],
      [{ ...EVM, ANCHORPOST_EVM_ANCHOR_CONTRACT: 'nope' }, 'evm', 'ANCHORPOST_EVM_ANCHOR_CONTRACT'],
      [{ ...EVM, ANCHORPOST_EVM_CHAIN_ID: 'x' }, 'evmRpc', 'ANCHORPOST_EVM_CHAIN_ID'],
      [{}, 'signer', 'ANCHORPOST_EVM_SIGNER_KEY_FILE'],
    ];
    for (const [env, need, key] of cases) {
      const error = refusal(env, [need]);
      assert.equal(error.key, key, JSON.stringify(env));
      assert.match(reportFailure(error).line, new RegExp(`^ERROR BAD_CONFIG ${key}: \\S`));
      assert.equal(reportFailure(error).exitCode, 2);
    }
  });

  it('chooses Kafka when brokers are given', () => {
    const bus = readAdapterConfig({ ANCHORPOST_KAFKA_BROKERS: 'k1:9092, k2:9092' }, ['bus']).bus!;
    assert.equal(bus.kind, 'kafka');
    assert.equal(bus.where, 'k1:9092,k2:9092');
  });

  it('reads the proof API’s RPC settings without asking for a contract', () => {
    const config = readAdapterConfig(
      { ANCHORPOST_EVM_RPC_URLS: EVM.ANCHORPOST_EVM_RPC_URLS, ANCHORPOST_EVM_CHAIN_ID: '31337' },
      ['evmRpc'],
    );
    assert.deepEqual(config.evmRpc, {
      rpcUrls: ['http://127.0.0.1:8545'],
      chainId: 31337,
      rpcTimeoutMs: 10_000,
    });
  });

  it('takes the signer key from a file, and never echoes a bad one', async () => {
    const good = join(dir, 'signer.key');
    await writeFile(good, `0x${KEY}\n`, { mode: 0o600 });
    const config = readAdapterConfig({ ANCHORPOST_EVM_SIGNER_KEY_FILE: good }, ['signer']);
    const signer = config.signer!;
    assert.equal(signer.wallet.address, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    assert.equal(signer.readableByOthers, false);

    const bad = join(dir, 'bad.key');
    await writeFile(bad, `${KEY.slice(0, 60)}zzzz`, { mode: 0o644 });
    const error = refusal({ ANCHORPOST_EVM_SIGNER_KEY_FILE: bad }, ['signer']);
    assert.equal(error.key, 'ANCHORPOST_EVM_SIGNER_KEY_FILE');
    assert.ok(!error.message.includes(KEY.slice(0, 16)), 'the key must not be echoed');

    const missing = refusal({ ANCHORPOST_EVM_SIGNER_KEY_FILE: join(dir, 'none') }, ['signer']);
    assert.match(missing.message, /ENOENT/);
    // The variable's own value is never taken as the key.
    assert.equal(
      refusal({ ANCHORPOST_EVM_SIGNER_KEY_FILE: KEY }, ['signer']).key,
      'ANCHORPOST_EVM_SIGNER_KEY_FILE',
    );
  });
});
