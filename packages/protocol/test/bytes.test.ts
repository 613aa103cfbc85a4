import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { fromBase64, fromHex, toBase64, toHex } from '../src/bytes.ts';

it('round-trips hex and base64 for any bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.deepEqual(fromHex(toHex(bytes)), bytes);
      assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
    }),
    { numRuns: 500 },
  );
});

it('rejects every non-canonical text form with BAD_FORMAT', () => {
  for (const text of ['QQ', 'QQ=', 'QR==', 'Q Q==', 'QQ==\n', '-_8=', 'QUJD=', '====']) {
    assert.throws(() => fromBase64(text, 'f'), { code: 'BAD_FORMAT', field: 'f' }, text);
  }
  for (const text of ['a', 'AB', 'zz', '0x00', ' 00']) {
    assert.throws(() => fromHex(text, 'f'), { code: 'BAD_FORMAT', field: 'f' }, text);
  }
});

it('handles multi-megabyte input without overflowing the regexp stack', () => {
  const big = new Uint8Array(8 * 1024 * 1024).fill(7);
  assert.equal(fromBase64(toBase64(big)).byteLength, big.byteLength);
  assert.equal(fromHex(toHex(big)).byteLength, big.byteLength);
  assert.throws(() => fromBase64(`${toBase64(big)}!`), { code: 'BAD_FORMAT' });
});
