/**
 * parseTxFile: one valid file parses; every refusal has a stable code and names its field.
 * Most cases edit one line of the canonical fixture, so each test breaks exactly one rule.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import { DEFAULT_TX_FILE_LIMITS, resolveTxFileLimits } from '../src/tx-file/limits.ts';
import type { TxFileLimits } from '../src/tx-file/limits.ts';
import { parseTxFile } from '../src/tx-file/parse.ts';
import { serializeTxFile } from '../src/tx-file/serialize.ts';
import { validateTxFile } from '../src/tx-file/validate.ts';

const FIXTURES = new URL('./fixtures/tx-file/', import.meta.url);
const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const fixtureText = (name: string): string => new TextDecoder().decode(fixtureBytes(name));
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

const FULL = fixtureText('valid-full.yaml.txt');
const MINIMAL = fixtureText('valid-minimal.yaml.txt');

function expectError(
  input: string | Uint8Array,
  code: ErrorCode,
  field: string,
  limits?: Partial<TxFileLimits>,
): ProtocolError {
  let caught: unknown;
  try {
    parseTxFile(typeof input === 'string' ? bytes(input) : input, limits);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof ProtocolError,
    `expected a ProtocolError ${code} ${field}, got ${String(caught)}`,
  );
  assert.deepEqual({ code: caught.code, field: caught.field }, { code, field }, caught.message);
  return caught;
}

/**
 * Asserts that the parser refused `text` at most `maxOffset` characters in, by the "at LINE:COLUMN"
 * its message ends with: a bomb is refused where it passes a limit, without reading (or building)
 * the rest. Work, not time, so the check means the same on a busy machine.
 */
function assertStoppedWithin(error: ProtocolError, text: string, maxOffset: number): void {
  const at = /at (\d+):(\d+)\D*$/.exec(error.message);
  assert.ok(at !== null, `no position in ${JSON.stringify(error.message)}`);
  const [line, column] = [Number(at[1]), Number(at[2])];
  let offset = 0;
  for (let l = 1; l < line; l++) offset = text.indexOf('\n', offset) + 1;
  offset += column - 1;
  assert.ok(
    offset <= maxOffset && offset < text.length / 10,
    `refused at offset ${offset} of ${text.length} (${error.message}); expected within ${maxOffset}`,
  );
}

/** Replaces exactly one occurrence of `from` (a whole line of the fixture, or part of one). */
function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  assert.ok(
    at >= 0 && text.indexOf(from, at + 1) < 0,
    `fixture must contain ${JSON.stringify(from)} exactly once`,
  );
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The whole line of `text` that contains `marker`, newline excluded. */
function lineWith(text: string, marker: string): string {
  const line = text.split('\n').find((l) => l.includes(marker));
  assert.ok(line !== undefined, `no line with ${marker}`);
  return line;
}

/** The first sender's signature line (the sender list is the last block of the canonical form). */
function senderSignature(text: string): string {
  const senders = text.slice(text.indexOf('  sender:\n'));
  return lineWith(senders, '      signature:');
}

const HASH = 'ab'.repeat(64);

describe('parseTxFile: valid files', () => {
  it('still reads a v0.1 file (the legacy version), and writes it back byte for byte', () => {
    const legacy = fixtureBytes('valid-minimal-v0.1.yaml.txt');
    const tx = parseTxFile(legacy);
    assert.equal(tx.version, '0.1');
    assert.deepEqual(serializeTxFile(tx), legacy);
    assert.deepEqual({ ...tx, version: '0.2' }, parseTxFile(fixtureBytes('valid-minimal.yaml.txt')));
  });

  it('parses the full canonical fixture into a plain TxFile', () => {
    const tx = parseTxFile(fixtureBytes('valid-full.yaml.txt'));
    assert.equal(tx.version, '0.2');
    assert.equal(tx.suite, 'modern');
    assert.equal(tx.sender.length, 2);
    assert.equal(tx.message.attachment?.length, 2);
    assert.equal(tx.voting?.option.length, 2);
    assert.equal(tx.voting.lastblock, 1300200);
    assert.equal(tx.blockchain.lastblock.height, 1299990);
    assert.equal(tx.blockchain.trustedblock.height, 1299980);
    assert.equal(Object.getPrototypeOf(tx), Object.prototype);
    assert.equal(Object.getPrototypeOf(tx.message), Object.prototype);
    assert.deepEqual(Object.keys(tx), [
      'version',
      'suite',
      'key',
      'client',
      'recipient',
      'message',
      'voting',
      'vote',
      'blockchain',
      'state',
      'sender',
    ]);
  });

  it('leaves optional fields absent, not undefined', () => {
    const tx = parseTxFile(bytes(MINIMAL));
    assert.ok(!('voting' in tx) && !('vote' in tx));
    assert.deepEqual(Object.keys(tx.message), ['data']);
    assert.ok(!('description' in parseTxFile(bytes(FULL)).voting!.option[1]!));
    assert.ok(!('headerhash' in parseTxFile(bytes(FULL)).message.forwarded!));
  });

  it('reads a hand-written, non-canonical file (CRLF, flow style, comments, single sender) as the same TxFile', () => {
    assert.deepEqual(parseTxFile(fixtureBytes('valid-noncanonical.yaml.txt')), parseTxFile(bytes(MINIMAL)));
  });

  it('accepts a leading document marker, a document end marker and trailing comments', () => {
    const tx = parseTxFile(bytes(MINIMAL));
    assert.deepEqual(parseTxFile(bytes(`---\n${MINIMAL}...\n# done\n`)), tx);
  });

  it('accepts one mapping where a list is canonical (sender, attachment)', () => {
    const attachment = [
      '    attachment:',
      `      ciphertext: 'AAAA'`,
      `      sha512hash: '${HASH}'`,
      '  blockchain:',
    ].join('\n');
    const tx = parseTxFile(bytes(edit(MINIMAL, '  blockchain:', attachment)));
    assert.deepEqual(tx.message.attachment, [{ ciphertext: 'AAAA', sha512hash: HASH }]);
  });

  it('re-serializes the full fixture to the same bytes', () => {
    assert.equal(new TextDecoder().decode(serializeTxFile(parseTxFile(bytes(FULL)))), FULL);
  });
});

describe('parseTxFile: input envelope', () => {
  it('rejects 1 MiB + 1 byte as TOO_LARGE before looking at it (even if it is not UTF-8)', () => {
    const input = new Uint8Array(DEFAULT_TX_FILE_LIMITS.maxBytes + 1).fill(0xff);
    expectError(input, ErrorCode.TooLarge, '-');
  });

  it('accepts exactly 1 MiB as far as size goes', () => {
    const input = bytes(`#${'x'.repeat(DEFAULT_TX_FILE_LIMITS.maxBytes - 1)}`);
    assert.equal(input.byteLength, DEFAULT_TX_FILE_LIMITS.maxBytes);
    expectError(input, ErrorCode.WrongType, '-'); // a comment only: no document content
  });

  it('honours a configured maxBytes', () => {
    const input = bytes(FULL);
    expectError(input, ErrorCode.TooLarge, '-', { maxBytes: input.byteLength - 1 });
    assert.equal(parseTxFile(input, { maxBytes: input.byteLength }).version, '0.2');
  });

  for (const [name, input] of [
    ['a stray continuation byte', Uint8Array.of(0x80)],
    ['an invalid lead byte', Uint8Array.of(0x74, 0xff)],
    ['an overlong encoding', Uint8Array.of(0xc0, 0xaf)],
    ['an encoded surrogate', Uint8Array.of(0xed, 0xa0, 0x80)],
    ['a truncated sequence', Uint8Array.of(0xe2, 0x82)],
  ] as const) {
    it(`rejects ${name} as NOT_UTF8`, () => {
      expectError(input, ErrorCode.NotUtf8, '-');
    });
  }

  it('rejects a UTF-8 byte-order mark at the start or anywhere else', () => {
    expectError(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes(MINIMAL)), ErrorCode.ByteOrderMark, '-');
    const error = expectError(
      edit(MINIMAL, "version: '0.2'", "version: '0.2\uFEFF'"),
      ErrorCode.ByteOrderMark,
      '-',
    );
    assert.match(error.message, /at 2:/);
  });

  for (const [name, char] of [
    ['NUL', '\0'],
    ['ESC', '\x1b'],
    ['vertical tab', '\v'],
    ['DEL', '\x7f'],
    ['NEL (U+0085)', '\x85'],
    ['LINE SEPARATOR (U+2028)', '\u2028'],
    ['PARAGRAPH SEPARATOR (U+2029)', '\u2029'],
    ['U+FFFF', '\uffff'],
    ['a lone CR', '\r'],
  ] as const) {
    it(`rejects ${name} as FORBIDDEN_CHARACTER`, () => {
      const error = expectError(
        edit(MINIMAL, "suite: 'modern'", `suite: 'mod${char}ern'`),
        ErrorCode.ForbiddenCharacter,
        '-',
      );
      assert.match(error.message, /at 3:14/);
    });
  }

  it('allows tabs inside scalars and comments, and CRLF line ends', () => {
    const tx = parseTxFile(bytes(`${MINIMAL.replaceAll('\n', '\r\n')}#\tcomment\r\n`));
    assert.deepEqual(tx, parseTxFile(bytes(MINIMAL)));
  });
});

describe('parseTxFile: YAML safety', () => {
  const invalid = (name: string): Uint8Array => fixtureBytes(`invalid/${name}.yaml.txt`);

  for (const [file, code, field] of [
    ['billion-laughs', ErrorCode.YamlAnchor, '-'],
    ['alias-only', ErrorCode.YamlAlias, '-'],
    ['merge-key', ErrorCode.YamlMergeKey, '-'],
    ['tag-binary', ErrorCode.YamlTag, '-'],
    ['tag-local', ErrorCode.YamlTag, '-'],
    ['directive', ErrorCode.YamlDirective, '-'],
    ['tag-directive', ErrorCode.YamlDirective, '-'],
    ['multiple-documents', ErrorCode.YamlMultipleDocuments, '-'],
    ['duplicate-key', ErrorCode.YamlDuplicateKey, 'transaction.suite'],
    ['duplicate-key-quoted', ErrorCode.YamlDuplicateKey, 'transaction.version'],
    ['syntax-unclosed-quote', ErrorCode.YamlSyntax, '-'],
    ['syntax-tab-indent', ErrorCode.YamlSyntax, '-'],
    ['unknown-version', ErrorCode.UnknownVersion, 'transaction.version'],
    ['yaml11-version', ErrorCode.UnknownVersion, 'transaction.version'],
    ['yaml11-suite', ErrorCode.UnknownSuite, 'transaction.suite'],
    ['root-list', ErrorCode.WrongType, '-'],
    ['empty', ErrorCode.WrongType, '-'],
  ] as const) {
    it(`fixture invalid/${file} → ${code} ${field}`, () => {
      expectError(invalid(file), code, field);
    });
  }

  it('rejects the billion-laughs file at its first anchor, without expanding anything', () => {
    const error = expectError(invalid('billion-laughs'), ErrorCode.YamlAnchor, '-');
    assert.match(error.message, /"&a" at 2:4/);
  });

  it('rejects an anchor on an otherwise valid value', () => {
    expectError(edit(MINIMAL, "suite: 'modern'", "suite: &s 'modern'"), ErrorCode.YamlAnchor, '-');
  });

  it('rejects an anchor on a collection and an alias in flow context', () => {
    expectError(edit(MINIMAL, '  client:\n', '  client: &c\n'), ErrorCode.YamlAnchor, '-');
    expectError('transaction: [*x]\n', ErrorCode.YamlAlias, '-');
  });

  for (const tag of ['!!str', '!!binary', '!!int', '!foo', '!', '!<tag:yaml.org,2002:str>', '!e!x']) {
    it(`rejects the tag ${tag}`, () => {
      expectError(edit(MINIMAL, "suite: 'modern'", `suite: ${tag} 'modern'`), ErrorCode.YamlTag, '-');
    });
  }

  it('rejects merge keys in block, flow and explicit-key form (a quoted "<<" is just an unknown key)', () => {
    expectError(
      edit(MINIMAL, "  suite: 'modern'\n", "  suite: 'modern'\n  << : {}\n"),
      ErrorCode.YamlMergeKey,
      '-',
    );
    expectError('transaction: {<<: {}}\n', ErrorCode.YamlMergeKey, '-');
    expectError(
      edit(MINIMAL, "  suite: 'modern'\n", "  suite: 'modern'\n  ? <<\n  : {}\n"),
      ErrorCode.YamlMergeKey,
      'transaction["<<"]',
    );
    expectError(
      edit(MINIMAL, "  suite: 'modern'\n", "  suite: 'modern'\n  '<<': {}\n"),
      ErrorCode.UnknownField,
      'transaction["<<"]',
    );
  });

  it('rejects %YAML and %TAG directives', () => {
    expectError(`%YAML 1.2\n---\n${MINIMAL}`, ErrorCode.YamlDirective, '-');
    expectError(`%TAG ! tag:example.com,2000:\n---\n${MINIMAL}`, ErrorCode.YamlDirective, '-');
  });

  it('rejects a second document, even an empty one', () => {
    expectError(`${MINIMAL}---\n${MINIMAL}`, ErrorCode.YamlMultipleDocuments, '-');
    expectError(`${MINIMAL}---\n`, ErrorCode.YamlMultipleDocuments, '-');
    expectError(`${MINIMAL}...\n---\n`, ErrorCode.YamlMultipleDocuments, '-');
  });

  it('rejects 100,000 open brackets at the 17th level, without a stack overflow or reading on', () => {
    for (const bomb of [
      '['.repeat(100_000),
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      '{a: '.repeat(100_000),
    ]) {
      const error = expectError(bomb, ErrorCode.TooDeep, '-');
      assertStoppedWithin(error, bomb, 17 * 4);
    }
  });

  it('rejects deep block nesting (compact and indented) where it passes the limit', () => {
    let indented = '';
    for (let i = 0; i < 1400; i++) indented += `${' '.repeat(i)}k:\n`;
    let mixed = '';
    for (let line = 0, indent = 0; line < 200; line++, indent += 32)
      mixed += `${' '.repeat(indent)}${'- '.repeat(16)}\n`;
    for (const bomb of [
      `${'- '.repeat(400_000)}x\n`,
      `${'? '.repeat(400_000)}x\n`,
      indented,
      `${mixed}x\ny: 1\n`,
    ]) {
      const error = expectError(bomb, ErrorCode.TooDeep, '-');
      // The indented bomb passes the limit on its 18th line (~200 characters in); the others sooner.
      assertStoppedWithin(error, bomb, 1_000);
    }
  });

  it('accepts exactly maxDepth levels and refuses one more', () => {
    const nest = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    expectError(nest(16), ErrorCode.WrongType, '-'); // parsed fine; a list is not a transaction-file
    expectError(nest(17), ErrorCode.TooDeep, '-');
    const full = bytes(FULL); // root, transaction, voting, option list, option, title: 6 levels
    assert.equal(parseTxFile(full, { maxDepth: 6 }).version, '0.2');
    const error = expectError(full, ErrorCode.TooDeep, '-', { maxDepth: 5 });
    assert.match(error.message, /transaction\.voting\.option\[0\]\.title/);
  });

  it('rejects more than maxNodes nodes, counting keys, values, items and collections', () => {
    expectError(`[${'a,'.repeat(10_001)}]`, ErrorCode.TooManyNodes, '-');
    expectError('-\n'.repeat(10_001), ErrorCode.TooManyNodes, '-');
    expectError(Array.from({ length: 5_001 }, (_, i) => `k${i}: v`).join('\n'), ErrorCode.TooManyNodes, '-');
    expectError(bytes(FULL), ErrorCode.TooManyNodes, '-', { maxNodes: 100 });
    assert.equal(parseTxFile(bytes(FULL), { maxNodes: 200 }).version, '0.2');
  });

  it('bounds the work on content-free input too (a megabyte of comment lines)', () => {
    const text = '#\n'.repeat(500_000);
    const error = expectError(text, ErrorCode.TooManyNodes, '-');
    assert.match(error.message, /tokens/);
    // Stopped at the token limit (80,000 tokens, two per comment line), not at the end of the text.
    assertStoppedWithin(error, text, 80_002 * 2);
  });

  it('names the path of a duplicate key, also inside lists and at the root', () => {
    const sig = senderSignature(MINIMAL);
    expectError(
      edit(MINIMAL, sig, `${sig}\n${sig}`),
      ErrorCode.YamlDuplicateKey,
      'transaction.sender[0].signature',
    );
    expectError(`${MINIMAL}transaction: {}\n`, ErrorCode.YamlDuplicateKey, 'transaction');
    expectError(
      'transaction: {version: a, "version": b}\n',
      ErrorCode.YamlDuplicateKey,
      'transaction.version',
    );
  });

  it('reports syntax errors with line:column', () => {
    const broken = edit(MINIMAL, '  client:\n', '  client:\n      oops: [\n');
    const error = expectError(broken, ErrorCode.YamlSyntax, '-');
    assert.match(error.message, /^YAML syntax error at \d+:\d+: /);
    const tab = expectError('transaction:\n\tversion: 1\n', ErrorCode.YamlSyntax, '-');
    assert.match(tab.message, /at 2:1: Tabs/);
  });

  it('treats keys that are collections as WRONG_TYPE', () => {
    expectError('transaction:\n  ? [a]\n  : b\n', ErrorCode.WrongType, 'transaction');
    expectError('{[a]: b}\n', ErrorCode.WrongType, '-');
  });

  it('keeps a __proto__ key a plain unknown field', () => {
    expectError(
      edit(MINIMAL, "  suite: 'modern'\n", "  suite: 'modern'\n  __proto__: {}\n"),
      ErrorCode.UnknownField,
      'transaction.__proto__',
    );
    expectError(`${MINIMAL}__proto__: x\n`, ErrorCode.UnknownField, '__proto__');
  });
});

describe('parseTxFile: YAML 1.1 and core-schema traps stay text', () => {
  const height = lineWith(MINIMAL, 'height: 1299990');

  for (const trap of [
    '0x10',
    '1e5',
    '~',
    '.inf',
    '-.inf',
    '.nan',
    'null',
    '1_000',
    '0o17',
    '017',
    '+5',
    '1.0',
    '12:30',
    '',
    "'-0'",
  ]) {
    it(`height: ${trap} → BAD_FORMAT`, () => {
      expectError(
        edit(MINIMAL, height, `      height: ${trap}`),
        ErrorCode.BadFormat,
        'transaction.blockchain.lastblock.height',
      );
    });
  }

  for (const trap of ['yes', 'no', 'on', 'off', 'true', 'y', 'null', '~']) {
    it(`suite: ${trap} → UNKNOWN_SUITE`, () => {
      expectError(
        edit(MINIMAL, "suite: 'modern'", `suite: ${trap}`),
        ErrorCode.UnknownSuite,
        'transaction.suite',
      );
    });
  }

  it('a header given as ~ or empty is a scalar, so WRONG_TYPE (never "absent")', () => {
    expectError(
      edit(MINIMAL, '  message:\n', '  message:\n    header: ~\n'),
      ErrorCode.WrongType,
      'transaction.message.header',
    );
    expectError(
      edit(MINIMAL, '  message:\n', '  message:\n    header:\n'),
      ErrorCode.WrongType,
      'transaction.message.header',
    );
  });

  it('plain words and digits that other schemas coerce are read as the strings they are', () => {
    const line = lineWith(MINIMAL, '    ciphertext:');
    for (const word of ['null', 'true', '1234', 'NaN+']) {
      const tx = parseTxFile(bytes(edit(MINIMAL, line, `    ciphertext: ${word}`)));
      assert.equal(tx.recipient.ciphertext, word);
    }
    const digits = '1'.repeat(128);
    const tx = parseTxFile(bytes(edit(MINIMAL, lineWith(MINIMAL, '    before:'), `    before: ${digits}`)));
    assert.equal(tx.state.before, digits);
    assert.equal(parseTxFile(bytes(edit(MINIMAL, "version: '0.2'", 'version: 0.2'))).version, '0.2');
  });

  it('an integer may be quoted; it is still read from its canonical decimal text', () => {
    const tx = parseTxFile(bytes(edit(MINIMAL, height, "      height: '1299990'")));
    assert.equal(tx.blockchain.lastblock.height, 1299990);
  });
});

describe('parseTxFile: schema', () => {
  it('root: a mapping with exactly the key transaction', () => {
    expectError('just text\n', ErrorCode.WrongType, '-');
    expectError('other: 1\n', ErrorCode.MissingField, 'transaction');
    expectError('transaction: text\n', ErrorCode.WrongType, 'transaction');
    expectError('transaction: [a]\n', ErrorCode.WrongType, 'transaction');
    expectError(`${MINIMAL}extra: 1\n`, ErrorCode.UnknownField, 'extra');
    expectError(`${MINIMAL}"odd.key": 1\n`, ErrorCode.UnknownField, '["odd.key"]');
  });

  it('checks the version before any other rule', () => {
    expectError(
      "transaction:\n  version: '0.3'\n  nonsense: [1]\nmore: x\n",
      ErrorCode.UnknownVersion,
      'transaction.version',
    );
    expectError(
      edit(MINIMAL, "version: '0.2'", "version: '1.0'"),
      ErrorCode.UnknownVersion,
      'transaction.version',
    );
    expectError(
      edit(MINIMAL, "version: '0.2'", 'version: [0.2]'),
      ErrorCode.WrongType,
      'transaction.version',
    );
    expectError(edit(MINIMAL, "  version: '0.2'\n", ''), ErrorCode.MissingField, 'transaction.version');
  });

  it('UNKNOWN_SUITE for a suite this reader does not know', () => {
    expectError(
      edit(MINIMAL, "suite: 'modern'", "suite: 'rsa-2048'"),
      ErrorCode.UnknownSuite,
      'transaction.suite',
    );
    expectError(edit(MINIMAL, "  suite: 'modern'\n", ''), ErrorCode.MissingField, 'transaction.suite');
  });

  it('MISSING_FIELD names the missing field', () => {
    expectError(
      edit(MINIMAL, lineWith(MINIMAL, '  key:') + '\n', ''),
      ErrorCode.MissingField,
      'transaction.key',
    );
    const data = [
      '    data:',
      lineWith(MINIMAL, '      ciphertext:'),
      lineWith(MINIMAL, '      sha512hash:'),
    ].join('\n');
    const withHeader = edit(MINIMAL, data, data.replace('data:', 'header:'));
    expectError(withHeader, ErrorCode.MissingField, 'transaction.message.data');
    const signatures = FULL.split('\n').filter((l) => l.startsWith('      signature:'));
    expectError(
      edit(FULL, `${signatures.at(-1)!}\n`, ''),
      ErrorCode.MissingField,
      'transaction.sender[1].signature',
    );
    expectError(
      edit(FULL, lineWith(FULL, '    lastblock: 1300200') + '\n', ''),
      ErrorCode.MissingField,
      'transaction.voting.lastblock',
    );
    expectError(
      edit(FULL, lineWith(FULL, '      datahash:') + '\n', ''),
      ErrorCode.MissingField,
      'transaction.message.regarding.datahash',
    );
  });

  it('UNKNOWN_FIELD anywhere, with the path', () => {
    expectError(
      edit(MINIMAL, "  suite: 'modern'\n", "  suite: 'modern'\n  extra: x\n"),
      ErrorCode.UnknownField,
      'transaction.extra',
    );
    const sig = senderSignature(MINIMAL);
    expectError(
      edit(MINIMAL, sig, `${sig}\n      colour: blue`),
      ErrorCode.UnknownField,
      'transaction.sender[0].colour',
    );
    expectError(
      edit(MINIMAL, '  message:\n', '  message:\n    body: {}\n'),
      ErrorCode.UnknownField,
      'transaction.message.body',
    );
    expectError(
      edit(FULL, '    option:\n      - title:', '    option:\n      - weight: 1\n        title:'),
      ErrorCode.UnknownField,
      'transaction.voting.option[0].weight',
    );
  });

  it('WRONG_TYPE when a mapping, list or scalar is where another is expected', () => {
    const messageBlock = MINIMAL.slice(MINIMAL.indexOf('  message:\n'), MINIMAL.indexOf('  blockchain:\n'));
    expectError(
      edit(MINIMAL, messageBlock, '  message: hello\n'),
      ErrorCode.WrongType,
      'transaction.message',
    );
    expectError(
      edit(MINIMAL, messageBlock, '  message: [a, b]\n'),
      ErrorCode.WrongType,
      'transaction.message',
    );
    expectError(
      edit(MINIMAL, lineWith(MINIMAL, '  key:'), '  key: {a: b}'),
      ErrorCode.WrongType,
      'transaction.key',
    );
    expectError(
      edit(MINIMAL, lineWith(MINIMAL, '  key:'), '  key: [AAAA]'),
      ErrorCode.WrongType,
      'transaction.key',
    );
    const senderBlock = MINIMAL.slice(MINIMAL.indexOf('  sender:\n'));
    expectError(edit(MINIMAL, senderBlock, '  sender: someone\n'), ErrorCode.WrongType, 'transaction.sender');
    expectError(
      edit(MINIMAL, senderBlock, '  sender: [someone]\n'),
      ErrorCode.WrongType,
      'transaction.sender[0]',
    );
  });

  it('BAD_FORMAT for hashes, block ids, client ids and base64', () => {
    const before = lineWith(MINIMAL, '    before:');
    expectError(
      edit(MINIMAL, before, `    before: '${'AB'.repeat(64)}'`),
      ErrorCode.BadFormat,
      'transaction.state.before',
    );
    expectError(
      edit(MINIMAL, before, `    before: '${'a'.repeat(127)}'`),
      ErrorCode.BadFormat,
      'transaction.state.before',
    );
    expectError(
      edit(MINIMAL, before, `    before: '${'a'.repeat(129)}'`),
      ErrorCode.BadFormat,
      'transaction.state.before',
    );
    expectError(
      edit(MINIMAL, before, `    before: ' ${'a'.repeat(128)}'`),
      ErrorCode.BadFormat,
      'transaction.state.before',
    );
    const block = lineWith(MINIMAL, "      signature: '280bb8e5");
    expectError(
      edit(MINIMAL, block, `      signature: '0x${'a'.repeat(64)}'`),
      ErrorCode.BadFormat,
      'transaction.blockchain.lastblock.signature',
    );
    expectError(
      edit(MINIMAL, block, `      signature: '${'a'.repeat(128)}'`),
      ErrorCode.BadFormat,
      'transaction.blockchain.lastblock.signature',
    );
    expectError(
      edit(MINIMAL, lineWith(MINIMAL, '    id:'), "    id: 'xyz'"),
      ErrorCode.BadFormat,
      'transaction.client.id',
    );
    const ciphertext = lineWith(MINIMAL, '    ciphertext:');
    for (const bad of [
      "''",
      'QQ',
      'QQ=',
      'QR==',
      'QUJD\n      REVG',
      "'QUJD REVG'",
      'QUJD-_==',
      "'QUJD\\n'",
      'QQ==QQ==',
    ]) {
      expectError(
        edit(MINIMAL, ciphertext, `    ciphertext: ${bad}`),
        ErrorCode.BadFormat,
        'transaction.recipient.ciphertext',
      );
    }
    const voteOption = lineWith(FULL, "    option: '");
    expectError(edit(FULL, voteOption, '    option: yes'), ErrorCode.BadFormat, 'transaction.vote.option');
  });

  it('OUT_OF_RANGE for negative and unsafe integers', () => {
    const height = lineWith(MINIMAL, 'height: 1299990');
    const at = 'transaction.blockchain.lastblock.height';
    expectError(edit(MINIMAL, height, '      height: -1'), ErrorCode.OutOfRange, at);
    expectError(edit(MINIMAL, height, '      height: 9007199254740992'), ErrorCode.OutOfRange, at);
    expectError(edit(MINIMAL, height, `      height: ${'9'.repeat(400)}`), ErrorCode.OutOfRange, at);
    const max = parseTxFile(bytes(edit(MINIMAL, height, '      height: 9007199254740991')));
    assert.equal(max.blockchain.lastblock.height, Number.MAX_SAFE_INTEGER);
    expectError(
      edit(FULL, '    lastblock: 1300200', '    lastblock: -5'),
      ErrorCode.OutOfRange,
      'transaction.voting.lastblock',
    );
  });

  it('OUT_OF_RANGE when the trusted block is above the last block', () => {
    const trusted = lineWith(MINIMAL, 'height: 1299980');
    expectError(
      edit(MINIMAL, trusted, '      height: 1299991'),
      ErrorCode.OutOfRange,
      'transaction.blockchain.trustedblock.height',
    );
    const equal = parseTxFile(bytes(edit(MINIMAL, trusted, '      height: 1299990')));
    assert.equal(equal.blockchain.trustedblock.height, 1299990);
  });

  it('OUT_OF_RANGE for list sizes: senders 1..64, attachments 1..64, options 2..256', () => {
    const senderBlock = MINIMAL.slice(MINIMAL.indexOf('  sender:\n'));
    expectError(edit(MINIMAL, senderBlock, '  sender: []\n'), ErrorCode.OutOfRange, 'transaction.sender');
    const oneSender = senderBlock.slice('  sender:\n'.length);
    const senders = (n: number): string => `  sender:\n${oneSender.repeat(n)}`;
    assert.equal(parseTxFile(bytes(edit(MINIMAL, senderBlock, senders(64)))).sender.length, 64);
    expectError(edit(MINIMAL, senderBlock, senders(65)), ErrorCode.OutOfRange, 'transaction.sender');

    const attachments = FULL.slice(FULL.indexOf('    attachment:\n'), FULL.indexOf('  voting:\n'));
    expectError(
      edit(FULL, attachments, '    attachment: []\n'),
      ErrorCode.OutOfRange,
      'transaction.message.attachment',
    );
    const oneAttachment = attachments.split('\n').slice(1, 3).join('\n');
    const manyAttachments = `    attachment:\n${`${oneAttachment}\n`.repeat(65)}`;
    expectError(
      edit(FULL, attachments, manyAttachments),
      ErrorCode.OutOfRange,
      'transaction.message.attachment',
    );

    const options = FULL.slice(FULL.indexOf('    option:\n'), FULL.indexOf('  vote:\n'));
    const lastOption = options.slice(options.lastIndexOf('      - title:'));
    expectError(
      edit(FULL, options, `    option:\n${lastOption}`),
      ErrorCode.OutOfRange,
      'transaction.voting.option',
    );
    // Distinct title hashes: options with the same title are refused as duplicates.
    const distinctOptions = (n: number): string =>
      Array.from({ length: n }, (_, i) =>
        lastOption.replace(
          /sha512hash: '[0-9a-f]{128}'/,
          `sha512hash: '${i.toString(16).padStart(128, '0')}'`,
        ),
      ).join('');
    const single = `    option:\n${lastOption.replace('      - title:', '      title:').replaceAll('\n        ', '\n      ')}`;
    expectError(edit(FULL, options, single), ErrorCode.OutOfRange, 'transaction.voting.option');
    assert.equal(
      parseTxFile(bytes(edit(FULL, options, `    option:\n${distinctOptions(256)}`))).voting?.option.length,
      256,
    );
    expectError(
      edit(FULL, options, `    option:\n${distinctOptions(257)}`),
      ErrorCode.OutOfRange,
      'transaction.voting.option',
    );
  });

  it('errors inside a single-mapping sender name the field without an index', () => {
    const senderBlock = MINIMAL.slice(MINIMAL.indexOf('  sender:\n'));
    const single = senderBlock.replace('    - ', '    ').replaceAll('\n      ', '\n    ');
    const broken = single.replace(/signature: '[^']*'/, "signature: 'not base64!'");
    expectError(edit(MINIMAL, senderBlock, broken), ErrorCode.BadFormat, 'transaction.sender.signature');
  });
});

describe('validateTxFile and limits', () => {
  it('validateTxFile accepts JavaScript values: numbers for integers, undefined as absent', () => {
    const tx = parseTxFile(bytes(MINIMAL));
    const copy = { ...tx, voting: undefined, message: { ...tx.message, header: undefined } };
    assert.deepEqual(validateTxFile({ transaction: copy }), tx);
  });

  it('validateTxFile refuses non-plain objects and fractional or unsafe numbers', () => {
    const tx = parseTxFile(bytes(MINIMAL));
    assert.throws(() => validateTxFile(new Map([['transaction', tx]])), { code: 'WRONG_TYPE', field: '-' });
    const withHeight = (height: number): unknown => ({
      transaction: {
        ...tx,
        blockchain: { ...tx.blockchain, lastblock: { ...tx.blockchain.lastblock, height } },
      },
    });
    const at = 'transaction.blockchain.lastblock.height';
    assert.throws(() => validateTxFile(withHeight(1.5)), { code: 'BAD_FORMAT', field: at });
    assert.throws(() => validateTxFile(withHeight(Number.NaN)), { code: 'BAD_FORMAT', field: at });
    assert.throws(() => validateTxFile(withHeight(2 ** 53)), { code: 'OUT_OF_RANGE', field: at });
    assert.throws(() => validateTxFile(withHeight(-1)), { code: 'OUT_OF_RANGE', field: at });
  });

  it('a caller passing something other than bytes gets a TypeError, not a ProtocolError', () => {
    assert.throws(() => parseTxFile(MINIMAL as unknown as Uint8Array), TypeError);
  });

  it('resolveTxFileLimits fills defaults and refuses nonsense with a RangeError', () => {
    assert.deepEqual(resolveTxFileLimits({ maxNodes: 5 }), { ...DEFAULT_TX_FILE_LIMITS, maxNodes: 5 });
    for (const bad of [
      { maxDepth: 0 },
      { maxDepth: 257 },
      { maxNodes: 1.5 },
      { maxBytes: Number.NaN },
      { maxBytes: -1 },
    ]) {
      assert.throws(() => resolveTxFileLimits(bad), RangeError);
      assert.throws(() => parseTxFile(bytes(MINIMAL), bad), RangeError);
    }
  });
});

void it('refuses two voting options with the same title hash (a vote would be ambiguous)', () => {
  const first =
    '81e92f5d90684db6638344869c82e784b5270b513811080bdba905820be1b0331be8fb7329e4c7a6f97846c1b211572042a0c5bfc7d487a74cab0221c19685c5';
  const second =
    '22494af556a0782623729d0b5a9878f80aa6c21a6f51d346771842d613f51073c3b02fab211baff42fb1998f38b77250dc7a1c71dd98b4b00cae9620a6102ad7';
  expectError(
    edit(FULL, `sha512hash: '${second}'`, `sha512hash: '${first}'`),
    'DUPLICATE_ENTRY',
    'transaction.voting.option[1].title.sha512hash',
  );
});
