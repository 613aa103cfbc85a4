// A service's settings as data: its own schemas and its adapters', with the required ones.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { requiredVariables, serviceSettings, settingsFields } from '../src/index.ts';

const own = {
  port: { kind: 'int', env: 'ANCHORPOST_EXAMPLE_PORT', default: 1 },
  keys: { kind: 'string', env: 'ANCHORPOST_EXAMPLE_KEYS' },
} as const;

it('gathers the service schemas and those of the adapters it needs', () => {
  const settings = serviceSettings('example', [own], ['bus', 'evm', 'ergo']);
  const fields = settingsFields(settings);
  for (const variable of [
    'ANCHORPOST_EXAMPLE_PORT',
    'ANCHORPOST_LOG_LEVEL',
    'ANCHORPOST_DATA_DIR',
    'ANCHORPOST_KAFKA_BROKERS',
    'ANCHORPOST_BUS_DIR',
    'ANCHORPOST_EVM_RPC_URLS',
    'ANCHORPOST_ERGO_TOKEN_ID',
  ]) {
    assert.ok(fields.has(variable), variable);
  }
  assert.ok(!fields.has('ANCHORPOST_STORAGE'), 'storage is not needed');
  assert.ok(!fields.has('ANCHORPOST_EVM_SIGNER_KEY_FILE'), 'the signer is not needed');
});

it('requires only what every setup needs: not Kafka, not the file log, not Ergo', () => {
  const settings = serviceSettings('example', [own], ['bus', 'evm', 'ergo', 'signer']);
  assert.deepEqual(requiredVariables(settings).sort(), [
    'ANCHORPOST_EVM_ANCHOR_CONTRACT',
    'ANCHORPOST_EVM_CHAIN_ID',
    'ANCHORPOST_EVM_RPC_URLS',
    'ANCHORPOST_EVM_SIGNER_KEY_FILE',
    'ANCHORPOST_EXAMPLE_KEYS',
  ]);
});
