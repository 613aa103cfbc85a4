import assert from 'node:assert/strict';
import { it } from 'node:test';
import { acceptedValues, defaultValue } from '../src/index.ts';

it('describes each kind and its default as the docs tables show them', () => {
  assert.equal(acceptedValues({ kind: 'int', env: 'X', min: 0, max: 10 }), 'integer 0…10');
  assert.equal(acceptedValues({ kind: 'int', env: 'X', min: 1 }), 'integer ≥ 1');
  assert.equal(acceptedValues({ kind: 'enum', env: 'X', values: ['a', 'b'] }), '`a`, `b`');
  assert.equal(acceptedValues({ kind: 'hex', env: 'X', bytes: 32 }), '32 bytes in hex');
  assert.equal(defaultValue({ kind: 'duration', env: 'X', default: 15_000 }), '`15s`');
  assert.equal(defaultValue({ kind: 'duration', env: 'X', default: 1_500 }), '`1500ms`');
  assert.equal(defaultValue({ kind: 'amount', env: 'X', decimals: 9, default: 1_500_000_000n }), '`1.5`');
  assert.equal(defaultValue({ kind: 'amount', env: 'X', decimals: 0, default: 7n }), '`7`');
  assert.equal(defaultValue({ kind: 'string', env: 'X' }), 'required');
  assert.equal(defaultValue({ kind: 'string', env: 'X', optional: true }), 'unset');
  assert.equal(defaultValue({ kind: 'string', env: 'X', default: '' }), '(empty)');
});
