/** parseCanonicalTxFile: only the exact bytes serializeTxFile writes, so one message has one CID. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import { parseCanonicalTxFile, parseTxFile } from '../src/tx-file/parse.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { txFile } from './fixtures/tx-file/arbitrary.ts';

const FIXTURES = new URL('./fixtures/tx-file/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const FULL = new TextDecoder().decode(fixture('valid-full.yaml.txt'));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function notCanonical(input: Uint8Array, line: number): void {
  assert.throws(
    () => parseCanonicalTxFile(input),
    (error: unknown) => {
      assert.ok(error instanceof ProtocolError, String(error));
      assert.equal(error.code, ErrorCode.NotCanonical);
      assert.equal(error.field, '-');
      assert.equal(error.retryable, false);
      assert.match(error.message, new RegExp(`at line ${line}$`));
      return true;
    },
  );
  // Each of these is a valid tx-file, the same one: only the canonical check refuses it.
  assert.deepEqual(parseTxFile(input), parseTxFile(bytes(FULL)));
}

describe('parseCanonicalTxFile', () => {
  it('accepts the canonical fixtures and every serialized file, as parseTxFile reads them', () => {
    for (const name of ['valid-full.yaml.txt', 'valid-minimal.yaml.txt']) {
      assert.deepEqual(parseCanonicalTxFile(fixture(name)), parseTxFile(fixture(name)));
    }
    fc.assert(
      fc.property(txFile, (tx) => {
        assert.deepEqual(parseCanonicalTxFile(serializeTxFile(tx)), tx);
      }),
      { seed: 0xca70, numRuns: 200 },
    );
  });

  it('refuses the same file with a comment, another key order, other quoting or whitespace as NOT_CANONICAL', () => {
    const lines = FULL.split('\n');
    const count = lines.length - 1;
    notCanonical(bytes(`${FULL}# a comment\n`), count + 1);
    notCanonical(bytes(FULL.replace("  version: '0.2'\n", "  version: '0.2' # the version\n")), 2);
    notCanonical(
      bytes(FULL.replace("  version: '0.2'\n  suite: 'modern'\n", "  suite: 'modern'\n  version: '0.2'\n")),
      2,
    );
    notCanonical(bytes(FULL.replace("  version: '0.2'\n", '  version: "0.2"\n')), 2);
    notCanonical(bytes(FULL.replace("  version: '0.2'\n", "  version:  '0.2'\n")), 2);
    notCanonical(bytes(FULL.replace("  version: '0.2'\n", "  version: '0.2'  \n")), 2);
    notCanonical(bytes(`${FULL}\n`), count + 1);
    notCanonical(bytes(FULL.slice(0, -1)), count);
    notCanonical(bytes(`---\n${FULL}`), 1);
    notCanonical(bytes(FULL.replaceAll('\n', '\r\n')), 1);
  });

  it('refuses the hand-written fixture, and reports parse errors before the canonical check', () => {
    assert.throws(() => parseCanonicalTxFile(fixture('valid-noncanonical.yaml.txt')), {
      code: ErrorCode.NotCanonical,
    });
    assert.throws(() => parseCanonicalTxFile(bytes(`${FULL}  extra: 'x'\n`)), {
      code: ErrorCode.UnknownField,
    });
    assert.throws(() => parseCanonicalTxFile(bytes('transaction: [unclosed\n')), {
      code: ErrorCode.YamlSyntax,
    });
  });
});
