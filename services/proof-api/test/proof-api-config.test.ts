// The receipts database URL: read as a postgresql:// URL, refused naming the variable, never echoed
// (it carries a password).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '@anchorpost/service-kit';
import { proofApiConfigSchema } from '../src/proof-api-config.ts';

const KEY = 'ANCHORPOST_PROOF_API_RECEIPTS_DATABASE_URL';

it('reads the receipts database URL, unset by default', () => {
  assert.equal(loadConfig(proofApiConfigSchema, {}).receiptsDatabaseUrl, undefined);
  const url = 'postgresql://relay:pw@db:5432/state';
  assert.equal(loadConfig(proofApiConfigSchema, { [KEY]: url }).receiptsDatabaseUrl, url);
});

it('refuses another scheme or no URL, naming the variable and never echoing the password', () => {
  for (const url of ['mysql://relay:hunter2@db/state', 'relay:hunter2@db']) {
    assert.throws(
      () => loadConfig(proofApiConfigSchema, { [KEY]: url }),
      (error: unknown) =>
        error instanceof ConfigError && error.key === KEY && !error.message.includes('hunter2'),
      url,
    );
  }
});
