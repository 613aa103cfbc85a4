/** serializeTxFile / canonicalSigningBytes / canonicalDigestBytes: golden bytes, round trip, determinism, quoting. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesEqual } from '../src/bytes.ts';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import type { TxFile } from '../src/tx-file/schema.ts';
import { canonicalDigestBytes, canonicalSigningBytes, serializeTxFile } from '../src/tx-file/serialize.ts';
import { shuffleKeys, txFile } from './fixtures/tx-file/arbitrary.ts';

const FIXTURES = new URL('./fixtures/tx-file/', import.meta.url);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const decode = (data: Uint8Array): string => new TextDecoder().decode(data);

const SEED = 0x5e71a1;
const RUNS = 300;

const FULL_BYTES = fixture('valid-full.yaml.txt');
const FULL = parseTxFile(FULL_BYTES);
const MINIMAL = parseTxFile(fixture('valid-minimal.yaml.txt'));

function expectError(run: () => unknown, code: ErrorCode, field: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError, String(error));
    assert.deepEqual({ code: error.code, field: error.field }, { code, field });
    return true;
  });
}

describe('serializeTxFile', () => {
  it('reproduces the canonical fixtures byte for byte', () => {
    assert.equal(decode(serializeTxFile(FULL)), decode(FULL_BYTES));
    assert.equal(decode(serializeTxFile(MINIMAL)), decode(fixture('valid-minimal.yaml.txt')));
    assert.equal(
      decode(serializeTxFile(parseTxFile(fixture('valid-noncanonical.yaml.txt')))),
      decode(serializeTxFile(MINIMAL)),
    );
  });

  it('round-trips: parse(serialize(x)) deep-equals x, and re-serializing gives the same bytes', () => {
    fc.assert(
      fc.property(txFile, (tx) => {
        const first = serializeTxFile(tx);
        const parsed = parseTxFile(first);
        assert.deepEqual(parsed, tx);
        assert.ok(bytesEqual(serializeTxFile(parsed), first));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('does not depend on the key order of its input', () => {
    fc.assert(
      fc.property(txFile, fc.integer(), (tx, seed) => {
        assert.ok(bytesEqual(serializeTxFile(shuffleKeys(tx, seed)), serializeTxFile(tx)));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('writes the canonical layout: LF, trailing newline, 2-space block style, quoted strings, plain integers', () => {
    fc.assert(
      fc.property(txFile, (tx) => {
        const text = decode(serializeTxFile(tx));
        assert.ok(text.startsWith(`transaction:\n  version: '${tx.version}'\n`));
        assert.ok(text.endsWith('\n') && !text.endsWith('\n\n'));
        assert.ok(!text.includes('\r') && !text.includes('\t') && !text.includes('{') && !text.includes('['));
        for (const line of text.slice(0, -1).split('\n')) {
          const indent = /^ */.exec(line)![0].length;
          assert.equal(indent % 2, 0, line);
          // Every line: `key:` opening a block, `key: 'string'`, `key: 123` (heights and lastblock only),
          // each optionally behind a list dash.
          const match = /^ *(?:- )?([a-z0-9]+):(?: ('(?:[^']|'')*'|[0-9]+))?$/.exec(line);
          assert.ok(match, `not canonical: ${line}`);
          if (match[2] !== undefined && !match[2].startsWith("'")) {
            assert.ok(['height', 'lastblock'].includes(match[1]!), line);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('keeps strings that look like numbers, booleans or null as strings', () => {
    const tricky: TxFile = {
      ...MINIMAL,
      key: 'null',
      recipient: { ciphertext: '1234', sha512hash: '1'.repeat(128) },
      state: { before: '0'.repeat(128), after: '12'.repeat(64) },
      sender: [{ ...MINIMAL.sender[0]!, ciphertext: 'true', signature: 'TRUE' }],
    };
    const text = decode(serializeTxFile(tricky));
    assert.match(text, /\n {2}key: 'null'\n/);
    assert.match(text, /\n {4}ciphertext: '1234'\n/);
    assert.match(text, new RegExp(`\\n {4}before: '${'0'.repeat(128)}'\\n`));
    assert.deepEqual(parseTxFile(serializeTxFile(tricky)), tricky);
  });

  it('writes integers plain and unquoted', () => {
    const text = decode(serializeTxFile(FULL));
    assert.match(text, /\n {6}height: 1299990\n/);
    assert.match(text, /\n {4}lastblock: 1300200\n/);
  });

  it('omits absent optional fields and treats undefined ones as absent', () => {
    const withUndefined = {
      ...MINIMAL,
      voting: undefined,
      message: { ...MINIMAL.message, header: undefined },
    };
    const text = decode(serializeTxFile(withUndefined));
    assert.ok(!text.includes('voting') && !text.includes('header') && !text.includes('undefined'));
    assert.equal(text, decode(serializeTxFile(MINIMAL)));
  });

  it('validates its input like the parser does', () => {
    expectError(
      () => serializeTxFile({ ...MINIMAL, state: { ...MINIMAL.state, before: 'AB'.repeat(64) } }),
      ErrorCode.BadFormat,
      'transaction.state.before',
    );
    expectError(
      () => serializeTxFile({ ...MINIMAL, sender: [] }),
      ErrorCode.OutOfRange,
      'transaction.sender',
    );
    expectError(
      () => serializeTxFile({ ...MINIMAL, version: '0.3' as '0.2' }),
      ErrorCode.UnknownVersion,
      'transaction.version',
    );
    expectError(
      () => serializeTxFile({ ...MINIMAL, extra: 1 } as TxFile),
      ErrorCode.UnknownField,
      'transaction.extra',
    );
    expectError(() => serializeTxFile({ ...MINIMAL, key: "it's" }), ErrorCode.BadFormat, 'transaction.key');
    const lastblock = { ...MINIMAL.blockchain.lastblock, height: 1.5 };
    expectError(
      () => serializeTxFile({ ...MINIMAL, blockchain: { ...MINIMAL.blockchain, lastblock } }),
      ErrorCode.BadFormat,
      'transaction.blockchain.lastblock.height',
    );
  });
});

describe('canonicalSigningBytes', () => {
  it('is pinned: the full fixture gives exactly the golden signing bytes', () => {
    assert.equal(decode(canonicalSigningBytes(FULL)), decode(fixture('valid-full.signing.yaml.txt')));
  });

  it('equals the canonical form with state.after, client.signature and sender signatures set to empty', () => {
    const text = decode(canonicalSigningBytes(FULL));
    const expected = decode(serializeTxFile(FULL))
      .replace(`after: '${FULL.state.after}'`, "after: ''")
      .replace(`signature: '${FULL.client.signature}'`, "signature: ''")
      .replace(`signature: '${FULL.sender[0]!.signature}'`, "signature: ''")
      .replace(`signature: '${FULL.sender[1]!.signature}'`, "signature: ''");
    assert.equal(text, expected);
  });

  it('ignores the blanked fields (any value, or missing) and depends on every other field', () => {
    fc.assert(
      fc.property(txFile, txFile, (tx, other) => {
        const signing = canonicalSigningBytes(tx);
        const resigned: TxFile = {
          ...tx,
          state: { ...tx.state, after: other.state.after },
          client: { ...tx.client, signature: other.client.signature },
          sender: tx.sender.map((sender) => ({ ...sender, signature: other.sender[0]!.signature })),
        };
        assert.ok(bytesEqual(canonicalSigningBytes(resigned), signing));
        const unsigned = {
          ...tx,
          state: { before: tx.state.before },
          client: { id: tx.client.id, sha512hash: tx.client.sha512hash },
          sender: tx.sender.map(({ ciphertext, sha512hash }) => ({ ciphertext, sha512hash })),
        } as unknown as TxFile;
        assert.ok(bytesEqual(canonicalSigningBytes(unsigned), signing));
        if (other.state.before !== tx.state.before) {
          assert.ok(
            !bytesEqual(
              canonicalSigningBytes({ ...tx, state: { ...tx.state, before: other.state.before } }),
              signing,
            ),
          );
        }
        if (other.key !== tx.key)
          assert.ok(!bytesEqual(canonicalSigningBytes({ ...tx, key: other.key }), signing));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('still validates everything else', () => {
    expectError(() => canonicalSigningBytes({ ...MINIMAL, key: '' }), ErrorCode.BadFormat, 'transaction.key');
    expectError(
      () => canonicalSigningBytes({ ...MINIMAL, sender: [] }),
      ErrorCode.OutOfRange,
      'transaction.sender',
    );
  });
});

describe('canonicalDigestBytes', () => {
  it('is pinned: the full fixture gives exactly the golden digest bytes', () => {
    assert.equal(decode(canonicalDigestBytes(FULL)), decode(fixture('valid-full.digest.yaml.txt')));
  });

  it('equals the canonical form with client.signature and sender signatures empty, and state.after kept', () => {
    const expected = decode(serializeTxFile(FULL))
      .replace(`signature: '${FULL.client.signature}'`, "signature: ''")
      .replace(`signature: '${FULL.sender[0]!.signature}'`, "signature: ''")
      .replace(`signature: '${FULL.sender[1]!.signature}'`, "signature: ''");
    assert.equal(decode(canonicalDigestBytes(FULL)), expected);
    assert.ok(expected.includes(`after: '${FULL.state.after}'`));
  });

  it('ignores the signatures (any value, or missing) and depends on state.after and every other field', () => {
    fc.assert(
      fc.property(txFile, txFile, (tx, other) => {
        const digest = canonicalDigestBytes(tx);
        const resigned: TxFile = {
          ...tx,
          client: { ...tx.client, signature: other.client.signature },
          sender: tx.sender.map((sender) => ({ ...sender, signature: other.sender[0]!.signature })),
        };
        assert.ok(bytesEqual(canonicalDigestBytes(resigned), digest));
        const unsigned = {
          ...tx,
          client: { id: tx.client.id, sha512hash: tx.client.sha512hash },
          sender: tx.sender.map(({ ciphertext, sha512hash }) => ({ ciphertext, sha512hash })),
        } as unknown as TxFile;
        assert.ok(bytesEqual(canonicalDigestBytes(unsigned), digest));
        if (other.state.after !== tx.state.after) {
          const moved = { ...tx, state: { ...tx.state, after: other.state.after } };
          assert.ok(!bytesEqual(canonicalDigestBytes(moved), digest));
        }
        if (other.key !== tx.key)
          assert.ok(!bytesEqual(canonicalDigestBytes({ ...tx, key: other.key }), digest));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('needs state.after (it is covered, not blanked)', () => {
    const { before } = MINIMAL.state;
    expectError(
      () => canonicalDigestBytes({ ...MINIMAL, state: { before } } as unknown as TxFile),
      ErrorCode.MissingField,
      'transaction.state.after',
    );
  });
});
