/**
 * The Votes file (seed 001, "In-app voting" → "Votes file"): the XML document an organizer publishes
 * after `lastblock`, listing every vote it collected, so that every voter can recount.
 *
 * The seed's sample is sloppy (`<?rml version="1.0"?>`, a `<votes>` opened twice and closed by
 * `</vote>`, no link to the voting it belongs to). The canonical form defined here is its clean
 * reading, plus the header attributes a recount needs:
 *
 * ```xml
 * <?xml version="1.0" encoding="UTF-8"?>
 * <votes version="0.1" voting="VOTING_STATE_AFTER" lastblock="HEIGHT">
 *   <vote>
 *     <option>OPTION_HASH</option>
 *     <publickey>PUBLIC_KEY_HMAC_HASH</publickey>
 *     <signature>SIGNATURE</signature>
 *     <txfile>VOTER_TX_FILE_CID</txfile>
 *   </vote>
 * </votes>
 * ```
 *
 * Canonical bytes (what {@link serializeVotesFile} writes, and what is put on IPFS and anchored):
 * - exactly the text above: the XML declaration, LF line ends, two-space indentation, one trailing
 *   LF, attributes in the order `version`, `voting`, `lastblock`, children in the order `option`,
 *   `publickey`, `signature`, `txfile`; `txfile` is written only when known; no votes gives
 *   `<votes …>\n</votes>\n`;
 * - votes sorted by `publickey`, then `option`, then `signature`, then `txfile` (absent first),
 *   comparing strings by code unit, so one set of votes always has one byte form;
 * - values: `voting`, `option`, `publickey` are 128 lower-case hex characters (HMAC-SHA512 with
 *   the group secret; `voting` is the voting transaction-file's `state.after`); `signature` is
 *   canonical padded base64 (the voter's signature over the v2 vote signing bytes of this voting,
 *   this voter and this option, see vote-signature.ts);
 *   `txfile` is the CIDv1 (base32) of the voter's transaction-file; `lastblock` is a decimal
 *   non-negative safe integer without leading zeros.
 *
 * The reader ({@link parseVotesFile}) accepts exactly this grammar, not XML in general. It also
 * accepts insignificant variations: a UTF-8 byte order mark, no XML declaration (or one with
 * `standalone`, single quotes, any case of `UTF-8`), any whitespace between tags and inside tags,
 * CRLF line ends, attributes and `<vote>` children in any order, empty-element tags (`<votes … />`
 * for a file without votes), and votes in any order. Values are taken verbatim (no trimming).
 * It rejects, each with its own code: DOCTYPE and any other markup declaration
 * (`XML_DOCTYPE`, so entity expansion, "billion laughs" and external entities cannot happen),
 * entity and character references (`XML_REFERENCE`; values are hex/base64 and need none),
 * processing instructions other than the leading XML declaration (`XML_PROCESSING_INSTRUCTION`),
 * CDATA sections (`XML_CDATA`), comments (`XML_COMMENT`), malformed markup (`XML_SYNTAX`), unknown
 * elements and attributes (`UNKNOWN_FIELD`), missing ones (`MISSING_FIELD`), duplicate `<vote>`
 * children, stray text and a root other than `<votes>` (`BAD_VOTES_FILE`), bad values
 * (`BAD_FORMAT`, `BAD_CID`, `OUT_OF_RANGE`, `UNKNOWN_VERSION`), any byte outside printable ASCII,
 * TAB, LF and CR (`BAD_VOTES_FILE`), input over `maxBytes` (`TOO_LARGE`) and more than `maxVotes`
 * votes (`TOO_MANY_VOTES`). Fields are dotted paths: `votes.lastblock`, `votes.vote[3].option`
 * (vote indexes count `<vote>` elements from 0 in document order); '-' for the whole document.
 *
 * The reader is a single forward pass over the input (no regular expressions over unbounded
 * text, no recursion, no backtracking): time and memory are linear in the input size.
 */
import { CID } from 'multiformats/cid';
import { bytesEqual } from '../bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';

export const VOTES_FILE_VERSION = '0.1';
/** Default {@link ParseVotesFileOptions.maxBytes}: 64 MiB. */
export const DEFAULT_MAX_VOTES_FILE_BYTES = 64 * 1024 * 1024;
/** Default {@link ParseVotesFileOptions.maxVotes}. */
export const DEFAULT_MAX_VOTES = 1_000_000;

/** A CIDv1 of a transaction-file is ~60 characters; anything far longer is not one. */
const MAX_CID_LENGTH = 256;
/** Names shown in error fields and messages are cut to this length. */
const MAX_SHOWN_NAME = 64;

export interface VotesFileVote {
  /** The chosen option's title hash (128 hex). */
  option: string;
  /** The voter: HMAC of the voter's public key (128 hex); the seed calls it `publickey`. */
  publickey: string;
  /** The voter's signature over this voting, this voter and `option` (vote-signature.ts; base64). */
  signature: string;
  /** CIDv1 (base32) of the voter's transaction-file, when the organizer includes it. */
  txfile?: string;
}

export interface VotesFile {
  version: typeof VOTES_FILE_VERSION;
  /** The voting transaction-file's `state.after` (128 hex). */
  voting: string;
  /** The voting's last block height: only votes anchored at or below it are listed. */
  lastblock: number;
  votes: VotesFileVote[];
}

export interface ParseVotesFileOptions {
  /**
   * Larger input is rejected with TOO_LARGE before it is read. Default 64 MiB. The reader holds the
   * file as one string, so values beyond V8's string limit (~512 MiB) cannot work.
   */
  maxBytes?: number;
  /** More `<vote>` elements are rejected with TOO_MANY_VOTES. Default 1,000,000. */
  maxVotes?: number;
  /** Also require the exact canonical bytes (BAD_VOTES_FILE otherwise). Default false. */
  requireCanonical?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Values

const HEX128_RE = /^[0-9a-f]{128}$/;
const VOTE_KEYS: ReadonlySet<string> = new Set(['option', 'publickey', 'signature', 'txfile']);
const FILE_KEYS: ReadonlySet<string> = new Set(['version', 'voting', 'lastblock', 'votes']);

function fail(code: ErrorCode, field: string, message: string): never {
  throw new ProtocolError(code, field, message);
}

function shown(name: string): string {
  return name.length > MAX_SHOWN_NAME ? `${name.slice(0, MAX_SHOWN_NAME)}…` : name;
}

function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') fail(ErrorCode.WrongType, field, 'expected a string');
  return value;
}

function checkHex128(value: unknown, field: string): string {
  const text = checkString(value, field);
  if (text.length !== 128 || !HEX128_RE.test(text))
    fail(ErrorCode.BadFormat, field, 'expected 128 lower-case hex characters');
  return text;
}

function isBase64Char(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b ||
    c === 0x2f
  );
}

/**
 * Canonical padded base64, checked by a plain loop: the regular expression in bytes.ts overflows
 * V8's backtracking stack on multi-megabyte strings (RangeError instead of BAD_FORMAT).
 */
function checkSignature(value: unknown, field: string): string {
  const text = checkString(value, field);
  if (text.length === 0) fail(ErrorCode.BadFormat, field, 'expected canonical base64, got nothing');
  const bad = (): never => fail(ErrorCode.BadFormat, field, 'expected canonical base64');
  if (text.length % 4 !== 0) bad();
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  for (let i = 0; i < text.length - padding; i++) if (!isBase64Char(text.charCodeAt(i))) bad();
  // Canonical: the bits the padding leaves over are zero, so decoding and encoding gives `text` back.
  if (padding > 0 && btoa(atob(text.slice(-4))) !== text.slice(-4)) bad();
  return text;
}

function checkCid(value: unknown, field: string): string {
  const text = checkString(value, field);
  if (text.length > MAX_CID_LENGTH || !text.startsWith('b')) {
    fail(ErrorCode.BadCid, field, 'expected a CIDv1 in base32');
  }
  let cid: CID;
  try {
    cid = CID.parse(text);
  } catch (error) {
    throw new ProtocolError(ErrorCode.BadCid, field, 'expected a CIDv1 in base32', { cause: error });
  }
  if (cid.version !== 1 || cid.toString() !== text) {
    fail(ErrorCode.BadCid, field, 'expected a CIDv1 in canonical base32');
  }
  return text;
}

function checkHeight(value: unknown, field: string): number {
  if (typeof value !== 'number') fail(ErrorCode.WrongType, field, 'expected a number');
  if (!Number.isSafeInteger(value) || value < 0) {
    fail(ErrorCode.OutOfRange, field, 'expected a non-negative safe integer');
  }
  return value;
}

/** `lastblock` as written in XML: decimal digits, no sign, no leading zeros, at most 2^53 − 1. */
function parseHeightText(text: string, field: string): number {
  if (!/^(?:0|[1-9][0-9]*)$/.test(text)) {
    fail(ErrorCode.BadFormat, field, 'expected a decimal integer without sign or leading zeros');
  }
  const value = text.length > 16 ? Number.POSITIVE_INFINITY : Number(text);
  if (!Number.isSafeInteger(value)) fail(ErrorCode.OutOfRange, field, 'expected at most 2^53 - 1');
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkVote(value: unknown, field: string): VotesFileVote {
  if (!isRecord(value)) fail(ErrorCode.WrongType, field, 'expected an object');
  for (const key of Object.keys(value)) {
    if (!VOTE_KEYS.has(key)) fail(ErrorCode.UnknownField, `${field}.${shown(key)}`, 'unknown field');
  }
  for (const key of ['option', 'publickey', 'signature'] as const) {
    if (value[key] === undefined) fail(ErrorCode.MissingField, `${field}.${key}`, `missing ${key}`);
  }
  const vote: VotesFileVote = {
    option: checkHex128(value.option, `${field}.option`),
    publickey: checkHex128(value.publickey, `${field}.publickey`),
    signature: checkSignature(value.signature, `${field}.signature`),
  };
  if (value.txfile !== undefined) vote.txfile = checkCid(value.txfile, `${field}.txfile`);
  return vote;
}

/**
 * Checks an in-memory Votes file (fields, types, encodings) and returns a clean copy, votes in the
 * given order. Throws the same codes and fields as {@link parseVotesFile}.
 */
export function checkVotesFile(value: unknown): VotesFile {
  if (!isRecord(value)) fail(ErrorCode.WrongType, 'votes', 'expected an object');
  for (const key of Object.keys(value)) {
    if (!FILE_KEYS.has(key)) fail(ErrorCode.UnknownField, `votes.${shown(key)}`, 'unknown field');
  }
  for (const key of ['version', 'voting', 'lastblock', 'votes'] as const) {
    if (value[key] === undefined) fail(ErrorCode.MissingField, `votes.${key}`, `missing ${key}`);
  }
  if (value.version !== VOTES_FILE_VERSION) {
    fail(ErrorCode.UnknownVersion, 'votes.version', `expected version ${VOTES_FILE_VERSION}`);
  }
  const voting = checkHex128(value.voting, 'votes.voting');
  const lastblock = checkHeight(value.lastblock, 'votes.lastblock');
  if (!Array.isArray(value.votes)) fail(ErrorCode.WrongType, 'votes.vote', 'expected an array');
  const list: readonly unknown[] = value.votes;
  const votes = list.map((vote, index) => checkVote(vote, `votes.vote[${index}]`));
  return { version: VOTES_FILE_VERSION, voting, lastblock, votes };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical vote order: by publickey, then option, then signature, then txfile (absent first). */
export function compareVotes(a: VotesFileVote, b: VotesFileVote): number {
  return (
    compareStrings(a.publickey, b.publickey) ||
    compareStrings(a.option, b.option) ||
    compareStrings(a.signature, b.signature) ||
    (a.txfile === undefined
      ? b.txfile === undefined
        ? 0
        : -1
      : b.txfile === undefined
        ? 1
        : compareStrings(a.txfile, b.txfile))
  );
}

/** A checked copy of `value` with its votes in canonical order. */
export function canonicalizeVotesFile(value: VotesFile): VotesFile {
  const checked = checkVotesFile(value);
  checked.votes.sort(compareVotes);
  return checked;
}

/** The canonical XML bytes of a Votes file (see the module comment); throws on invalid input. */
export function serializeVotesFile(value: VotesFile): Uint8Array {
  const file = canonicalizeVotesFile(value);
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<votes version="${file.version}" voting="${file.voting}" lastblock="${file.lastblock}">\n`,
  ];
  for (const vote of file.votes) {
    parts.push(
      '  <vote>\n',
      `    <option>${vote.option}</option>\n`,
      `    <publickey>${vote.publickey}</publickey>\n`,
      `    <signature>${vote.signature}</signature>\n`,
    );
    if (vote.txfile !== undefined) parts.push(`    <txfile>${vote.txfile}</txfile>\n`);
    parts.push('  </vote>\n');
  }
  parts.push('</votes>\n');
  return new TextEncoder().encode(parts.join(''));
}

// ---------------------------------------------------------------------------------------------
// Reader

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const BANG = 0x21;
const DQUOTE = 0x22;
const AMP = 0x26;
const SQUOTE = 0x27;
const SLASH = 0x2f;
const LT = 0x3c;
const EQUALS = 0x3d;
const GT = 0x3e;
const QUESTION = 0x3f;

function isSpace(c: number): boolean {
  return c === SPACE || c === LF || c === TAB || c === CR;
}

/** ASCII subset of XML NameStartChar. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** ASCII subset of XML NameChar. */
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;
}

type Attribute = { name: string; value: string; at: number };

type VoteChild = 'option' | 'publickey' | 'signature' | 'txfile';

function isVoteChild(name: string): name is VoteChild {
  return VOTE_KEYS.has(name);
}

const NO_ATTRIBUTES: ReadonlySet<string> = new Set();
const ROOT_ATTRIBUTES: ReadonlySet<string> = new Set(['version', 'voting', 'lastblock']);
const DECLARATION_ATTRIBUTES = ['version', 'encoding', 'standalone'];
const DECLARATION_ATTRIBUTE_SET: ReadonlySet<string> = new Set(DECLARATION_ATTRIBUTES);
const REFERENCE_MESSAGE = 'entity and character references are not allowed';

/** 1-based line and column of an offset, for messages (computed only when failing). */
/** Bytes as a string of the same length, one character per byte (no Buffer: this runs in browsers). */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.byteLength; at += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return text;
}

function lineColumn(text: string, at: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === LF) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${at - lineStart + 1}`;
}

/**
 * One forward pass over the document, which the caller has already checked to be printable ASCII
 * (so reading it as latin1 gives one character per byte). `pos` only moves forward.
 */
class VotesFileReader {
  readonly text: string;
  readonly maxVotes: number;
  pos = 0;

  constructor(text: string, maxVotes: number) {
    this.text = text;
    this.maxVotes = maxVotes;
  }

  fail(code: ErrorCode, field: string, message: string, at = this.pos): never {
    throw new ProtocolError(code, field, `${message} at ${lineColumn(this.text, at)}`);
  }

  /** Runs a value check; its ProtocolError gets the value's position appended. */
  located<T>(at: number, check: () => T): T {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      const message = `${error.message} at ${lineColumn(this.text, at)}`;
      throw new ProtocolError(error.code, error.field, message, { cause: error });
    }
  }

  /** The character code at an offset; past the end it is NaN, which matches no class below. */
  code(at: number): number {
    return this.text.charCodeAt(at);
  }

  skipSpace(): void {
    while (isSpace(this.code(this.pos))) this.pos++;
  }

  /** At `<!` or `<?` (anything but the leading XML declaration): always an error, classified. */
  rejectMarkup(field: string): never {
    const t = this.text;
    const p = this.pos;
    if (t.startsWith('<!--', p)) this.fail(ErrorCode.XmlComment, field, 'comments are not allowed');
    if (t.startsWith('<![CDATA[', p)) this.fail(ErrorCode.XmlCdata, field, 'CDATA sections are not allowed');
    if (t.startsWith('<!DOCTYPE', p)) this.fail(ErrorCode.XmlDoctype, field, 'DOCTYPE is not allowed');
    if (t.startsWith('<!', p)) {
      this.fail(ErrorCode.XmlDoctype, field, 'markup declarations (ENTITY, ELEMENT, ...) are not allowed');
    }
    this.fail(ErrorCode.XmlProcessingInstruction, field, 'processing instructions are not allowed');
  }

  /**
   * At `<` in content: classifies what follows. Comments, CDATA, declarations and processing
   * instructions are rejected here; returns whether it is an end tag or a start tag.
   */
  markupAfterLt(field: string): 'end' | 'start' {
    const next = this.code(this.pos + 1);
    if (next === SLASH) return 'end';
    if (next === BANG || next === QUESTION) this.rejectMarkup(field);
    if (!isNameStart(next)) this.fail(ErrorCode.XmlSyntax, field, "malformed markup after '<'");
    return 'start';
  }

  /** Whitespace outside the root element; any markup there but the root is rejected. */
  skipMisc(field: string): void {
    this.skipSpace();
    if (this.code(this.pos) === LT) {
      const next = this.code(this.pos + 1);
      if (next === BANG || next === QUESTION) this.rejectMarkup(field);
    }
  }

  readName(field: string): string {
    const start = this.pos;
    if (!isNameStart(this.code(start))) this.fail(ErrorCode.XmlSyntax, field, 'expected a name');
    let end = start + 1;
    while (isNameChar(this.code(end))) end++;
    this.pos = end;
    return this.text.slice(start, end);
  }

  /** A quoted attribute value; `<` is malformed, `&` is a (forbidden) reference. */
  readQuoted(field: string): string {
    const quote = this.code(this.pos);
    if (quote !== DQUOTE && quote !== SQUOTE)
      this.fail(ErrorCode.XmlSyntax, field, 'expected a quoted value');
    const start = this.pos + 1;
    let i = start;
    for (;;) {
      const c = this.code(i);
      if (c === quote) break;
      if (Number.isNaN(c)) this.fail(ErrorCode.XmlSyntax, field, 'unterminated attribute value', start - 1);
      if (c === LT) this.fail(ErrorCode.XmlSyntax, field, "'<' in an attribute value", i);
      if (c === AMP) this.fail(ErrorCode.XmlReference, field, REFERENCE_MESSAGE, i);
      i++;
    }
    this.pos = i + 1;
    return this.text.slice(start, i);
  }

  /**
   * Attributes up to the end of a tag (`>` or `/>`) or of the XML declaration (`?>`, then field
   * '-'). Names are checked against `allowed` as they are read (UNKNOWN_FIELD `<path>.<name>`).
   */
  readAttributes(
    path: string,
    allowed: ReadonlySet<string>,
    declaration: boolean,
  ): { attributes: Attribute[]; selfClosing: boolean } {
    const attributes: Attribute[] = [];
    const seen = new Set<string>();
    for (;;) {
      const hadSpace = isSpace(this.code(this.pos));
      this.skipSpace();
      const c = this.code(this.pos);
      if (declaration) {
        if (c === QUESTION && this.code(this.pos + 1) === GT) {
          this.pos += 2;
          return { attributes, selfClosing: false };
        }
      } else if (c === GT) {
        this.pos += 1;
        return { attributes, selfClosing: false };
      } else if (c === SLASH && this.code(this.pos + 1) === GT) {
        this.pos += 2;
        return { attributes, selfClosing: true };
      }
      if (Number.isNaN(c)) this.fail(ErrorCode.XmlSyntax, path, 'unterminated tag');
      if (!hadSpace || !isNameStart(c)) this.fail(ErrorCode.XmlSyntax, path, 'malformed tag');
      const at = this.pos;
      const name = this.readName(path);
      const field = declaration ? '-' : `${path}.${shown(name)}`;
      if (!allowed.has(name)) {
        const code = declaration ? ErrorCode.XmlSyntax : ErrorCode.UnknownField;
        this.fail(code, field, `unknown attribute ${shown(name)}`, at);
      }
      if (seen.has(name)) this.fail(ErrorCode.XmlSyntax, field, `duplicate attribute ${name}`, at);
      seen.add(name);
      this.skipSpace();
      if (this.code(this.pos) !== EQUALS) this.fail(ErrorCode.XmlSyntax, field, "expected '='");
      this.pos += 1;
      this.skipSpace();
      attributes.push({ name, value: this.readQuoted(field), at });
    }
  }

  /** `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`: version required, in this order. */
  readDeclaration(): void {
    this.pos += '<?xml'.length;
    const { attributes } = this.readAttributes('-', DECLARATION_ATTRIBUTE_SET, true);
    let last = -1;
    for (const { name, value, at } of attributes) {
      const rank = DECLARATION_ATTRIBUTES.indexOf(name);
      if (rank < last) this.fail(ErrorCode.XmlSyntax, '-', 'XML declaration attributes out of order', at);
      last = rank;
      const ok =
        name === 'version'
          ? value === '1.0'
          : name === 'encoding'
            ? value.toLowerCase() === 'utf-8'
            : value === 'yes' || value === 'no';
      if (!ok)
        this.fail(ErrorCode.XmlSyntax, '-', `unsupported XML declaration ${name}="${shown(value)}"`, at);
    }
    if (attributes[0]?.name !== 'version')
      this.fail(ErrorCode.XmlSyntax, '-', 'XML declaration without version');
  }

  /** At `</`: the end tag of `name`. */
  readEndTag(name: string, path: string): void {
    const at = this.pos;
    this.pos += 2;
    const found = this.readName(path);
    if (found !== name)
      this.fail(ErrorCode.XmlSyntax, path, `expected </${name}>, found </${shown(found)}>`, at);
    this.skipSpace();
    if (this.code(this.pos) !== GT) this.fail(ErrorCode.XmlSyntax, path, "expected '>'");
    this.pos += 1;
  }

  /**
   * Content of a container element (`votes` or `vote`): whitespace only, up to the next tag.
   * Returns at its `<`: 'end' for an end tag, 'start' for a child's start tag.
   */
  nextTag(path: string, container: string): 'end' | 'start' {
    for (;;) {
      const c = this.code(this.pos);
      if (c === LT) return this.markupAfterLt(path);
      if (isSpace(c)) {
        this.pos++;
        continue;
      }
      if (Number.isNaN(c)) this.fail(ErrorCode.XmlSyntax, path, `unclosed <${container}>`);
      if (c === AMP) this.fail(ErrorCode.XmlReference, path, REFERENCE_MESSAGE);
      this.fail(ErrorCode.BadVotesFile, path, `unexpected text in <${container}>`);
    }
  }

  /** Text content of a leaf element, then its end tag; no child elements, no other markup. */
  readLeaf(name: string, path: string): string {
    const start = this.pos;
    let i = start;
    for (;;) {
      const c = this.code(i);
      if (c === LT) break;
      if (Number.isNaN(c)) this.fail(ErrorCode.XmlSyntax, path, `unclosed <${name}>`, i);
      if (c === AMP) this.fail(ErrorCode.XmlReference, path, REFERENCE_MESSAGE, i);
      i++;
    }
    const value = this.text.slice(start, i);
    this.pos = i;
    if (this.markupAfterLt(path) === 'start') {
      this.pos += 1;
      const child = this.readName(path);
      this.fail(ErrorCode.UnknownField, `${path}.${shown(child)}`, `<${name}> holds text only`, i);
    }
    this.readEndTag(name, path);
    return value;
  }

  readVote(index: number, selfClosing: boolean): VotesFileVote {
    const path = `votes.vote[${index}]`;
    const values: Partial<Record<VoteChild, string>> = {};
    while (!selfClosing) {
      if (this.nextTag(path, 'vote') === 'end') {
        this.readEndTag('vote', path);
        break;
      }
      const at = this.pos;
      this.pos += 1;
      const name = this.readName(path);
      const field = `${path}.${shown(name)}`;
      if (!isVoteChild(name))
        this.fail(ErrorCode.UnknownField, field, `unknown element <${shown(name)}>`, at);
      if (values[name] !== undefined) this.fail(ErrorCode.BadVotesFile, field, `duplicate <${name}>`, at);
      const selfClosing = this.readAttributes(field, NO_ATTRIBUTES, false).selfClosing;
      const valueAt = this.pos;
      const raw = selfClosing ? '' : this.readLeaf(name, field);
      values[name] = this.located(valueAt, () =>
        name === 'signature'
          ? checkSignature(raw, field)
          : name === 'txfile'
            ? checkCid(raw, field)
            : checkHex128(raw, field),
      );
    }
    const { option, publickey, signature, txfile } = values;
    if (option === undefined) this.fail(ErrorCode.MissingField, `${path}.option`, 'missing <option>');
    if (publickey === undefined)
      this.fail(ErrorCode.MissingField, `${path}.publickey`, 'missing <publickey>');
    if (signature === undefined)
      this.fail(ErrorCode.MissingField, `${path}.signature`, 'missing <signature>');
    const vote: VotesFileVote = { option, publickey, signature };
    if (txfile !== undefined) vote.txfile = txfile;
    return vote;
  }

  readHeader(attributes: readonly Attribute[], rootAt: number): VotesFile {
    const get = (name: string): Attribute => {
      const found = attributes.find((a) => a.name === name);
      if (found === undefined)
        this.fail(ErrorCode.MissingField, `votes.${name}`, `missing attribute ${name}`, rootAt);
      return found;
    };
    const version = get('version');
    if (version.value !== VOTES_FILE_VERSION) {
      this.fail(
        ErrorCode.UnknownVersion,
        'votes.version',
        `expected version ${VOTES_FILE_VERSION}`,
        version.at,
      );
    }
    const voting = get('voting');
    const lastblock = get('lastblock');
    return {
      version: VOTES_FILE_VERSION,
      voting: this.located(voting.at, () => checkHex128(voting.value, 'votes.voting')),
      lastblock: this.located(lastblock.at, () => parseHeightText(lastblock.value, 'votes.lastblock')),
      votes: [],
    };
  }

  readDocument(): VotesFile {
    if (this.text.startsWith('\u00ef\u00bb\u00bf')) this.pos = 3; // a UTF-8 BOM, read as latin1
    if (this.text.startsWith('<?xml', this.pos) && isSpace(this.code(this.pos + 5))) this.readDeclaration();
    this.skipMisc('-');
    if (this.pos >= this.text.length) this.fail(ErrorCode.XmlSyntax, '-', 'no root element');
    if (this.code(this.pos) !== LT) this.fail(ErrorCode.XmlSyntax, '-', 'text before the root element');
    const rootAt = this.pos;
    this.pos += 1;
    if (this.readName('-') !== 'votes')
      this.fail(ErrorCode.BadVotesFile, '-', 'the root element must be <votes>', rootAt);
    const root = this.readAttributes('votes', ROOT_ATTRIBUTES, false);
    const file = this.readHeader(root.attributes, rootAt);
    while (!root.selfClosing) {
      if (this.nextTag('votes', 'votes') === 'end') {
        this.readEndTag('votes', 'votes');
        break;
      }
      const at = this.pos;
      const index = file.votes.length;
      this.pos += 1;
      const name = this.readName('votes');
      if (name !== 'vote') {
        this.fail(ErrorCode.UnknownField, `votes.${shown(name)}`, `unknown element <${shown(name)}>`, at);
      }
      if (index >= this.maxVotes)
        this.fail(ErrorCode.TooManyVotes, 'votes', `more than ${this.maxVotes} votes`, at);
      const path = `votes.vote[${index}]`;
      file.votes.push(this.readVote(index, this.readAttributes(path, NO_ATTRIBUTES, false).selfClosing));
    }
    this.skipMisc('-');
    if (this.pos < this.text.length) this.fail(ErrorCode.XmlSyntax, '-', 'content after the root element');
    return file;
  }
}

function checkLimit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

/**
 * Reads a Votes file strictly (see the module comment for the accepted grammar and the errors).
 * Votes are returned in document order; {@link canonicalizeVotesFile} sorts them.
 */
export function parseVotesFile(bytes: Uint8Array, options: ParseVotesFileOptions = {}): VotesFile {
  const maxBytes = checkLimit(options.maxBytes, DEFAULT_MAX_VOTES_FILE_BYTES, 'maxBytes');
  const maxVotes = checkLimit(options.maxVotes, DEFAULT_MAX_VOTES, 'maxVotes');
  if (bytes.byteLength > maxBytes) {
    fail(
      ErrorCode.TooLarge,
      '-',
      `the Votes file is ${bytes.byteLength} bytes, more than the limit of ${maxBytes}`,
    );
  }
  // Printable ASCII, TAB, LF and CR only (after an optional UTF-8 BOM): every name and value in the
  // format is ASCII, so this also rules out encodings other than UTF-8 and every lookalike trick.
  const bom = bytes.byteLength >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let i = bom; i < bytes.byteLength; i++) {
    const c = bytes[i]!;
    if ((c < SPACE && c !== LF && c !== CR && c !== TAB) || c > 0x7e) {
      const where = lineColumn(latin1(bytes.subarray(0, i)), i);
      const hex = c.toString(16).padStart(2, '0');
      fail(ErrorCode.BadVotesFile, '-', `byte 0x${hex} at ${where}: a Votes file is printable ASCII`);
    }
  }
  const text = latin1(bytes);
  const file = new VotesFileReader(text, maxVotes).readDocument();
  if (options.requireCanonical === true) {
    if (!bytesEqual(serializeVotesFile(file), bytes)) {
      fail(ErrorCode.BadVotesFile, '-', 'the Votes file is not in canonical form');
    }
  }
  return file;
}
