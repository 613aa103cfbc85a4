/**
 * Strict schema check of a transaction-file document (the value under the YAML root), producing a
 * clean TxFile: fields in schema order, optional fields absent (never `undefined`), the
 * "single or plural" fields always as lists.
 *
 * Input comes from two places, and both are accepted:
 * - the YAML reader (FAILSAFE schema), where every scalar is a string, so integers arrive as
 *   decimal text and are checked to be canonical (`0`, `17`; never `017`, `+1`, `1e3`, `0x10`);
 * - JavaScript callers (serializeTxFile), where integers are numbers and an optional field set
 *   to `undefined` counts as absent.
 *
 * Errors name the field as a dotted path into the input: `transaction.sender[1].signature`. A
 * "single or plural" field given as one mapping has no index: `transaction.sender.signature`.
 */
import { fromBase64 } from '../bytes.ts';
import { ErrorCode, ProtocolError } from '../errors.ts';
import { TX_FILE_MAX_ATTACHMENTS, TX_FILE_MAX_OPTIONS, TX_FILE_MAX_SENDERS } from './limits.ts';
import { SUITES, TX_FILE_VERSIONS } from './schema.ts';
import type {
  BlockRef,
  MessageReference,
  SealedField,
  SuiteName,
  TxBlockchain,
  TxClient,
  TxFile,
  TxFileVersion,
  TxMessage,
  TxSender,
  TxState,
  TxVote,
  TxVoting,
  VotingOption,
} from './schema.ts';

type Fields = Readonly<Record<string, unknown>>;

const HASH_RE = /^[0-9a-f]{128}$/;
const HEX64_RE = /^[0-9a-f]{64}$/;
const DECIMAL_RE = /^(-?)(0|[1-9][0-9]*)$/;
const SIMPLE_KEY_RE = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const MAX_KEY_IN_PATH = 64;

/**
 * Fields that depend on bytes computed from the rest of the file are not read at all in some modes
 * and come out as '': `state.after` (blankAfter), `client.signature` and every
 * `sender[i].signature` (blankSignatures).
 */
interface Mode {
  readonly blankAfter: boolean;
  readonly blankSignatures: boolean;
}

/** Validates a parsed document (`{ transaction: … }`) and returns the TxFile inside it. */
export function validateTxFile(doc: unknown): TxFile {
  return readDocument(doc, { blankAfter: false, blankSignatures: false });
}

/**
 * For canonicalSigningBytes only: like validateTxFile, but `state.after`, `client.signature` and
 * every `sender[i].signature` are ignored (they may be missing or anything) and come out as ''.
 */
export function validateTxFileForSigning(doc: unknown): TxFile {
  return readDocument(doc, { blankAfter: true, blankSignatures: true });
}

/**
 * For canonicalDigestBytes only: like validateTxFile, but `client.signature` and every
 * `sender[i].signature` are ignored and come out as ''; `state.after` is read and kept.
 */
export function validateTxFileForDigest(doc: unknown): TxFile {
  return readDocument(doc, { blankAfter: false, blankSignatures: true });
}

/** `parent.key`, or `parent["odd key"]` when the key is not a plain identifier (long keys are cut). */
export function fieldPath(parent: string, key: string): string {
  if (SIMPLE_KEY_RE.test(key) && key.length <= MAX_KEY_IN_PATH)
    return parent === '' ? key : `${parent}.${key}`;
  const shown = key.length <= MAX_KEY_IN_PATH ? key : `${key.slice(0, MAX_KEY_IN_PATH)}…`;
  return `${parent}[${JSON.stringify(shown)}]`;
}

export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

function readDocument(doc: unknown, mode: Mode): TxFile {
  if (!isMapping(doc)) {
    throw new ProtocolError(
      ErrorCode.WrongType,
      '-',
      `expected a mapping with the key 'transaction', got ${describe(doc)}`,
    );
  }
  const tx = mapping(required(doc, '', 'transaction'), 'transaction');
  // The version decides how everything else is read, so it is checked before any other rule.
  const written = text(required(tx, 'transaction', 'version'), 'transaction.version');
  const version = TX_FILE_VERSIONS.find((known) => known === written);
  if (version === undefined) {
    throw new ProtocolError(
      ErrorCode.UnknownVersion,
      'transaction.version',
      `unsupported version ${JSON.stringify(written.slice(0, 32))}; this reader knows ${TX_FILE_VERSIONS.map((v) => `'${v}'`).join(', ')}`,
    );
  }
  onlyKeys(doc, '', ['transaction']);
  return readTransaction(tx, version, mode);
}

const TRANSACTION_KEYS = [
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
] as const;

function readTransaction(tx: Fields, version: TxFileVersion, mode: Mode): TxFile {
  const path = 'transaction';
  const suite = readSuite(required(tx, path, 'suite'), `${path}.suite`);
  onlyKeys(tx, path, TRANSACTION_KEYS);
  const key = base64(required(tx, path, 'key'), `${path}.key`);
  const client = readClient(required(tx, path, 'client'), `${path}.client`, mode);
  const recipient = readSealed(required(tx, path, 'recipient'), `${path}.recipient`);
  const message = readMessage(required(tx, path, 'message'), `${path}.message`);
  const voting = optional(tx, 'voting');
  const votingValue = voting === undefined ? undefined : readVoting(voting, `${path}.voting`);
  const vote = optional(tx, 'vote');
  const voteValue = vote === undefined ? undefined : readVote(vote, `${path}.vote`);
  const blockchain = readBlockchain(required(tx, path, 'blockchain'), `${path}.blockchain`);
  const state = readState(required(tx, path, 'state'), `${path}.state`, mode);
  const sender = list(required(tx, path, 'sender'), `${path}.sender`, 1, TX_FILE_MAX_SENDERS, (value, at) =>
    readSender(value, at, mode),
  );
  return {
    version,
    suite,
    key,
    client,
    recipient,
    message,
    ...(votingValue === undefined ? {} : { voting: votingValue }),
    ...(voteValue === undefined ? {} : { vote: voteValue }),
    blockchain,
    state,
    sender,
  };
}

function readSuite(value: unknown, path: string): SuiteName {
  const name = text(value, path);
  const known = SUITES.find((suite) => suite === name);
  if (known === undefined) {
    throw new ProtocolError(
      ErrorCode.UnknownSuite,
      path,
      `unknown crypto suite ${JSON.stringify(name.slice(0, 32))}; expected one of ${SUITES.join(', ')}`,
    );
  }
  return known;
}

function readClient(value: unknown, path: string, mode: Mode): TxClient {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['id', 'sha512hash', 'signature']);
  const id = hex64(required(fields, path, 'id'), `${path}.id`, 'a SHA-256 key fingerprint');
  const sha512hash = hash(required(fields, path, 'sha512hash'), `${path}.sha512hash`);
  const signature = mode.blankSignatures
    ? ''
    : base64(required(fields, path, 'signature'), `${path}.signature`);
  return { id, sha512hash, signature };
}

function readSealed(value: unknown, path: string): SealedField {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['ciphertext', 'sha512hash']);
  return {
    ciphertext: base64(required(fields, path, 'ciphertext'), `${path}.ciphertext`),
    sha512hash: hash(required(fields, path, 'sha512hash'), `${path}.sha512hash`),
  };
}

function readReference(value: unknown, path: string): MessageReference {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['headerhash', 'datahash']);
  const headerhash = optional(fields, 'headerhash');
  const header = headerhash === undefined ? undefined : hash(headerhash, `${path}.headerhash`);
  const datahash = hash(required(fields, path, 'datahash'), `${path}.datahash`);
  return header === undefined ? { datahash } : { headerhash: header, datahash };
}

function readMessage(value: unknown, path: string): TxMessage {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['header', 'data', 'regarding', 'forwarded', 'attachment']);
  const header = optional(fields, 'header');
  const headerValue = header === undefined ? undefined : readSealed(header, `${path}.header`);
  const data = readSealed(required(fields, path, 'data'), `${path}.data`);
  const regarding = optional(fields, 'regarding');
  const regardingValue = regarding === undefined ? undefined : readReference(regarding, `${path}.regarding`);
  const forwarded = optional(fields, 'forwarded');
  const forwardedValue = forwarded === undefined ? undefined : readReference(forwarded, `${path}.forwarded`);
  const attachment = optional(fields, 'attachment');
  const attachmentValue =
    attachment === undefined
      ? undefined
      : list(attachment, `${path}.attachment`, 1, TX_FILE_MAX_ATTACHMENTS, readSealed);
  return {
    ...(headerValue === undefined ? {} : { header: headerValue }),
    data,
    ...(regardingValue === undefined ? {} : { regarding: regardingValue }),
    ...(forwardedValue === undefined ? {} : { forwarded: forwardedValue }),
    ...(attachmentValue === undefined ? {} : { attachment: attachmentValue }),
  };
}

function readOption(value: unknown, path: string): VotingOption {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['title', 'description']);
  const title = readSealed(required(fields, path, 'title'), `${path}.title`);
  const description = optional(fields, 'description');
  return description === undefined
    ? { title }
    : { title, description: readSealed(description, `${path}.description`) };
}

function readVoting(value: unknown, path: string): TxVoting {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['secret', 'lastblock', 'option']);
  const voting: TxVoting = {
    secret: readSealed(required(fields, path, 'secret'), `${path}.secret`),
    lastblock: integer(required(fields, path, 'lastblock'), `${path}.lastblock`),
    option: list(required(fields, path, 'option'), `${path}.option`, 2, TX_FILE_MAX_OPTIONS, readOption),
  };
  // A vote names its option by the title hash, so two options with one title would make it ambiguous.
  const seen = new Set<string>();
  voting.option.forEach((option, i) => {
    if (seen.has(option.title.sha512hash)) {
      throw new ProtocolError(
        ErrorCode.DuplicateEntry,
        `${path}.option[${i}].title.sha512hash`,
        'two options have the same title',
      );
    }
    seen.add(option.title.sha512hash);
  });
  return voting;
}

function readVote(value: unknown, path: string): TxVote {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['voting', 'option', 'voter', 'signature']);
  return {
    voting: hash(required(fields, path, 'voting'), `${path}.voting`),
    option: hash(required(fields, path, 'option'), `${path}.option`),
    voter: hash(required(fields, path, 'voter'), `${path}.voter`),
    signature: base64(required(fields, path, 'signature'), `${path}.signature`),
  };
}

function readBlockRef(value: unknown, path: string): BlockRef {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['height', 'signature']);
  return {
    height: integer(required(fields, path, 'height'), `${path}.height`),
    signature: hex64(required(fields, path, 'signature'), `${path}.signature`, 'a block id'),
  };
}

function readBlockchain(value: unknown, path: string): TxBlockchain {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['lastblock', 'trustedblock']);
  const lastblock = readBlockRef(required(fields, path, 'lastblock'), `${path}.lastblock`);
  const trustedblock = readBlockRef(required(fields, path, 'trustedblock'), `${path}.trustedblock`);
  if (trustedblock.height > lastblock.height) {
    throw new ProtocolError(
      ErrorCode.OutOfRange,
      `${path}.trustedblock.height`,
      `trusted block height ${trustedblock.height} is above the last block height ${lastblock.height}`,
    );
  }
  return { lastblock, trustedblock };
}

function readState(value: unknown, path: string, mode: Mode): TxState {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['before', 'after']);
  const before = hash(required(fields, path, 'before'), `${path}.before`);
  const after = mode.blankAfter ? '' : hash(required(fields, path, 'after'), `${path}.after`);
  return { before, after };
}

function readSender(value: unknown, path: string, mode: Mode): TxSender {
  const fields = mapping(value, path);
  onlyKeys(fields, path, ['ciphertext', 'sha512hash', 'signature']);
  return {
    ciphertext: base64(required(fields, path, 'ciphertext'), `${path}.ciphertext`),
    sha512hash: hash(required(fields, path, 'sha512hash'), `${path}.sha512hash`),
    signature: mode.blankSignatures ? '' : base64(required(fields, path, 'signature'), `${path}.signature`),
  };
}

// ---- building blocks -------------------------------------------------------------------------

/** A plain object (from the YAML reader: null prototype) — not an array, Map, Date, Buffer… */
function isMapping(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'string') return 'a scalar';
  return `a ${typeof value === 'object' ? 'non-plain object' : typeof value}`;
}

function mapping(value: unknown, path: string): Fields {
  if (!isMapping(value))
    throw new ProtocolError(ErrorCode.WrongType, path, `expected a mapping, got ${describe(value)}`);
  return value;
}

/** A key whose value is `undefined` (only possible from JavaScript callers) counts as absent. */
function optional(fields: Fields, key: string): unknown {
  return Object.hasOwn(fields, key) ? fields[key] : undefined;
}

function required(fields: Fields, parent: string, key: string): unknown {
  const value = optional(fields, key);
  if (value === undefined)
    throw new ProtocolError(ErrorCode.MissingField, fieldPath(parent, key), 'required field is missing');
  return value;
}

function onlyKeys(fields: Fields, parent: string, allowed: readonly string[]): void {
  for (const key of Object.keys(fields)) {
    if (!allowed.includes(key) && fields[key] !== undefined) {
      const where = parent === '' ? 'at the root' : `in ${parent}`;
      throw new ProtocolError(ErrorCode.UnknownField, fieldPath(parent, key), `unknown field ${where}`);
    }
  }
}

function list<T>(
  value: unknown,
  path: string,
  min: number,
  max: number,
  readItem: (item: unknown, path: string) => T,
): T[] {
  if (isMapping(value)) {
    if (min > 1)
      throw new ProtocolError(ErrorCode.OutOfRange, path, `expected ${min} to ${max} entries, got 1`);
    return [readItem(value, path)];
  }
  if (!Array.isArray(value)) {
    throw new ProtocolError(
      ErrorCode.WrongType,
      path,
      `expected a list (or a single mapping), got ${describe(value)}`,
    );
  }
  const items: readonly unknown[] = value;
  if (items.length < min || items.length > max) {
    throw new ProtocolError(
      ErrorCode.OutOfRange,
      path,
      `expected ${min} to ${max} entries, got ${items.length}`,
    );
  }
  const result: T[] = [];
  for (let index = 0; index < items.length; index++)
    result.push(readItem(items[index], itemPath(path, index)));
  return result;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string')
    throw new ProtocolError(ErrorCode.WrongType, path, `expected a scalar, got ${describe(value)}`);
  return value;
}

function hash(value: unknown, path: string): string {
  const s = text(value, path);
  if (!HASH_RE.test(s)) {
    throw new ProtocolError(
      ErrorCode.BadFormat,
      path,
      'expected 128 lower-case hex characters (an HMAC-SHA512)',
    );
  }
  return s;
}

function hex64(value: unknown, path: string, what: string): string {
  const s = text(value, path);
  if (!HEX64_RE.test(s))
    throw new ProtocolError(ErrorCode.BadFormat, path, `expected 64 lower-case hex characters (${what})`);
  return s;
}

/** Canonical padded base64 of at least one byte (ciphertexts, keys and signatures are never empty). */
function base64(value: unknown, path: string): string {
  const s = text(value, path);
  if (s === '')
    throw new ProtocolError(ErrorCode.BadFormat, path, 'expected canonical base64, got an empty value');
  fromBase64(s, path);
  return s;
}

/** A non-negative safe integer: a JavaScript number, or canonical decimal text from YAML. */
function integer(value: unknown, path: string): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value))
      throw new ProtocolError(ErrorCode.BadFormat, path, `expected an integer, got ${value}`);
    if (value < 0) throw new ProtocolError(ErrorCode.OutOfRange, path, 'must not be negative');
    if (!Number.isSafeInteger(value))
      throw new ProtocolError(ErrorCode.OutOfRange, path, 'above the largest safe integer');
    return value === 0 ? 0 : value; // folds -0
  }
  const s = text(value, path);
  const match = DECIMAL_RE.exec(s);
  const digits = match?.[2];
  if (match === null || digits === undefined || (match[1] === '-' && digits === '0')) {
    throw new ProtocolError(ErrorCode.BadFormat, path, 'expected a canonical decimal integer');
  }
  if (match[1] === '-') throw new ProtocolError(ErrorCode.OutOfRange, path, 'must not be negative');
  const n = digits.length > 16 ? Number.POSITIVE_INFINITY : Number(digits);
  if (!Number.isSafeInteger(n)) {
    throw new ProtocolError(
      ErrorCode.OutOfRange,
      path,
      `above the largest safe integer ${Number.MAX_SAFE_INTEGER}`,
    );
  }
  return n;
}
