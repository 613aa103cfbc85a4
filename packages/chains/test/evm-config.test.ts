/** Start-up configuration from ANCHORPOST_* variables: defaults, and errors that name the key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { anvilOptionsFromEnv, evmChainConfigFromEnv } from '../src/evm/evm-config.ts';

const minimal = {
  ANCHORPOST_EVM_RPC_URLS: 'https://rpc.one.example/key, http://127.0.0.1:8545',
  ANCHORPOST_EVM_CHAIN_ID: '11155111',
  ANCHORPOST_EVM_ANCHOR_CONTRACT: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
};

function failsOn(env: Record<string, string>, key: string): void {
  assert.throws(
    () => evmChainConfigFromEnv(env),
    (error: unknown) => error instanceof ConfigError && error.key === key && error.message.startsWith(key),
    key,
  );
}

describe('evmChainConfigFromEnv', () => {
  it('reads the required keys and fills the defaults', () => {
    assert.deepEqual(evmChainConfigFromEnv(minimal), {
      rpcUrls: ['https://rpc.one.example/key', 'http://127.0.0.1:8545'],
      chainId: 11155111,
      contractAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      deployBlock: 0,
      confirmations: 12,
      finalityDepth: 64,
      replaceAfterMs: 180_000,
      maxFeePerGasCap: 500_000_000_000n,
      minPriorityFeePerGas: 0n,
      maxInFlight: 16,
      logPageBlocks: 2_000,
      rpcTimeoutMs: 10_000,
    });
  });

  it('takes every optional key', () => {
    const config = evmChainConfigFromEnv({
      ...minimal,
      ANCHORPOST_EVM_DEPLOY_BLOCK: '6000000',
      ANCHORPOST_EVM_CONFIRMATIONS: '100',
      ANCHORPOST_EVM_REPLACE_AFTER_SECONDS: '30',
      ANCHORPOST_EVM_MAX_FEE_PER_GAS_GWEI: '2.5',
      ANCHORPOST_EVM_MIN_PRIORITY_FEE_GWEI: '0.01',
      ANCHORPOST_EVM_MAX_IN_FLIGHT: '4',
      ANCHORPOST_EVM_LOG_PAGE_BLOCKS: '500',
      ANCHORPOST_EVM_RPC_TIMEOUT_MS: '2000',
      ANCHORPOST_EVM_CHAIN_NAME: 'sepolia',
    });
    assert.equal(config.deployBlock, 6_000_000);
    assert.equal(config.confirmations, 100);
    assert.equal(config.finalityDepth, 100, 'never below confirmations');
    assert.equal(config.replaceAfterMs, 30_000);
    assert.equal(config.maxFeePerGasCap, 2_500_000_000n);
    assert.equal(config.minPriorityFeePerGas, 10_000_000n);
    assert.equal(config.maxInFlight, 4);
    assert.equal(config.logPageBlocks, 500);
    assert.equal(config.rpcTimeoutMs, 2_000);
    assert.equal(config.id, 'sepolia');
  });

  it('refuses missing or malformed values, naming the variable', () => {
    const without = (key: keyof typeof minimal): Record<string, string> => {
      return Object.fromEntries(Object.entries(minimal).filter(([k]) => k !== key));
    };
    failsOn(without('ANCHORPOST_EVM_RPC_URLS'), 'ANCHORPOST_EVM_RPC_URLS');
    failsOn(without('ANCHORPOST_EVM_CHAIN_ID'), 'ANCHORPOST_EVM_CHAIN_ID');
    failsOn(without('ANCHORPOST_EVM_ANCHOR_CONTRACT'), 'ANCHORPOST_EVM_ANCHOR_CONTRACT');
    failsOn({ ...minimal, ANCHORPOST_EVM_RPC_URLS: 'ftp://x' }, 'ANCHORPOST_EVM_RPC_URLS');
    failsOn({ ...minimal, ANCHORPOST_EVM_RPC_URLS: ' , ' }, 'ANCHORPOST_EVM_RPC_URLS');
    failsOn({ ...minimal, ANCHORPOST_EVM_ANCHOR_CONTRACT: '0x1234' }, 'ANCHORPOST_EVM_ANCHOR_CONTRACT');
    failsOn({ ...minimal, ANCHORPOST_EVM_CHAIN_ID: '0' }, 'ANCHORPOST_EVM_CHAIN_ID');
    failsOn({ ...minimal, ANCHORPOST_EVM_CHAIN_ID: '1e3' }, 'ANCHORPOST_EVM_CHAIN_ID');
    failsOn({ ...minimal, ANCHORPOST_EVM_CONFIRMATIONS: '-1' }, 'ANCHORPOST_EVM_CONFIRMATIONS');
    failsOn({ ...minimal, ANCHORPOST_EVM_FINALITY_DEPTH: '5' }, 'ANCHORPOST_EVM_FINALITY_DEPTH');
    failsOn(
      { ...minimal, ANCHORPOST_EVM_MAX_FEE_PER_GAS_GWEI: 'lots' },
      'ANCHORPOST_EVM_MAX_FEE_PER_GAS_GWEI',
    );
  });
});

describe('anvilOptionsFromEnv', () => {
  it('defaults to a free port and chain 31337, and reads the state file and block time', () => {
    assert.deepEqual(anvilOptionsFromEnv({}), { port: 0, chainId: 31337 });
    assert.deepEqual(
      anvilOptionsFromEnv({
        ANCHORPOST_ANVIL_PORT: '8545',
        ANCHORPOST_ANVIL_CHAIN_ID: '1337',
        ANCHORPOST_ANVIL_BLOCK_TIME: '2',
        ANCHORPOST_ANVIL_STATE_FILE: '/data/anvil.json',
      }),
      { port: 8545, chainId: 1337, blockTime: 2, stateFile: '/data/anvil.json' },
    );
    assert.throws(() => anvilOptionsFromEnv({ ANCHORPOST_ANVIL_PORT: 'x' }), /ANCHORPOST_ANVIL_PORT/);
  });
});
