/**
 * Every failure the protocol reports is a ProtocolError: a stable machine code, the field it
 * concerns (dotted path, or '-' when it concerns the whole input), and a human message.
 * Codes are part of the public contract (the CLI prints them, the relay maps them to gRPC/HTTP),
 * so they are never renamed; new ones are only added.
 */
export const ErrorCode = {
  // Input envelope
  TooLarge: 'TOO_LARGE',
  NotUtf8: 'NOT_UTF8',
  /** A U+FEFF byte-order mark (at the start or anywhere else): the canonical form has none. */
  ByteOrderMark: 'BYTE_ORDER_MARK',
  /**
   * A character YAML parsers disagree on or that has no place in a text file: C0 controls other
   * than tab/LF/CR, a CR not followed by LF, DEL, C1 controls (incl. NEL), U+2028/U+2029, U+FFFE/U+FFFF.
   */
  ForbiddenCharacter: 'FORBIDDEN_CHARACTER',
  // YAML safety
  YamlSyntax: 'YAML_SYNTAX',
  YamlDuplicateKey: 'YAML_DUPLICATE_KEY',
  YamlAnchor: 'YAML_ANCHOR',
  YamlAlias: 'YAML_ALIAS',
  YamlMergeKey: 'YAML_MERGE_KEY',
  YamlTag: 'YAML_TAG',
  YamlDirective: 'YAML_DIRECTIVE',
  YamlMultipleDocuments: 'YAML_MULTIPLE_DOCUMENTS',
  TooDeep: 'TOO_DEEP',
  TooManyNodes: 'TOO_MANY_NODES',
  /**
   * Valid, but not byte for byte what serializeTxFile writes for it (a comment, another key order,
   * other quoting or whitespace, CRLF): refused where one message must have one CID (the relay).
   */
  NotCanonical: 'NOT_CANONICAL',
  // Schema
  UnknownVersion: 'UNKNOWN_VERSION',
  /**
   * A v0.1 transaction-file: its signatures cover only the after-state, which is keyed by the group
   * secret, so nobody outside the group can tie them to the file's bytes. Read, opened by members
   * and indexed, but refused wherever a signature must be checked without the secret (the relay).
   */
  LegacyTxFile: 'LEGACY_TX_FILE',
  UnknownSuite: 'UNKNOWN_SUITE',
  MissingField: 'MISSING_FIELD',
  UnknownField: 'UNKNOWN_FIELD',
  WrongType: 'WRONG_TYPE',
  BadFormat: 'BAD_FORMAT',
  OutOfRange: 'OUT_OF_RANGE',
  // Cryptography and integrity
  DecryptFailed: 'DECRYPT_FAILED',
  HmacMismatch: 'HMAC_MISMATCH',
  StateMismatch: 'STATE_MISMATCH',
  BadSignature: 'BAD_SIGNATURE',
  NotAMember: 'NOT_A_MEMBER',
  BadKey: 'BAD_KEY',
  // Content addresses, Merkle proofs, batch-files
  BadCid: 'BAD_CID',
  BadProof: 'BAD_PROOF',
  EmptyBatch: 'EMPTY_BATCH',
  DuplicateEntry: 'DUPLICATE_ENTRY',
  BadBatch: 'BAD_BATCH',
  // Voting
  BadVotesFile: 'BAD_VOTES_FILE',
  TooManyVotes: 'TOO_MANY_VOTES',
  /**
   * A vote's signature does not verify over this voting, this voter and this option (the v2 vote
   * signing bytes): forged, altered, or copied from another voting or re-attributed to another voter.
   */
  VoteNotForThisVoting: 'VOTE_NOT_FOR_THIS_VOTING',
  /**
   * A vote signed the old way, over `"anchorpost/v1/vote" ‖ option` only: it names no voting and no
   * voter, so it could have been moved from another voting; refused.
   */
  LegacyVoteSignature: 'LEGACY_VOTE_SIGNATURE',
  // XML safety (the Votes file reader accepts one fixed, entity-free subset of XML)
  XmlSyntax: 'XML_SYNTAX',
  XmlDoctype: 'XML_DOCTYPE',
  XmlReference: 'XML_REFERENCE',
  XmlProcessingInstruction: 'XML_PROCESSING_INSTRUCTION',
  XmlCdata: 'XML_CDATA',
  XmlComment: 'XML_COMMENT',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * What family of failure a code belongs to. Transports answer by kind alone (HTTP status, gRPC
 * status), so a new code needs a kind, not an entry in some transport's list:
 * - `invalid`: the caller's input is wrong; `too-large`: it is larger than allowed;
 *   `unsupported`: it comes in a form (media type) that is not served;
 * - `unauthenticated`: the caller could not be identified; `forbidden`: it may not do this;
 * - `not-found`: what was named does not exist (yet); `conflict`: it contradicts what is accepted;
 * - `exhausted`: a quota or limit of the caller's is used up;
 * - `unavailable`: a dependency is down or slow (retryable); `internal`: our fault or our
 *   configuration's, never the caller's.
 */
export const ERROR_KINDS = [
  'invalid',
  'too-large',
  'unsupported',
  'unauthenticated',
  'forbidden',
  'not-found',
  'conflict',
  'exhausted',
  'unavailable',
  'internal',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/**
 * A package's kind per code, checked when the package loads: every code of the table has a kind
 * and there is none for a code it does not have. (The type already demands one per code; this
 * catches a table assembled in a way the compiler cannot see through.)
 */
export function errorKinds<Code extends string>(
  codes: Readonly<Record<string, Code>> | readonly Code[],
  kinds: Readonly<Record<Code, ErrorKind>>,
): Readonly<Record<Code, ErrorKind>> {
  const all = new Set<string>(Array.isArray(codes) ? codes : Object.values(codes));
  for (const code of all) {
    const kind = (kinds as Record<string, ErrorKind | undefined>)[code];
    if (kind === undefined || !(ERROR_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`error code ${code} has no kind`);
    }
  }
  for (const code of Object.keys(kinds)) {
    if (!all.has(code)) throw new Error(`error kind given for ${code}, which is no code of this table`);
  }
  return Object.freeze({ ...kinds });
}

/**
 * What every Anchorpost error has, whichever package raised it: a stable machine code, its kind,
 * and whether trying the same call again can help. Transports map errors by kind, and consumers
 * choose between retry and dead-letter by `retryable`. Each package keeps its own table of codes
 * and their kinds.
 */
export class AnchorpostError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly kind: ErrorKind;
  /** True when the same call may succeed later (a server back up, a timeout, a lock released). */
  readonly retryable: boolean;

  constructor(
    code: Code,
    kind: ErrorKind,
    message: string,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = kind;
    this.retryable = retryable;
  }
}

/** Protocol errors describe the input itself: all are `invalid`, but one that is only too large. */
const PROTOCOL_ERROR_KINDS = errorKinds(
  ErrorCode,
  Object.fromEntries(
    Object.values(ErrorCode).map((code) => [code, code === ErrorCode.TooLarge ? 'too-large' : 'invalid']),
  ) as Record<ErrorCode, ErrorKind>,
);

export class ProtocolError extends AnchorpostError<ErrorCode> {
  override readonly name = 'ProtocolError';
  /** Dotted path of the offending field, e.g. `transaction.message.data.sha512hash`; '-' for the whole input. */
  readonly field: string;

  /** Protocol errors describe the input itself: sending the same input again cannot succeed. */
  constructor(code: ErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(code, PROTOCOL_ERROR_KINDS[code], message, false, options);
    this.field = field;
  }

  /** The one-line form the CLI prints: `ERROR <code> <field>: <message>`. */
  toLine(): string {
    return `ERROR ${this.code} ${this.field}: ${this.message}`;
  }
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}
