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

it("encodes as Node's Buffer does, and accepts exactly the texts that are some bytes' encoding", () => {
  const canonical = (text: string) => Buffer.from(text, 'base64').toString('base64') === text;
  // Texts near valid ones: a valid encoding with characters replaced, inserted or dropped.
  const nearValid = fc
    .tuple(
      fc.uint8Array({ maxLength: 40 }),
      fc.array(
        fc.tuple(fc.nat(), fc.constantFrom('=', 'A', 'B', 'Q', '/', '+', '-', '_', ' ', '\n', 'é', '')),
        {
          maxLength: 3,
        },
      ),
      fc.boolean(),
    )
    .map(([bytes, edits, replace]) => {
      let text = Buffer.from(bytes).toString('base64');
      for (const [at, char] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        text = text.slice(0, i) + char + text.slice(replace ? i + 1 : i);
      }
      return text;
    });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
    }),
    { numRuns: 1_000 },
  );
  fc.assert(
    fc.property(fc.oneof(nearValid, fc.string({ maxLength: 24 })), (text) => {
      let accepted: Uint8Array | undefined;
      try {
        accepted = fromBase64(text);
      } catch (error) {
        assert.equal((error as { code?: string }).code, 'BAD_FORMAT');
      }
      assert.equal(accepted !== undefined, canonical(text), JSON.stringify(text));
      if (accepted !== undefined) assert.deepEqual(Buffer.from(accepted), Buffer.from(text, 'base64'));
    }),
    { numRuns: 5_000 },
  );
});

it('rejects every non-canonical text form with BAD_FORMAT', () => {
  for (const text of [
    'QQ',
    'QQ=',
    'QR==',
    'Q Q==',
    'QQ==\n',
    '-_8=',
    'QUJD=',
    '====',
    'QQ=A',
    'Q=A=',
    'QUI=QUJD',
    'QUI\u0100',
  ]) {
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
