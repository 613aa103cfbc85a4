/**
 * Every refusal of a release manifest is a ReleaseError: a stable code (never renamed, only
 * added), the field it concerns (a dotted path, '-' for the whole manifest), and `retryable`
 * false — a manifest that fails today fails tomorrow; the verdict is final for these bytes.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const ReleaseErrorCode = {
  // Reading
  /** More than MAX_MANIFEST_BYTES. */
  TooLarge: 'TOO_LARGE',
  /** Not UTF-8 JSON. */
  NotJson: 'NOT_JSON',
  /** Valid JSON, but not byte for byte its canonical form (key order, spaces, escapes, duplicates). */
  NotCanonical: 'NOT_CANONICAL',
  UnsupportedSchema: 'UNSUPPORTED_SCHEMA',
  /** A field missing, unknown, of the wrong type or format. */
  Malformed: 'MALFORMED',
  /** One of the release's services has no image. */
  MissingImage: 'MISSING_IMAGE',
  /** An image for a service the release does not have. */
  UnknownImage: 'UNKNOWN_IMAGE',
  // Against the proposal
  /** The manifest's bytes do not hash to the CID the proposal names. */
  CidMismatch: 'CID_MISMATCH',
  /** The manifest's bytes do not hash to the SHA-256 the proposal names. */
  Sha256Mismatch: 'SHA256_MISMATCH',
  /** The manifest's version is not the one the proposal approves. */
  VersionMismatch: 'VERSION_MISMATCH',
  /** The manifest says rollback and the proposal calls approve, or the other way round. */
  RollbackMismatch: 'ROLLBACK_MISMATCH',
  // Against the registry
  /** A forward release whose version is not above every version approved before. */
  Downgrade: 'DOWNGRADE',
  /** A rollback whose version is not below the current release's. */
  NotARollback: 'NOT_A_ROLLBACK',
  // Images
  /** No signature by a trusted key: signed by someone else, or not at all. */
  UntrustedSigner: 'UNTRUSTED_SIGNER',
  /** Names a trusted key, but the signature does not verify (altered payload, forged signature). */
  BadSignature: 'BAD_SIGNATURE',
  /** The signed payload is not an in-toto Statement v1 with a SLSA provenance v1 predicate. */
  BadStatement: 'BAD_STATEMENT',
  /** The statement is about another image (subject name or digest). */
  SubjectMismatch: 'SUBJECT_MISMATCH',
  /** The image was built from another source than the manifest's commit. */
  SourceMismatch: 'SOURCE_MISMATCH',
  /** A signing or trusted key that is not Ed25519 or ECDSA P-256. */
  BadKey: 'BAD_KEY',
} as const;

export type ReleaseErrorCode = (typeof ReleaseErrorCode)[keyof typeof ReleaseErrorCode];

/** Malformed input is `invalid`; a manifest that contradicts its proposal or the registry, `conflict`. */
const KINDS = errorKinds<ReleaseErrorCode>(ReleaseErrorCode, {
  TOO_LARGE: 'too-large',
  NOT_JSON: 'invalid',
  NOT_CANONICAL: 'invalid',
  UNSUPPORTED_SCHEMA: 'unsupported',
  MALFORMED: 'invalid',
  MISSING_IMAGE: 'invalid',
  UNKNOWN_IMAGE: 'invalid',
  CID_MISMATCH: 'conflict',
  SHA256_MISMATCH: 'conflict',
  VERSION_MISMATCH: 'conflict',
  ROLLBACK_MISMATCH: 'conflict',
  DOWNGRADE: 'conflict',
  NOT_A_ROLLBACK: 'conflict',
  UNTRUSTED_SIGNER: 'forbidden',
  BAD_SIGNATURE: 'invalid',
  BAD_STATEMENT: 'invalid',
  SUBJECT_MISMATCH: 'conflict',
  SOURCE_MISMATCH: 'conflict',
  BAD_KEY: 'invalid',
});

export class ReleaseError extends AnchorpostError<ReleaseErrorCode> {
  override readonly name = 'ReleaseError';
  readonly field: string;

  constructor(code: ReleaseErrorCode, field: string, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, false, options);
    this.field = field;
  }

  /** The one-line form the CLI prints: `ERROR <code> <field>: <message>`. */
  toLine(): string {
    return `ERROR ${this.code} ${this.field}: ${this.message}`;
  }
}
