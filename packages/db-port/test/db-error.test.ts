import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DbError, isDbError } from '../src/index.ts';

describe('DbError', () => {
  it('carries its code, and says retryable only for a failure that may pass on a second try', () => {
    for (const code of ['UNAVAILABLE', 'TIMEOUT', 'CONFLICT'] as const) {
      const error = new DbError(code, 'try again');
      assert.equal(error.code, code);
      assert.equal(error.retryable, true, code);
    }
    for (const code of ['UNIQUE_VIOLATION', 'NOT_FOUND', 'SCHEMA_MISMATCH', 'ACCESS_DENIED'] as const) {
      assert.equal(new DbError(code, 'no').retryable, false, code);
    }
  });

  it('is told apart from other errors', () => {
    assert.equal(isDbError(new DbError('INTERNAL', 'x')), true);
    assert.equal(isDbError(new Error('x')), false);
  });
});

describe('the db port', () => {
  it('depends on the protocol alone, so a core or the verifier can name it without Prisma or PGlite', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}), ['@anchorpost/protocol']);
  });
});
