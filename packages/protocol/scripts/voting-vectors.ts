/**
 * Generates test-vectors/voting-v1.json (run `node scripts/voting-vectors.ts` in packages/protocol),
 * and exports the deterministic fixture helpers the voting tests share.
 *
 * Everything is derived from fixed labels: hashes are HMAC-SHA512 under a fixed test group secret,
 * signatures are opaque 64-byte placeholders (the vectors test the file format and the counting rule,
 * not a crypto suite), CIDs are CIDv1 raw/sha2-256. Expected tallies are written out by hand below
 * (counts per option label), not computed by the code under test; only the positions of the
 * rejected votes are looked up, by sorting with the canonical rule stated in the vector file.
 */
import { createHash, createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { publicKeyBytes, type PublicIdentity } from '../src/crypto/identity.ts';
import { getSuite } from '../src/crypto/suites.ts';
import { isProtocolError } from '../src/errors.ts';
import type { SuiteName } from '../src/tx-file/schema.ts';
import { legacyVoteSigningBytes, verifyVote, voteSigningBytes } from '../src/voting/vote-signature.ts';
import { committedRsaKey, der, deterministicPss, seededKey } from './vector-keys.ts';

const GROUP_SECRET = 'anchorpost voting test vectors: not a real group secret';
const RAW_CODEC = 0x55;
const SHA2_256 = 0x12;

/** 128 hex: HMAC-SHA512 of a label under the test group secret. */
export function votingHash(label: string): string {
  return createHmac('sha512', GROUP_SECRET).update(label).digest('hex');
}

/** Canonical base64 of 64 placeholder bytes derived from a label. */
export function votingSignature(label: string): string {
  return createHash('sha512').update(`signature:${label}`).digest('base64');
}

/** A CIDv1 (raw, sha2-256) in base32, derived from a label. */
export function votingCid(label: string): string {
  const digest = createHash('sha256').update(`txfile:${label}`).digest();
  return CID.createV1(RAW_CODEC, Digest.create(SHA2_256, new Uint8Array(digest))).toString();
}

interface FixtureVote {
  option: string;
  publickey: string;
  signature: string;
  txfile?: string;
}

/** A vote for option `option` by voter `voter` (labels), with an optional tx-file CID. */
export function fixtureVote(voter: string, option: string, txfile = false): FixtureVote {
  const vote: FixtureVote = {
    option: votingHash(`option:${option}`),
    publickey: votingHash(`voter:${voter}`),
    signature: votingSignature(`${voter}:${option}`),
  };
  if (txfile) vote.txfile = votingCid(`${voter}:${option}`);
  return vote;
}

function byCanonicalOrder(a: FixtureVote, b: FixtureVote): number {
  const keys = [
    [a.publickey, b.publickey],
    [a.option, b.option],
    [a.signature, b.signature],
    [a.txfile ?? '', b.txfile ?? ''],
  ] as const;
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

/** The canonical XML text, written out independently of serializeVotesFile. */
export function fixtureXml(voting: string, lastblock: number, votes: readonly FixtureVote[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<votes version="0.1" voting="${voting}" lastblock="${lastblock}">`,
  ];
  for (const vote of [...votes].sort(byCanonicalOrder)) {
    lines.push(
      '  <vote>',
      `    <option>${vote.option}</option>`,
      `    <publickey>${vote.publickey}</publickey>`,
    );
    lines.push(`    <signature>${vote.signature}</signature>`);
    if (vote.txfile !== undefined) lines.push(`    <txfile>${vote.txfile}</txfile>`);
    lines.push('  </vote>');
  }
  lines.push('</votes>', '');
  return lines.join('\n');
}

interface ValidCase {
  name: string;
  description: string;
  xml: string;
  canonical: boolean;
  file: { version: '0.1'; voting: string; lastblock: number; votes: FixtureVote[] };
  optionHashes: string[];
  badSignatures?: string[];
  tally: {
    voting: string;
    lastblock: number;
    totals: Record<string, number>;
    counted: number;
    rejected: Array<{ index: number; publickey: string; reason: string; code?: string }>;
  };
}

interface InvalidCase {
  name: string;
  xml: string;
  options?: { maxBytes?: number; maxVotes?: number; requireCanonical?: boolean };
  code: string;
  field: string;
}

const OPTIONS = ['e4', 'd4', 'c4'] as const;

function validCase(
  name: string,
  description: string,
  votes: FixtureVote[],
  counts: Record<(typeof OPTIONS)[number], number>,
  rejections: Array<{ vote: FixtureVote; reason: string }>,
  badSignatures?: string[],
): ValidCase {
  const voting = votingHash(`voting:${name}`);
  const lastblock = 1_250_000;
  const sorted = [...votes].sort(byCanonicalOrder);
  const optionHashes = OPTIONS.map((label) => votingHash(`option:${label}`));
  const totals: Record<string, number> = {};
  OPTIONS.forEach((label, i) => (totals[optionHashes[i]!] = counts[label]));
  const rejected = rejections
    .map(({ vote, reason }) => ({
      index: sorted.indexOf(vote),
      publickey: vote.publickey,
      reason,
      // A refused signature does not cover this voting and this voter (the v2 vote signing bytes).
      ...(reason === 'bad-signature' ? { code: 'VOTE_NOT_FOR_THIS_VOTING' } : {}),
    }))
    .sort((a, b) => a.index - b.index);
  const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const result: ValidCase = {
    name,
    description,
    xml: fixtureXml(voting, lastblock, votes),
    canonical: true,
    file: { version: '0.1', voting, lastblock, votes: sorted },
    optionHashes,
    tally: { voting, lastblock, totals, counted, rejected },
  };
  if (badSignatures !== undefined) result.badSignatures = badSignatures;
  return result;
}

function validCases(): ValidCase[] {
  // Hand-checked: alice, bob, carol, dave vote once each (e4, d4, e4, c4); erin votes twice (e4 and
  // d4: only the one with the smaller option hash counts); frank votes for an option that does not
  // exist. Totals: e4 = 2 (+1 if erin's e4 vote sorts first), d4 = 1 (+1 otherwise), c4 = 1.
  const erinE4 = fixtureVote('erin', 'e4');
  const erinD4 = fixtureVote('erin', 'd4', true);
  const erinFirst = erinE4.option < erinD4.option ? erinE4 : erinD4;
  const erinSecond = erinFirst === erinE4 ? erinD4 : erinE4;
  const frank = fixtureVote('frank', 'resign');
  const main = validCase(
    'five-voters',
    'alice e4, bob d4, carol e4 (with txfile), dave c4, erin e4 and d4 (duplicate voter), frank an unknown option',
    [
      fixtureVote('alice', 'e4'),
      fixtureVote('bob', 'd4', true),
      fixtureVote('carol', 'e4', true),
      fixtureVote('dave', 'c4'),
      erinE4,
      erinD4,
      frank,
    ],
    erinFirst === erinE4 ? { e4: 3, d4: 1, c4: 1 } : { e4: 2, d4: 2, c4: 1 },
    [
      { vote: erinSecond, reason: 'duplicate-voter' },
      { vote: frank, reason: 'unknown-option' },
    ],
  );

  const empty = validCase('no-votes', 'a voting nobody voted in', [], { e4: 0, d4: 0, c4: 0 }, []);

  // Gina's vote that sorts first has a bad signature, so her other vote counts: a rejected vote
  // does not use up the voter's one vote. Hugo's only vote has a bad signature.
  const ginaE4 = fixtureVote('gina', 'e4');
  const ginaC4 = fixtureVote('gina', 'c4');
  const ginaFirst = ginaE4.option < ginaC4.option ? ginaE4 : ginaC4;
  const ginaSecond = ginaFirst === ginaE4 ? ginaC4 : ginaE4;
  const hugo = fixtureVote('hugo', 'd4');
  const verified = validCase(
    'bad-signatures',
    'verify refuses the signatures in badSignatures: gina votes e4 and c4, the first (canonical) one forged; hugo d4, forged; ivan d4',
    [ginaE4, ginaC4, hugo, fixtureVote('ivan', 'd4')],
    ginaSecond === ginaE4 ? { e4: 1, d4: 1, c4: 0 } : { e4: 0, d4: 1, c4: 1 },
    [
      { vote: ginaFirst, reason: 'bad-signature' },
      { vote: hugo, reason: 'bad-signature' },
    ],
    [ginaFirst.signature, hugo.signature],
  );

  // The same votes as 'five-voters' minus frank and erin, laid out differently: accepted, not canonical.
  const alice = fixtureVote('alice', 'e4');
  const bob = fixtureVote('bob', 'd4', true);
  const variant = validCase('whitespace-variant', '', [alice, bob], { e4: 1, d4: 1, c4: 0 }, []);
  variant.description =
    'accepted but not canonical: BOM-less, no XML declaration, CRLF, tabs, single quotes, attributes and children reordered, votes unsorted';
  variant.canonical = false;
  const [second, first] = [...variant.file.votes].reverse();
  const child = (v: FixtureVote): string =>
    `\t<vote >\r\n\t\t<signature>${v.signature}</signature><publickey >${v.publickey}</publickey>\r\n` +
    `\t\t<option>${v.option}</option >${v.txfile === undefined ? '' : `<txfile>${v.txfile}</txfile>`}\r\n\t</vote>\r\n`;
  variant.xml =
    `<votes lastblock='${variant.file.lastblock}'\r\n  voting = "${variant.file.voting}" version="0.1" >\r\n` +
    `${child(second!)}${child(first!)}</votes >\r\n\r\n`;
  variant.file.votes = [second!, first!];
  variant.tally.rejected = [];
  return [main, empty, verified, variant];
}

function invalidCases(): InvalidCase[] {
  const voting = votingHash('voting:invalid');
  const v = fixtureVote('alice', 'e4', true);
  const w = fixtureVote('bob', 'd4');
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<votes version="0.1" voting="${voting}" lastblock="100">\n`;
  const tail = '</votes>\n';
  const body = (inner: string): string => `${head}  <vote>\n${inner}  </vote>\n${tail}`;
  const opt = `    <option>${v.option}</option>\n`;
  const pub = `    <publickey>${v.publickey}</publickey>\n`;
  const sig = `    <signature>${v.signature}</signature>\n`;
  const cid = `    <txfile>${v.txfile!}</txfile>\n`;
  const good = fixtureXml(voting, 100, [v, w]);
  const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join(
    '\n',
  );
  const cases: InvalidCase[] = [
    {
      name: 'billion-laughs',
      xml: `<?xml version="1.0"?>\n<!DOCTYPE votes [\n<!ENTITY lol0 "lol">\n${lol}\n]>\n<votes version="0.1" voting="&lol9;" lastblock="1"></votes>\n`,
      code: 'XML_DOCTYPE',
      field: '-',
    },
    {
      name: 'external-entity',
      xml: `<?xml version="1.0"?>\n<!DOCTYPE votes SYSTEM "file:///etc/passwd">\n<votes/>\n`,
      code: 'XML_DOCTYPE',
      field: '-',
    },
    {
      name: 'entity-declaration-in-content',
      xml: `${head}<!ENTITY x "y">\n${tail}`,
      code: 'XML_DOCTYPE',
      field: 'votes',
    },
    {
      name: 'seed-sample',
      xml: `<?rml version="1.0"?>\n<votes>\n<votes>\n<vote>\n<option>${v.option}</option>\n</vote>\n`,
      code: 'XML_PROCESSING_INSTRUCTION',
      field: '-',
    },
    {
      name: 'nested-votes',
      xml: `${head}<votes>\n</votes>\n${tail}`,
      code: 'UNKNOWN_FIELD',
      field: 'votes.votes',
    },
    {
      name: 'processing-instruction',
      xml: `${head}<?php echo 1 ?>\n${tail}`,
      code: 'XML_PROCESSING_INSTRUCTION',
      field: 'votes',
    },
    {
      name: 'xml-declaration-not-first',
      xml: `\n${head}${tail}`,
      code: 'XML_PROCESSING_INSTRUCTION',
      field: '-',
    },
    {
      name: 'comment',
      xml: `${head}  <!-- counted by hand -->\n${tail}`,
      code: 'XML_COMMENT',
      field: 'votes',
    },
    {
      name: 'comment-in-vote',
      xml: body(`${opt}<!---->${pub}${sig}`),
      code: 'XML_COMMENT',
      field: 'votes.vote[0]',
    },
    {
      name: 'cdata',
      xml: body(`${opt}${pub}    <signature><![CDATA[${v.signature}]]></signature>\n`),
      code: 'XML_CDATA',
      field: 'votes.vote[0].signature',
    },
    {
      name: 'entity-reference',
      xml: body(`    <option>&amp;${v.option.slice(5)}</option>\n${pub}${sig}`),
      code: 'XML_REFERENCE',
      field: 'votes.vote[0].option',
    },
    {
      name: 'character-reference-in-attribute',
      xml: head.replace(`voting="${voting}"`, `voting="&#x61;${voting.slice(1)}"`) + tail,
      code: 'XML_REFERENCE',
      field: 'votes.voting',
    },
    { name: 'wrong-root', xml: `<ballots version="0.1"/>\n`, code: 'BAD_VOTES_FILE', field: '-' },
    { name: 'no-root', xml: `<?xml version="1.0"?>\n`, code: 'XML_SYNTAX', field: '-' },
    { name: 'content-after-root', xml: `${good}<votes/>\n`, code: 'XML_SYNTAX', field: '-' },
    { name: 'unclosed-root', xml: head, code: 'XML_SYNTAX', field: 'votes' },
    {
      name: 'mismatched-end-tag',
      xml: body(`${opt}${pub}    <signature>${v.signature}</option>\n`),
      code: 'XML_SYNTAX',
      field: 'votes.vote[0].signature',
    },
    {
      name: 'duplicate-attribute',
      xml: head.replace('lastblock="100"', `voting="${voting}" lastblock="100"`) + tail,
      code: 'XML_SYNTAX',
      field: 'votes.voting',
    },
    {
      name: 'unknown-attribute',
      xml: head.replace('lastblock="100"', 'lastblock="100" id="1"') + tail,
      code: 'UNKNOWN_FIELD',
      field: 'votes.id',
    },
    {
      name: 'attribute-on-vote',
      xml: `${head}  <vote id="1">\n${opt}${pub}${sig}  </vote>\n${tail}`,
      code: 'UNKNOWN_FIELD',
      field: 'votes.vote[0].id',
    },
    {
      name: 'unknown-element',
      xml: body(`${opt}${pub}${sig}    <weight>2</weight>\n`),
      code: 'UNKNOWN_FIELD',
      field: 'votes.vote[0].weight',
    },
    {
      name: 'element-in-value',
      xml: body(`    <option><b>x</b></option>\n${pub}${sig}`),
      code: 'UNKNOWN_FIELD',
      field: 'votes.vote[0].option.b',
    },
    {
      name: 'duplicate-child',
      xml: body(`${opt}${pub}${sig}${opt}`),
      code: 'BAD_VOTES_FILE',
      field: 'votes.vote[0].option',
    },
    {
      name: 'missing-signature',
      xml: body(`${opt}${pub}${cid}`),
      code: 'MISSING_FIELD',
      field: 'votes.vote[0].signature',
    },
    {
      name: 'empty-vote',
      xml: `${head}  <vote/>\n${tail}`,
      code: 'MISSING_FIELD',
      field: 'votes.vote[0].option',
    },
    {
      name: 'missing-lastblock',
      xml: head.replace(' lastblock="100"', '') + tail,
      code: 'MISSING_FIELD',
      field: 'votes.lastblock',
    },
    {
      name: 'unknown-version',
      xml: head.replace('version="0.1"', 'version="0.2"') + tail,
      code: 'UNKNOWN_VERSION',
      field: 'votes.version',
    },
    {
      name: 'text-in-vote',
      xml: body(`${opt}    yes\n${pub}${sig}`),
      code: 'BAD_VOTES_FILE',
      field: 'votes.vote[0]',
    },
    {
      name: 'upper-case-hex',
      xml: body(`${opt}    <publickey>${v.publickey.toUpperCase()}</publickey>\n${sig}`),
      code: 'BAD_FORMAT',
      field: 'votes.vote[0].publickey',
    },
    {
      name: 'padded-value',
      xml: body(`    <option> ${v.option} </option>\n${pub}${sig}`),
      code: 'BAD_FORMAT',
      field: 'votes.vote[0].option',
    },
    {
      name: 'short-voting',
      xml: head.replace(voting, voting.slice(2)) + tail,
      code: 'BAD_FORMAT',
      field: 'votes.voting',
    },
    {
      name: 'unpadded-base64',
      xml: body(`${opt}${pub}    <signature>${v.signature.replace(/=+$/, '')}</signature>\n`),
      code: 'BAD_FORMAT',
      field: 'votes.vote[0].signature',
    },
    {
      name: 'empty-signature',
      xml: body(`${opt}${pub}    <signature></signature>\n`),
      code: 'BAD_FORMAT',
      field: 'votes.vote[0].signature',
    },
    {
      name: 'cidv0-txfile',
      xml: body(`${opt}${pub}${sig}    <txfile>QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG</txfile>\n`),
      code: 'BAD_CID',
      field: 'votes.vote[0].txfile',
    },
    {
      name: 'lastblock-leading-zero',
      xml: head.replace('"100"', '"0100"') + tail,
      code: 'BAD_FORMAT',
      field: 'votes.lastblock',
    },
    {
      name: 'lastblock-negative',
      xml: head.replace('"100"', '"-1"') + tail,
      code: 'BAD_FORMAT',
      field: 'votes.lastblock',
    },
    {
      name: 'lastblock-too-large',
      xml: head.replace('"100"', '"9007199254740992"') + tail,
      code: 'OUT_OF_RANGE',
      field: 'votes.lastblock',
    },
    {
      name: 'non-ascii',
      xml: head.replace('<votes', '<votes\u00a0') + tail,
      code: 'BAD_VOTES_FILE',
      field: '-',
    },
    { name: 'too-many-votes', xml: good, options: { maxVotes: 1 }, code: 'TOO_MANY_VOTES', field: 'votes' },
    { name: 'too-large', xml: good, options: { maxBytes: 1000 }, code: 'TOO_LARGE', field: '-' },
    {
      name: 'not-canonical',
      xml: good.replace('<?xml version="1.0" encoding="UTF-8"?>\n', ''),
      options: { requireCanonical: true },
      code: 'BAD_VOTES_FILE',
      field: '-',
    },
  ];
  return cases;
}

// ---- signatures: the vote signing bytes and real signatures, both suites ----

interface RefusedVote {
  name: string;
  voting: string;
  voter: string;
  option: string;
  signature: string;
  code: string;
}

interface SignatureCase {
  suite: SuiteName;
  /** Test keys, published on purpose: never use them for anything else. */
  voterKey: { encryption: string; signing: string; signingPrivate: string };
  /** How `signature` was made, so it can be reproduced byte for byte. */
  signatureMethod: string;
  groupSecret: string;
  optionTitle: string;
  voting: string;
  option: string;
  voter: string;
  signingBytes: string;
  signingBytesSha512: string;
  signature: string;
  refused: RefusedVote[];
}

function signatureCase(suite: SuiteName): SignatureCase {
  const signingKey =
    suite === 'modern'
      ? seededKey('ed25519', 'voting vectors: alice ed25519')
      : committedRsaKey('voting-vectors-rsa-4096');
  const encryptionKey = suite === 'modern' ? seededKey('x25519', 'voting vectors: alice x25519') : signingKey;
  const identity: PublicIdentity = {
    suite,
    encryption: new Uint8Array(der(encryptionKey, 'spki')),
    signing: new Uint8Array(der(signingKey, 'spki')),
  };
  const secret = Buffer.from(GROUP_SECRET);
  const hmac = (data: Uint8Array): string => createHmac('sha512', secret).update(data).digest('hex');
  const optionTitle = 'Yes';
  const fields = {
    voting: votingHash(`voting:signatures:${suite}`),
    voter: hmac(publicKeyBytes(identity)),
    option: hmac(Buffer.from(optionTitle)),
  };
  const sign = (bytes: Uint8Array, label: string): string =>
    Buffer.from(
      suite === 'modern'
        ? getSuite(suite).sign(new Uint8Array(der(signingKey, 'pkcs8')), bytes)
        : deterministicPss(signingKey, bytes, label),
    ).toString('base64');
  const signingBytes = voteSigningBytes(fields);
  const signature = sign(signingBytes, `${suite}:vote`);
  verifyVote(identity, { ...fields, signature }); // the generator refuses to write a vector that fails
  const other = { voting: votingHash(`voting:signatures:${suite}:earlier`), voter: votingHash('voter:bob') };
  const refusedInputs: Omit<RefusedVote, 'code'>[] = [
    { name: 'copied into another voting of the group', ...fields, voting: other.voting, signature },
    { name: 're-attributed to another voter', ...fields, voter: other.voter, signature },
    { name: 'another option', ...fields, option: hmac(Buffer.from('No')), signature },
    {
      name: 'v1 signature (over the option alone)',
      ...fields,
      signature: sign(legacyVoteSigningBytes(fields.option), `${suite}:v1`),
    },
  ];
  const refused = refusedInputs.map((input) => {
    try {
      verifyVote(identity, input);
    } catch (error) {
      if (isProtocolError(error)) return { ...input, code: error.code };
      throw error;
    }
    throw new Error(`refused vote "${input.name}" was accepted`);
  });
  return {
    suite,
    voterKey: {
      encryption: Buffer.from(identity.encryption).toString('base64'),
      signing: Buffer.from(identity.signing).toString('base64'),
      signingPrivate: der(signingKey, 'pkcs8').toString('base64'),
    },
    signatureMethod:
      suite === 'modern'
        ? 'Ed25519 (deterministic); private key = PKCS#8 of seed SHA-256("voting vectors: alice ed25519")'
        : 'RSA-PSS-SHA256, MGF1-SHA256, salt = SHA-256("salt:rsa-4096:vote") (v1: "salt:rsa-4096:v1"); any valid salt verifies',
    groupSecret: secret.toString('hex'),
    optionTitle,
    ...fields,
    signingBytes: Buffer.from(signingBytes).toString('hex'),
    signingBytesSha512: createHash('sha512').update(signingBytes).digest('hex'),
    signature,
    refused,
  };
}

export interface VotingVectors {
  name: 'voting';
  version: 1;
  description: string;
  valid: ValidCase[];
  invalid: InvalidCase[];
  signatures: { description: string; cases: SignatureCase[] };
}

export function buildVotingVectors(): VotingVectors {
  return {
    name: 'voting',
    version: 1,
    description:
      'Votes file v0.1 (strict XML) and its tally. valid[]: parsing `xml` (UTF-8) gives `file` ' +
      '(votes in document order); when `canonical`, serializing `file` gives exactly `xml`; ' +
      'tallying `file` with `optionHashes` gives `tally`, where a verify callback refuses exactly the ' +
      'signatures listed in `badSignatures` (none when absent). Counting rule: votes are taken in ' +
      'canonical order (publickey, then option, then signature, then txfile, absent first; code-unit ' +
      'string order); unknown option -> unknown-option; refused signature -> bad-signature with code ' +
      'VOTE_NOT_FOR_THIS_VOTING; otherwise ' +
      'a voter whose vote was already counted -> duplicate-voter; rejected votes do not use up the ' +
      "voter's vote; rejected[].index is the position in file.votes, listed in canonical order. " +
      'invalid[]: parsing `xml` with `options` fails with ProtocolError `code` at `field`. ' +
      'Signatures are opaque placeholders, not real signatures.',
    valid: validCases(),
    invalid: invalidCases(),
    signatures: {
      description:
        'Vote signatures: signingBytes = "anchorpost/v2/vote" || u32be(64) || voting || u32be(64) || voter || ' +
        'u32be(64) || option (each hash as its 64 raw bytes); voter = HMAC-SHA512(groupSecret, publicKeyBytes), ' +
        'publicKeyBytes = "anchorpost/v1/public-key\\0<suite>\\0" || u32be(len) || encryption SPKI || u32be(len) || ' +
        'signing SPKI; option = HMAC-SHA512(groupSecret, optionTitle). `signature` verifies over signingBytes ' +
        'with voterKey.signing; each refused[] vote must be refused with `code`.',
      cases: (['modern', 'rsa-4096'] as const).map(signatureCase),
    },
  };
}

export const VOTING_VECTORS_PATH = new URL('../test-vectors/voting-v1.json', import.meta.url);

export function votingVectorsJson(): string {
  return `${JSON.stringify(buildVotingVectors(), null, 2)}\n`;
}

if (import.meta.main) {
  writeFileSync(VOTING_VECTORS_PATH, votingVectorsJson());
  console.log(`wrote ${VOTING_VECTORS_PATH.pathname}`);
}
