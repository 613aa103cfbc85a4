import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, isSet, loadConfig, redactConfig } from '../src/index.ts';

const schema = {
  port: { kind: 'int', env: 'ANCHORPOST_PORT', default: 8080, min: 0, max: 65535 },
  interval: { kind: 'duration', env: 'ANCHORPOST_BATCH_INTERVAL', default: 60_000 },
  mode: { kind: 'enum', env: 'ANCHORPOST_MODE', values: ['embedded', 'cluster'], default: 'embedded' },
  rpc: { kind: 'url', env: 'ANCHORPOST_EVM_RPC_URL' },
  apiKey: { kind: 'string', env: 'ANCHORPOST_API_KEY', secret: true, pattern: /^[a-z0-9]{32}$/ },
  debug: { kind: 'bool', env: 'ANCHORPOST_DEBUG', default: false },
  name: { kind: 'string', env: 'ANCHORPOST_NAME', optional: true },
} as const;
const good = { ANCHORPOST_EVM_RPC_URL: 'http://127.0.0.1:8545', ANCHORPOST_API_KEY: 'a'.repeat(32) };

function refuses(run: () => unknown, key: string, secret?: string): void {
  assert.throws(
    run,
    (error: unknown) =>
      error instanceof ConfigError &&
      error.key === key &&
      error.kind === 'internal' &&
      !error.retryable &&
      error.message.startsWith(`${key}: `) &&
      (secret === undefined || !error.message.includes(secret)),
    key,
  );
}

it('reads values, applies defaults and types them; an optional field may stay unset', () => {
  const config = loadConfig(schema, {
    ...good,
    ANCHORPOST_BATCH_INTERVAL: '5s',
    ANCHORPOST_PORT: ' 9000 ',
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
      name: undefined,
    },
  );
  assert.equal(loadConfig(schema, { ...good, ANCHORPOST_BATCH_INTERVAL: '2m' }).interval, 120_000);
  assert.equal(loadConfig(schema, { ...good, ANCHORPOST_NAME: 'x' }).name, 'x');
  assert.ok(Object.isFrozen(loadConfig(schema, good)));
});

it('refuses bad config naming the variable, and never echoes a secret', () => {
  const cases: [Record<string, string>, string][] = [
    [{ ANCHORPOST_API_KEY: good.ANCHORPOST_API_KEY }, 'ANCHORPOST_EVM_RPC_URL'],
    [{ ...good, ANCHORPOST_EVM_RPC_URL: '  ' }, 'ANCHORPOST_EVM_RPC_URL'],
    [{ ...good, ANCHORPOST_PORT: '70000' }, 'ANCHORPOST_PORT'],
    [{ ...good, ANCHORPOST_PORT: '80a' }, 'ANCHORPOST_PORT'],
    [{ ...good, ANCHORPOST_BATCH_INTERVAL: 'soon' }, 'ANCHORPOST_BATCH_INTERVAL'],
    [{ ...good, ANCHORPOST_MODE: 'cloud' }, 'ANCHORPOST_MODE'],
    [{ ...good, ANCHORPOST_EVM_RPC_URL: 'ftp://x' }, 'ANCHORPOST_EVM_RPC_URL'],
    [{ ...good, ANCHORPOST_DEBUG: 'yes' }, 'ANCHORPOST_DEBUG'],
    [{ ...good, ANCHORPOST_API_KEY: 'hunter2-secret' }, 'ANCHORPOST_API_KEY'],
  ];
  for (const [env, key] of cases) refuses(() => loadConfig(schema, env), key, 'hunter2');
});

it('lists: comma-separated, blanks dropped, each item checked; an empty list is unset', () => {
  const lists = {
    urls: { kind: 'list', of: 'url', env: 'ANCHORPOST_URLS' },
    brokers: {
      kind: 'list',
      of: 'string',
      env: 'ANCHORPOST_BROKERS',
      pattern: /^[a-z]+:\d+$/,
      default: ['a:1'],
    },
  } as const;
  const config = loadConfig(lists, {
    ANCHORPOST_URLS: ' http://a:1/ , ,https://b ',
    ANCHORPOST_BROKERS: ',',
  });
  assert.deepEqual(config.urls, ['http://a:1/', 'https://b']);
  assert.deepEqual(config.brokers, ['a:1']);
  refuses(() => loadConfig(lists, { ANCHORPOST_URLS: ' , ' }), 'ANCHORPOST_URLS');
  refuses(() => loadConfig(lists, { ANCHORPOST_URLS: 'http://a,ws://b' }), 'ANCHORPOST_URLS');
  refuses(() => loadConfig(lists, { ANCHORPOST_URLS: 'http://a,nonsense' }), 'ANCHORPOST_URLS');
  refuses(
    () => loadConfig(lists, { ANCHORPOST_URLS: 'http://a', ANCHORPOST_BROKERS: 'a:1,b' }),
    'ANCHORPOST_BROKERS',
  );
});

it('hex: the given number of bytes, any case, given back in lower case', () => {
  const hex = { id: { kind: 'hex', bytes: 32, env: 'ANCHORPOST_ID' } } as const;
  assert.equal(loadConfig(hex, { ANCHORPOST_ID: 'AB'.repeat(32) }).id, 'ab'.repeat(32));
  refuses(() => loadConfig(hex, { ANCHORPOST_ID: 'ab'.repeat(31) }), 'ANCHORPOST_ID');
  refuses(() => loadConfig(hex, { ANCHORPOST_ID: 'zz'.repeat(32) }), 'ANCHORPOST_ID');
  refuses(() => loadConfig(hex, { ANCHORPOST_ID: `0x${'ab'.repeat(32)}` }), 'ANCHORPOST_ID');
});

it('amounts: decimals into the smallest unit as a bigint, no more places than the unit has', () => {
  const amounts = {
    gwei: { kind: 'amount', decimals: 9, env: 'ANCHORPOST_GWEI', default: 500_000_000_000n },
    nano: { kind: 'amount', decimals: 0, env: 'ANCHORPOST_NANO', default: 1n },
  } as const;
  assert.deepEqual(
    { ...loadConfig(amounts, { ANCHORPOST_GWEI: '1.5', ANCHORPOST_NANO: '1100000' }) },
    { gwei: 1_500_000_000n, nano: 1_100_000n },
  );
  assert.equal(loadConfig(amounts, {}).gwei, 500_000_000_000n);
  assert.equal(loadConfig(amounts, { ANCHORPOST_GWEI: '0.000000001' }).gwei, 1n);
  refuses(() => loadConfig(amounts, { ANCHORPOST_GWEI: '0.0000000001' }), 'ANCHORPOST_GWEI');
  refuses(() => loadConfig(amounts, { ANCHORPOST_GWEI: '-1' }), 'ANCHORPOST_GWEI');
  refuses(() => loadConfig(amounts, { ANCHORPOST_NANO: '1.5' }), 'ANCHORPOST_NANO');
  refuses(() => loadConfig(amounts, { ANCHORPOST_NANO: '1'.repeat(20) }), 'ANCHORPOST_NANO');
});

it('redactConfig hides secret values for logs; isSet tells a set variable from a blank one', () => {
  const config = loadConfig(schema, good);
  const shown = redactConfig(schema, config);
  assert.equal(shown.apiKey, '(secret)');
  assert.equal(shown.rpc, good.ANCHORPOST_EVM_RPC_URL);
  assert.ok(!JSON.stringify(shown).includes(good.ANCHORPOST_API_KEY));
  assert.equal(isSet(schema.rpc, { ANCHORPOST_EVM_RPC_URL: ' ' }), false);
  assert.equal(isSet(schema.rpc, good), true);
});
