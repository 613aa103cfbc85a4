import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode, ProtocolError } from '../src/errors.ts';
import {
  canonicalizeVotesFile,
  DEFAULT_MAX_VOTES_FILE_BYTES,
  parseVotesFile,
  serializeVotesFile,
} from '../src/voting/index.ts';
import type { ParseVotesFileOptions, VotesFile, VotesFileVote } from '../src/voting/index.ts';
import { fixtureVote, votingCid, votingHash } from '../scripts/voting-vectors.ts';
import {
  hostileVotesFiles,
  manyVotes,
  VOTE_SIGNATURE,
  VOTES_HEAD,
} from './fixtures/voting/votes-file-inputs.ts';

const encode = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

const H = (c: string): string => c.repeat(128);
const SIG = VOTE_SIGNATURE;

function file(votes: VotesFileVote[], lastblock = 42): VotesFile {
  return { version: '0.1', voting: H('f'), lastblock, votes };
}

function expectError(run: () => unknown, code: string, field: string): ProtocolError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ProtocolError, `expected a ProtocolError, got ${String(caught)}`);
  assert.deepEqual({ code: caught.code, field: caught.field }, { code, field }, caught.message);
  return caught;
}

function parseText(text: string, options?: ParseVotesFileOptions): VotesFile {
  return parseVotesFile(encode(text), options);
}

/** Deterministic Fisher–Yates with a small LCG, so failures reproduce. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const HEAD = VOTES_HEAD;
const ONE_VOTE = `  <vote>\n    <option>${H('a')}</option>\n    <publickey>${H('1')}</publickey>\n    <signature>${SIG}</signature>\n  </vote>\n`;

void describe('serializeVotesFile', () => {
  void it('writes the exact canonical text, votes sorted by publickey then option', () => {
    const cid = votingCid('x');
    const bytes = serializeVotesFile(
      file([
        { option: H('b'), publickey: H('2'), signature: SIG },
        { option: H('a'), publickey: H('2'), signature: SIG, txfile: cid },
        { option: H('c'), publickey: H('1'), signature: SIG },
      ]),
    );
    const vote = (option: string, voter: string, txfile?: string): string =>
      `  <vote>\n    <option>${H(option)}</option>\n    <publickey>${H(voter)}</publickey>\n` +
      `    <signature>${SIG}</signature>\n${txfile === undefined ? '' : `    <txfile>${txfile}</txfile>\n`}  </vote>\n`;
    assert.equal(decode(bytes), `${HEAD}${vote('c', '1')}${vote('a', '2', cid)}${vote('b', '2')}</votes>\n`);
  });

  void it('writes a file without votes as an open and a close tag', () => {
    assert.equal(decode(serializeVotesFile(file([]))), `${HEAD}</votes>\n`);
  });

  void it('gives the same bytes for every order of the same votes', () => {
    const votes = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gina'].flatMap((voter, i) => [
      fixtureVote(voter, 'e4', i % 2 === 0),
      fixtureVote(voter, i % 3 === 0 ? 'd4' : 'c4'),
    ]);
    // Same voter, option and signature, with and without a txfile: the order must still be total.
    votes.push(
      { ...fixtureVote('hugo', 'e4'), txfile: votingCid('b') },
      { ...fixtureVote('hugo', 'e4'), txfile: votingCid('a') },
      fixtureVote('hugo', 'e4'),
    );
    const reference = serializeVotesFile(file(votes));
    for (let seed = 1; seed <= 25; seed++) {
      assert.deepEqual(serializeVotesFile(file(shuffled(votes, seed))), reference, `seed ${seed}`);
    }
  });

  void it('round-trips: parse(serialize(f)) is f with votes in canonical order', () => {
    const votes = [
      fixtureVote('bob', 'd4', true),
      fixtureVote('alice', 'e4'),
      fixtureVote('alice', 'c4', true),
    ];
    const original = file(votes, 0);
    const parsed = parseVotesFile(serializeVotesFile(original), { requireCanonical: true });
    assert.deepEqual(parsed, canonicalizeVotesFile(original));
    assert.equal(parsed.votes.length, 3);
    assert.ok(
      !(
        'txfile' in
        parsed.votes.find((v) => v.publickey === votingHash('voter:alice') && v.txfile === undefined)!
      ),
    );
  });

  void it('does not modify its input', () => {
    const votes = [fixtureVote('bob', 'd4'), fixtureVote('alice', 'e4')];
    const input = file(votes);
    const before = structuredClone(input);
    serializeVotesFile(input);
    assert.deepEqual(input, before);
  });

  void it('refuses invalid input with the same codes and fields as the reader', () => {
    const ok = { option: H('a'), publickey: H('1'), signature: SIG };
    const cases: Array<[unknown, string, string]> = [
      [{ ...file([]), version: '0.2' }, ErrorCode.UnknownVersion, 'votes.version'],
      [{ ...file([]), voting: H('F') }, ErrorCode.BadFormat, 'votes.voting'],
      [{ ...file([]), lastblock: -1 }, ErrorCode.OutOfRange, 'votes.lastblock'],
      [{ ...file([]), lastblock: 1.5 }, ErrorCode.OutOfRange, 'votes.lastblock'],
      [{ ...file([]), lastblock: '1' }, ErrorCode.WrongType, 'votes.lastblock'],
      [{ ...file([]), extra: 1 }, ErrorCode.UnknownField, 'votes.extra'],
      [{ version: '0.1', voting: H('f'), lastblock: 1 }, ErrorCode.MissingField, 'votes.votes'],
      [file([ok, { ...ok, option: H('a').slice(1) }]), ErrorCode.BadFormat, 'votes.vote[1].option'],
      [file([{ ...ok, signature: 'AAEC' + '=' }]), ErrorCode.BadFormat, 'votes.vote[0].signature'],
      [file([{ ...ok, signature: '' }]), ErrorCode.BadFormat, 'votes.vote[0].signature'],
      [
        file([{ ...ok, txfile: 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG' }]),
        ErrorCode.BadCid,
        'votes.vote[0].txfile',
      ],
      [file([{ ...ok, txfile: votingCid('a').toUpperCase() }]), ErrorCode.BadCid, 'votes.vote[0].txfile'],
      [
        file([{ option: H('a'), publickey: H('1') } as VotesFileVote]),
        ErrorCode.MissingField,
        'votes.vote[0].signature',
      ],
      [file([{ ...ok, weight: 2 } as VotesFileVote]), ErrorCode.UnknownField, 'votes.vote[0].weight'],
      [
        file([{ ...ok, publickey: 7 } as unknown as VotesFileVote]),
        ErrorCode.WrongType,
        'votes.vote[0].publickey',
      ],
    ];
    for (const [input, code, field] of cases)
      expectError(() => serializeVotesFile(input as VotesFile), code, field);
  });
});

void describe('parseVotesFile: accepted variations', () => {
  const expected = file([{ option: H('a'), publickey: H('1'), signature: SIG }]);
  const variants: Array<[string, string]> = [
    ['canonical', `${HEAD}${ONE_VOTE}</votes>\n`],
    ['BOM', `\ufeff${HEAD}${ONE_VOTE}</votes>\n`],
    ['no declaration, no final newline', `${HEAD.slice(HEAD.indexOf('\n') + 1)}${ONE_VOTE}</votes>`],
    ['CRLF', `${HEAD}${ONE_VOTE}</votes>\n`.replaceAll('\n', '\r\n')],
    ['one line', `${HEAD}${ONE_VOTE}</votes>`.replaceAll('\n', '').replaceAll('  ', '')],
    [
      'declaration variants',
      `<?xml version='1.0' encoding='utf-8' standalone="yes" ?>${HEAD.slice(HEAD.indexOf('\n'))}${ONE_VOTE}</votes>`,
    ],
    [
      'attribute order and spacing',
      `<votes\tlastblock = '42'\n voting="${H('f')}" version="0.1"\n>${ONE_VOTE}</votes\n>`,
    ],
    [
      'children in another order',
      `${HEAD}<vote><signature>${SIG}</signature><publickey>${H('1')}</publickey><option>${H('a')}</option></vote></votes>`,
    ],
  ];
  for (const [name, text] of variants) {
    void it(name, () => {
      assert.deepEqual(parseText(text), expected);
    });
  }

  void it('an empty-element root is a file without votes', () => {
    assert.deepEqual(parseText(`<votes version="0.1" voting="${H('f')}" lastblock="42"/>`), file([]));
  });

  void it('reads a Uint8Array view that does not start at offset 0', () => {
    const bytes = encode(`xxxx${HEAD}${ONE_VOTE}</votes>\nyyyy`);
    assert.deepEqual(parseVotesFile(bytes.subarray(4, bytes.length - 4)), expected);
  });

  void it('accepts votes in any order and returns them in document order', () => {
    const votes = [fixtureVote('bob', 'd4'), fixtureVote('alice', 'e4')];
    const canonical = decode(serializeVotesFile(file(votes)));
    const [first, second] = canonical.split('  <vote>\n').slice(1);
    const swapped = `${HEAD}  <vote>\n${second!.replace('</votes>\n', '')}  <vote>\n${first!}</votes>\n`;
    const parsed = parseText(swapped);
    assert.deepEqual(parsed.votes, [...canonicalizeVotesFile(file(votes)).votes].reverse());
    expectError(() => parseText(swapped, { requireCanonical: true }), ErrorCode.BadVotesFile, '-');
    assert.deepEqual(parseText(canonical, { requireCanonical: true }), canonicalizeVotesFile(file(votes)));
  });
});

void describe('parseVotesFile: rejections', () => {
  const vote = (inner: string): string => `${HEAD}  <vote>${inner}</vote>\n</votes>\n`;
  const opt = `<option>${H('a')}</option>`;
  const pub = `<publickey>${H('1')}</publickey>`;
  const sig = `<signature>${SIG}</signature>`;
  const cases: Array<[string, string, string, string]> = [
    // name, text, code, field
    ['XML 1.1', `<?xml version="1.1"?><votes/>`, ErrorCode.XmlSyntax, '-'],
    ['Latin-1 declared', `<?xml version="1.0" encoding="ISO-8859-1"?><votes/>`, ErrorCode.XmlSyntax, '-'],
    ['declaration out of order', `<?xml encoding="UTF-8" version="1.0"?><votes/>`, ErrorCode.XmlSyntax, '-'],
    ['declaration without version', `<?xml encoding="UTF-8"?><votes/>`, ErrorCode.XmlSyntax, '-'],
    [
      'declaration unknown pseudo-attribute',
      `<?xml version="1.0" lang="en"?><votes/>`,
      ErrorCode.XmlSyntax,
      '-',
    ],
    ['unterminated declaration', `<?xml version="1.0"`, ErrorCode.XmlSyntax, '-'],
    [
      'second declaration',
      `${HEAD}<?xml version="1.0"?></votes>`,
      ErrorCode.XmlProcessingInstruction,
      'votes',
    ],
    [
      'stylesheet PI',
      `<?xml-stylesheet href="a.xsl"?>${HEAD}</votes>`,
      ErrorCode.XmlProcessingInstruction,
      '-',
    ],
    ['DOCTYPE without subset', `<!DOCTYPE votes>${HEAD}</votes>`, ErrorCode.XmlDoctype, '-'],
    ['DOCTYPE after the root', `${HEAD}</votes>\n<!DOCTYPE votes>`, ErrorCode.XmlDoctype, '-'],
    ['ELEMENT declaration', `${HEAD}<!ELEMENT votes ANY></votes>`, ErrorCode.XmlDoctype, 'votes'],
    ['comment before the root', `<!-- hi -->${HEAD}</votes>`, ErrorCode.XmlComment, '-'],
    [
      'comment in a value',
      vote(`<option>${H('a')}<!-- x --></option>${pub}${sig}`),
      ErrorCode.XmlComment,
      'votes.vote[0].option',
    ],
    ['CDATA between votes', `${HEAD}<![CDATA[x]]></votes>`, ErrorCode.XmlCdata, 'votes'],
    [
      'numeric reference in a value',
      vote(`${opt}${pub}<signature>&#65;${SIG.slice(1)}</signature>`),
      ErrorCode.XmlReference,
      'votes.vote[0].signature',
    ],
    ['reference between tags', `${HEAD}&lt;</votes>`, ErrorCode.XmlReference, 'votes'],
    ['reference in vote', vote(`${opt}&amp;${pub}${sig}`), ErrorCode.XmlReference, 'votes.vote[0]'],
    [
      'unquoted attribute',
      `<votes version=0.1 voting="${H('f')}" lastblock="42"></votes>`,
      ErrorCode.XmlSyntax,
      'votes.version',
    ],
    ['attribute without =', `<votes version "0.1"></votes>`, ErrorCode.XmlSyntax, 'votes.version'],
    [
      'attributes without space',
      `<votes version="0.1"voting="${H('f')}" lastblock="42"></votes>`,
      ErrorCode.XmlSyntax,
      'votes',
    ],
    ['unterminated attribute value', `<votes version="0.1 voting=`, ErrorCode.XmlSyntax, 'votes.version'],
    ['< in attribute value', `<votes version="<"></votes>`, ErrorCode.XmlSyntax, 'votes.version'],
    ['unterminated start tag', `<votes version="0.1"`, ErrorCode.XmlSyntax, 'votes'],
    [
      'namespace attribute',
      `<votes xmlns="urn:x" version="0.1"></votes>`,
      ErrorCode.UnknownField,
      'votes.xmlns',
    ],
    ['root with a namespace prefix', `<a:votes version="0.1"/>`, ErrorCode.BadVotesFile, '-'],
    ['root named votesx', `<votesx/>`, ErrorCode.BadVotesFile, '-'],
    ['text before the root', `hello ${HEAD}</votes>`, ErrorCode.XmlSyntax, '-'],
    ['text after the root', `${HEAD}</votes>\nhello`, ErrorCode.XmlSyntax, '-'],
    ['empty input', ``, ErrorCode.XmlSyntax, '-'],
    ['only whitespace', ` \n\t`, ErrorCode.XmlSyntax, '-'],
    ['< then space', `${HEAD}< vote></votes>`, ErrorCode.XmlSyntax, 'votes'],
    ['text between votes', `${HEAD}${ONE_VOTE}x</votes>`, ErrorCode.BadVotesFile, 'votes'],
    ['end tag of another element', `${HEAD}</vote>`, ErrorCode.XmlSyntax, 'votes'],
    ['end tag with garbage', `${HEAD}</votes x>`, ErrorCode.XmlSyntax, 'votes'],
    ['unclosed vote', `${HEAD}  <vote>${opt}`, ErrorCode.XmlSyntax, 'votes.vote[0]'],
    ['unclosed value', `${HEAD}  <vote><option>${H('a')}`, ErrorCode.XmlSyntax, 'votes.vote[0].option'],
    ['option outside a vote', `${HEAD}${opt}</votes>`, ErrorCode.UnknownField, 'votes.option'],
    ['vote in a vote', vote(`${opt}<vote/>`), ErrorCode.UnknownField, 'votes.vote[0].vote'],
    [
      'attribute on a value',
      vote(`<option encoding="hex">${H('a')}</option>${pub}${sig}`),
      ErrorCode.UnknownField,
      'votes.vote[0].option.encoding',
    ],
    [
      'duplicate publickey',
      vote(`${opt}${pub}${pub}${sig}`),
      ErrorCode.BadVotesFile,
      'votes.vote[0].publickey',
    ],
    [
      'duplicate txfile',
      vote(`${opt}${pub}${sig}<txfile>${votingCid('a')}</txfile><txfile/>`),
      ErrorCode.BadVotesFile,
      'votes.vote[0].txfile',
    ],
    ['missing option', vote(`${pub}${sig}`), ErrorCode.MissingField, 'votes.vote[0].option'],
    ['missing publickey', vote(`${sig}${opt}`), ErrorCode.MissingField, 'votes.vote[0].publickey'],
    ['empty option element', vote(`<option/>${pub}${sig}`), ErrorCode.BadFormat, 'votes.vote[0].option'],
    [
      'missing version',
      `<votes voting="${H('f')}" lastblock="42"/>`,
      ErrorCode.MissingField,
      'votes.version',
    ],
    ['missing voting', `<votes version="0.1" lastblock="42"/>`, ErrorCode.MissingField, 'votes.voting'],
    [
      'lastblock with a sign',
      `<votes version="0.1" voting="${H('f')}" lastblock="+1"/>`,
      ErrorCode.BadFormat,
      'votes.lastblock',
    ],
    [
      'lastblock in hex',
      `<votes version="0.1" voting="${H('f')}" lastblock="0x10"/>`,
      ErrorCode.BadFormat,
      'votes.lastblock',
    ],
    [
      'lastblock empty',
      `<votes version="0.1" voting="${H('f')}" lastblock=""/>`,
      ErrorCode.BadFormat,
      'votes.lastblock',
    ],
    [
      'lastblock huge',
      `<votes version="0.1" voting="${H('f')}" lastblock="${'9'.repeat(400)}"/>`,
      ErrorCode.OutOfRange,
      'votes.lastblock',
    ],
    [
      'base64 with whitespace',
      vote(`${opt}${pub}<signature>${SIG.slice(0, 40)}\n${SIG.slice(40)}</signature>`),
      ErrorCode.BadFormat,
      'votes.vote[0].signature',
    ],
    [
      'non-canonical base64 bits',
      vote(`${opt}${pub}<signature>AB==</signature>`),
      ErrorCode.BadFormat,
      'votes.vote[0].signature',
    ],
    [
      'txfile in base58',
      vote(`${opt}${pub}${sig}<txfile>zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA</txfile>`),
      ErrorCode.BadCid,
      'votes.vote[0].txfile',
    ],
    [
      'txfile garbage',
      vote(`${opt}${pub}${sig}<txfile>bnotacid</txfile>`),
      ErrorCode.BadCid,
      'votes.vote[0].txfile',
    ],
    [
      'txfile too long',
      vote(`${opt}${pub}${sig}<txfile>b${'a'.repeat(5000)}</txfile>`),
      ErrorCode.BadCid,
      'votes.vote[0].txfile',
    ],
    ['NUL byte', `${HEAD}\u0000</votes>`, ErrorCode.BadVotesFile, '-'],
    ['DEL byte', `${HEAD}\u007f</votes>`, ErrorCode.BadVotesFile, '-'],
    ['a lone BOM byte', `\u00ef${HEAD}</votes>`, ErrorCode.BadVotesFile, '-'],
    [
      'fullwidth lookalike',
      vote(`<option>${H('a').slice(1)}\uff41</option>${pub}${sig}`),
      ErrorCode.BadVotesFile,
      '-',
    ],
  ];
  for (const [name, text, code, field] of cases) {
    void it(`${name} → ${code} ${field}`, () => {
      expectError(() => parseText(text), code, field);
    });
  }

  void it('rejects UTF-16', () => {
    const text = `${HEAD}</votes>`;
    const utf16 = new Uint8Array(Buffer.from(`\ufeff${text}`, 'utf16le'));
    expectError(() => parseVotesFile(utf16), ErrorCode.BadVotesFile, '-');
  });

  void it('says where the problem is', () => {
    const error = expectError(
      () => parseText(vote(`${opt}\n  <weight/>`)),
      ErrorCode.UnknownField,
      'votes.vote[0].weight',
    );
    assert.match(error.message, /at line 4, column 3$/);
    const value = expectError(
      () => parseText(vote(`${opt}${pub}<signature>x</signature>`)),
      ErrorCode.BadFormat,
      'votes.vote[0].signature',
    );
    assert.match(value.message, /at line 3, column \d+$/);
    assert.ok(value.cause instanceof ProtocolError);
  });

  void it('cuts long names in fields', () => {
    const name = `x${'y'.repeat(10_000)}`;
    const error = expectError(
      () => parseText(`${HEAD}<${name}/></votes>`),
      ErrorCode.UnknownField,
      `votes.${name.slice(0, 64)}…`,
    );
    assert.ok(error.message.length < 300);
  });
});

void describe('parseVotesFile: limits and hostile input', () => {
  void it('rejects input over maxBytes before reading it, and accepts exactly maxBytes', () => {
    const text = `${HEAD}${ONE_VOTE}</votes>\n`;
    const bytes = encode(text);
    assert.equal(parseVotesFile(bytes, { maxBytes: bytes.length }).votes.length, 1);
    expectError(() => parseVotesFile(bytes, { maxBytes: bytes.length - 1 }), ErrorCode.TooLarge, '-');
    // Garbage over the limit is reported as too large, not as garbage.
    expectError(() => parseVotesFile(new Uint8Array(101), { maxBytes: 100 }), ErrorCode.TooLarge, '-');
    assert.equal(DEFAULT_MAX_VOTES_FILE_BYTES, 64 * 1024 * 1024);
  });

  void it('stops at the first vote over maxVotes', () => {
    const votes = Array.from({ length: 5 }, (_, i) => fixtureVote(`v${i}`, 'e4'));
    const bytes = serializeVotesFile(file(votes));
    assert.equal(parseVotesFile(bytes, { maxVotes: 5 }).votes.length, 5);
    expectError(() => parseVotesFile(bytes, { maxVotes: 4 }), ErrorCode.TooManyVotes, 'votes');
    expectError(() => parseVotesFile(bytes, { maxVotes: 0 }), ErrorCode.TooManyVotes, 'votes');
    assert.equal(parseVotesFile(serializeVotesFile(file([])), { maxVotes: 0 }).votes.length, 0);
  });

  void it('refuses nonsensical limits', () => {
    const bytes = encode(`${HEAD}</votes>`);
    assert.throws(() => parseVotesFile(bytes, { maxBytes: -1 }), RangeError);
    assert.throws(() => parseVotesFile(bytes, { maxVotes: 1.5 }), RangeError);
    assert.throws(() => parseVotesFile(bytes, { maxVotes: Number.NaN }), RangeError);
  });

  void it('rejects a billion-laughs bomb at the DOCTYPE, before any entity is read', () => {
    const levels = Array.from(
      { length: 10 },
      (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    );
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE votes [\n  <!ENTITY lol0 "lol">\n${levels.join('\n')}\n]>\n<votes version="0.1" voting="&lol10;" lastblock="1"/>\n`;
    for (const text of [
      bomb,
      // The same without a declaration, and with a quadratic-blowup style internal subset.
      bomb.slice(bomb.indexOf('\n') + 1),
      `<!DOCTYPE v [<!ENTITY a "${'a'.repeat(100_000)}">]><votes voting="${'&a;'.repeat(100_000)}"/>`,
    ]) {
      const error = expectError(() => parseText(text), ErrorCode.XmlDoctype, '-');
      assert.match(error.message, /^DOCTYPE is not allowed/);
    }
  });

  void it('refuses pathological inputs of 8 MiB, each with its code (their cost: npm run bench)', () => {
    for (const { name, text, code, field } of hostileVotesFiles(8 * 1024 * 1024)) {
      const error = expectError(() => parseVotesFile(encode(text)), code, field);
      assert.ok(error.message.length < 2_000, `${name}: the message must stay short`);
    }
  });

  void it('parses a 100,000-vote file', () => {
    const votes = manyVotes(100_000);
    const bytes = serializeVotesFile(file(votes));
    assert.ok(bytes.length > 40_000_000, `${bytes.length} bytes`);
    const parsed = parseVotesFile(bytes, { requireCanonical: true });
    assert.equal(parsed.votes.length, 100_000);
    assert.deepEqual(parsed, canonicalizeVotesFile(file(votes)));
  });
});
