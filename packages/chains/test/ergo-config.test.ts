/** Ergo's start-up configuration from ANCHORPOST_ERGO_* variables: defaults, and errors naming the key. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { ergoChainConfigFromEnv, ergoConfigured, ergoNodeConfigFromEnv } from '../src/ergo/ergo-config.ts';

const minimal = {
  ANCHORPOST_ERGO_NODE_URLS: 'http://127.0.0.1:9053, https://node.example',
  ANCHORPOST_ERGO_NETWORK: 'testnet',
  ANCHORPOST_ERGO_TOKEN_ID: 'AB'.repeat(32),
};

function failsOn(env: Record<string, string>, key: string, secret?: string): void {
  assert.throws(
    () => ergoChainConfigFromEnv(env),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.key === key &&
      (secret === undefined || !error.message.includes(secret)),
    key,
  );
}

describe('ergoChainConfigFromEnv', () => {
  it('reads the required keys and fills the defaults', () => {
    assert.deepEqual(ergoChainConfigFromEnv(minimal), {
      nodeUrls: ['http://127.0.0.1:9053', 'https://node.example'],
      network: 'testnet',
      timeoutMs: 10_000,
      tokenId: 'ab'.repeat(32),
      startHeight: 0,
      confirmations: 10,
      finalityDepth: 30,
      fee: 1_100_000n,
      topUpBelow: 50_000_000n,
      maxInFlight: 16,
    });
    const node = ergoNodeConfigFromEnv({ ...minimal, ANCHORPOST_ERGO_API_KEY: 'hello' });
    assert.equal(node.apiKey, 'hello');
    assert.equal(ergoConfigured(minimal), true);
    assert.equal(ergoConfigured({ ANCHORPOST_ERGO_NODE_URLS: ' ' }), false);
  });

  it('never takes a finality depth below the confirmations', () => {
    assert.equal(
      ergoChainConfigFromEnv({ ...minimal, ANCHORPOST_ERGO_CONFIRMATIONS: '40' }).finalityDepth,
      40,
    );
    failsOn({ ...minimal, ANCHORPOST_ERGO_FINALITY_DEPTH: '5' }, 'ANCHORPOST_ERGO_FINALITY_DEPTH');
  });

  it('refuses missing or malformed values, naming the variable', () => {
    failsOn({ ...minimal, ANCHORPOST_ERGO_NODE_URLS: '' }, 'ANCHORPOST_ERGO_NODE_URLS');
    failsOn({ ...minimal, ANCHORPOST_ERGO_NODE_URLS: 'ws://x' }, 'ANCHORPOST_ERGO_NODE_URLS');
    failsOn({ ...minimal, ANCHORPOST_ERGO_NETWORK: 'privnet' }, 'ANCHORPOST_ERGO_NETWORK');
    failsOn({ ...minimal, ANCHORPOST_ERGO_TOKEN_ID: 'ab' }, 'ANCHORPOST_ERGO_TOKEN_ID');
    failsOn({ ...minimal, ANCHORPOST_ERGO_FEE_NANOERG: '1.5' }, 'ANCHORPOST_ERGO_FEE_NANOERG');
    failsOn({ ...minimal, ANCHORPOST_ERGO_START_HEIGHT: '-1' }, 'ANCHORPOST_ERGO_START_HEIGHT');
  });
});
