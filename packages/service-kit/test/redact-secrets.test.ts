import assert from 'node:assert/strict';
import { it } from 'node:test';
import { redactSecrets } from '../src/redact-secrets.ts';

it('redacts passwords in URLs and option strings, bearer tokens, API keys and PEM keys', () => {
  const text = [
    'connect postgres://anchorpost:hunter2@db.internal:5432/state',
    'kafka sasl.password=s3cr3t host=kafka:9092',
    'authorization: Bearer apk_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'key apk_0123456789abcdef_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB',
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----',
  ].join('\n');
  const redacted = redactSecrets(text);
  for (const secret of ['hunter2', 's3cr3t', 'AAAAAAAA', 'BBBBBBBB', 'MC4CAQAw']) {
    assert.ok(!redacted.includes(secret), `${secret} in ${redacted}`);
  }
  // What helps an operator stays: user, host, the key's public id.
  assert.match(redacted, /postgres:\/\/anchorpost:\[redacted\]@db\.internal:5432\/state/);
  assert.match(redacted, /apk_0123456789abcdef_\[redacted\]/);
  assert.match(redacted, /host=kafka:9092/);
});
