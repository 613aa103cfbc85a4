import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';

const schema = {
  port: { kind: 'int', env: 'ANCHORPOST_PORT', default: 8080, min: 0, max: 65535 },
  interval: { kind: 'duration', env: 'ANCHORPOST_BATCH_INTERVAL', default: 60_000 },
  mode: { kind: 'enum', env: 'ANCHORPOST_MODE', values: ['embedded', 'cluster'], default: 'embedded' },
  rpc: { kind: 'url', env: 'ANCHORPOST_EVM_RPC_URL' },
  apiKey: { kind: 'string', env: 'ANCHORPOST_API_KEY', secret: true, pattern: /^[a-z0-9]{32}$/ },
  debug: { kind: 'bool', env: 'ANCHORPOST_DEBUG', default: false },
} as const;
const good = { ANCHORPOST_EVM_RPC_URL: 'http://127.0.0.1:8545', ANCHORPOST_API_KEY: 'a'.repeat(32) };

it('reads values, applies defaults and types them', () => {
  const config = loadConfig(schema, {
    ...good,
    ANCHORPOST_BATCH_INTERVAL: '5s',
    ANCHORPOST_PORT: '9000',
    ANCHORPOST_DEBUG: 'true',
  });
  assert.deepEqual(
    { ...config },
    {
      port: 9000,
      interval: 5000,
      mode: 'embedded',
      rpc: 'http://127.0.0.1:8545',
      apiKey: 'a'.repeat(32),
      debug: true,
    },
  );
  assert.equal(loadConfig(schema, { ...good, ANCHORPOST_BATCH_INTERVAL: '2m' }).interval, 120_000);
});

it('refuses bad config naming the variable, and never echoes a secret', () => {
  const cases: [Record<string, string>, string][] = [
    [{ ANCHORPOST_API_KEY: good.ANCHORPOST_API_KEY }, 'ANCHORPOST_EVM_RPC_URL'],
    [{ ...good, ANCHORPOST_PORT: '70000' }, 'ANCHORPOST_PORT'],
    [{ ...good, ANCHORPOST_PORT: '80a' }, 'ANCHORPOST_PORT'],
    [{ ...good, ANCHORPOST_BATCH_INTERVAL: 'soon' }, 'ANCHORPOST_BATCH_INTERVAL'],
    [{ ...good, ANCHORPOST_MODE: 'cloud' }, 'ANCHORPOST_MODE'],
    [{ ...good, ANCHORPOST_EVM_RPC_URL: 'ftp://x' }, 'ANCHORPOST_EVM_RPC_URL'],
    [{ ...good, ANCHORPOST_DEBUG: 'yes' }, 'ANCHORPOST_DEBUG'],
    [{ ...good, ANCHORPOST_API_KEY: 'hunter2-secret' }, 'ANCHORPOST_API_KEY'],
  ];
  for (const [env, key] of cases) {
    assert.throws(
      () => loadConfig(schema, env),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === key &&
        !error.retryable &&
        !error.message.includes('hunter2'),
      key,
    );
  }
});
