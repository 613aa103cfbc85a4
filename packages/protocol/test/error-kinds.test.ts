import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_KINDS, ErrorCode, errorKinds, ProtocolError } from '../src/errors.ts';

describe('error kinds', () => {
  it('refuses a table in which a code has no kind, or a kind names no code', () => {
    const codes = { A: 'A_CODE', B: 'B_CODE' } as const;
    assert.throws(
      () => errorKinds(codes, { A_CODE: 'invalid' } as Record<'A_CODE' | 'B_CODE', 'invalid'>),
      /error code B_CODE has no kind/,
    );
    assert.throws(
      () => errorKinds(codes, { A_CODE: 'invalid', B_CODE: 'invalid', C_CODE: 'internal' } as never),
      /given for C_CODE, which is no code/,
    );
    assert.throws(
      () => errorKinds(codes, { A_CODE: 'invalid', B_CODE: 'bad-kind' } as never),
      /error code B_CODE has no kind/,
    );
    assert.deepEqual(errorKinds(['X'], { X: 'conflict' }), { X: 'conflict' });
  });

  it('gives every protocol code a kind: the input is invalid, or only too large', () => {
    for (const code of Object.values(ErrorCode)) {
      const error = new ProtocolError(code, '-', 'x');
      assert.ok(ERROR_KINDS.includes(error.kind), code);
      assert.equal(error.kind, code === 'TOO_LARGE' ? 'too-large' : 'invalid', code);
      assert.equal(error.retryable, false);
    }
  });
});
