// The cluster harness's environment against the services' settings schemas, without starting
// anything: every ANCHORPOST_* variable a process is given for itself is one its service reads,
// every common one is read by some service, and every variable a service requires is given.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { anchorerSettings } from '@anchorpost/anchorer-service';
import { batcherSettings } from '@anchorpost/batcher-service';
import { parserSettings } from '@anchorpost/parser-service';
import { proofApiSettings } from '@anchorpost/proof-api-service';
import { relaySettings } from '@anchorpost/relay-service';
import { requiredVariables, settingsFields, type ServiceSettings } from '@anchorpost/runtime';
import { clusterInstances, commonEnvironment, type ClusterSetup } from './cluster/cluster-env.ts';
import type { ServiceName } from './cluster/service-process.ts';

const SETTINGS: Readonly<Record<ServiceName, ServiceSettings>> = {
  relay: relaySettings,
  batcher: batcherSettings,
  anchorer: anchorerSettings,
  parser: parserSettings,
  'proof-api': proofApiSettings,
};

const setup: ClusterSetup = {
  dataDir: '/tmp/cluster/data',
  kafkaBrokers: '127.0.0.1:19092',
  kuboUrl: 'http://127.0.0.1:5001',
  evmRpcUrl: 'http://127.0.0.1:8545',
  contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  deployBlock: 1,
  submitter: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  stateDatabaseUrl: 'postgresql://u:p@127.0.0.1:5432/state',
  indexDatabaseUrl: 'postgresql://u:p@127.0.0.1:5432/index',
  tenantsFile: '/tmp/cluster/tenants.json',
  relayKeyFile: '/tmp/cluster/keys/relay-key.pem',
  relayPublicKey: 'ab'.repeat(32),
  signerKeyFile: '/tmp/cluster/keys/anchorer-signer.hex',
  relayPorts: [
    { http: 1, grpc: 2 },
    { http: 3, grpc: 4 },
  ],
  ports: { batcher: 5, anchorer: 6, parser: 7, 'proof-api': 8 },
};

/** What the harness sets that no service reading it knows, in words. */
function unknownVariables(given: ClusterSetup): string[] {
  const problems: string[] = [];
  const instances = clusterInstances(given);
  for (const { name, service, env } of instances) {
    const known = settingsFields(SETTINGS[service]);
    for (const variable of Object.keys(env)) {
      if (!known.has(variable)) problems.push(`${name} is given ${variable}, which ${service} does not read`);
    }
  }
  for (const variable of Object.keys(commonEnvironment(given))) {
    if (!instances.some(({ service }) => settingsFields(SETTINGS[service]).has(variable))) {
      problems.push(`every process is given ${variable}, which no service reads`);
    }
  }
  return problems;
}

it('every variable the cluster harness sets is a setting of a service that gets it', () => {
  assert.deepEqual(unknownVariables(setup), []);
  assert.deepEqual(unknownVariables({ ...setup, env: { ANCHORPOST_BATCH_INTERVALL: '1s' } }), [
    'every process is given ANCHORPOST_BATCH_INTERVALL, which no service reads',
  ]);
});

it('with Ergo on: every ERGO variable is read where it is given, the wallet by the anchorer alone', () => {
  const ergo = {
    url: 'http://127.0.0.1:9053',
    relayChecksBlocks: true,
    env: {
      ANCHORPOST_ERGO_NODE_URLS: 'http://127.0.0.1:9053',
      ANCHORPOST_ERGO_NETWORK: 'testnet',
      ANCHORPOST_ERGO_TOKEN_ID: 'ab'.repeat(32),
      ANCHORPOST_ERGO_START_HEIGHT: '100',
      ANCHORPOST_ERGO_MINT_TX_ID: 'cd'.repeat(32),
      ANCHORPOST_ERGO_MNEMONIC_FILE: '/tmp/cluster/ergo-mnemonic',
      ANCHORPOST_ERGO_CONFIRMATIONS: '2',
      ANCHORPOST_ERGO_FINALITY_DEPTH: '40',
    },
  };
  assert.deepEqual(unknownVariables({ ...setup, ergo }), []);
  const common = commonEnvironment({ ...setup, ergo });
  assert.equal(common.ANCHORPOST_ERGO_MNEMONIC_FILE, undefined, "the wallet is not everyone's");
  const holders = clusterInstances({ ...setup, ergo })
    .filter(({ env }) => 'ANCHORPOST_ERGO_MNEMONIC_FILE' in env)
    .map(({ name }) => name);
  assert.deepEqual(holders, ['anchorer']);
  const relayA = clusterInstances({ ...setup, ergo }).find(({ name }) => name === 'relay-a')!;
  assert.equal(relayA.env.ANCHORPOST_RELAY_ERGO_NODE_URL, ergo.url);
});

it('every variable a service requires is given to each of its processes', () => {
  const common = commonEnvironment(setup);
  for (const { name, service, env } of clusterInstances(setup)) {
    for (const variable of requiredVariables(SETTINGS[service])) {
      assert.ok(variable in env || variable in common, `${name} requires ${variable}, which it is not given`);
    }
  }
});
