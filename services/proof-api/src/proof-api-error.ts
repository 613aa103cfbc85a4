/** The proof API's own refusals; their HTTP statuses come from service-kit's errorResponse table. */
import { AnchorpostError, type ErrorKind } from '@anchorpost/protocol';

export type ProofApiErrorCode =
  /** The path holds no canonical CIDv1 (400). */
  | 'BAD_CID'
  /** A `cursor` that no earlier page returned (400). */
  | 'BAD_CURSOR'
  /** No such tx-file or batch (404). */
  | 'NOT_FOUND'
  /** The path holds no image digest: 64 lowercase hex, optionally after `sha256:` (400). */
  | 'BAD_DIGEST'
  /** No release approved and committed by the updater pins that image digest (404). */
  | 'DIGEST_NOT_RELEASED'
  /** An indexed anchor is on an EVM chain this instance has no RPC for (500: a configuration fault). */
  | 'CHAIN_NOT_SERVED'
  /** The settings the published trust roots come from are not all set (500: a configuration fault). */
  | 'TRUST_ROOTS_NOT_CONFIGURED';

const KINDS: Readonly<Record<ProofApiErrorCode, ErrorKind>> = {
  BAD_CID: 'invalid',
  BAD_CURSOR: 'invalid',
  NOT_FOUND: 'not-found',
  BAD_DIGEST: 'invalid',
  DIGEST_NOT_RELEASED: 'not-found',
  CHAIN_NOT_SERVED: 'internal',
  TRUST_ROOTS_NOT_CONFIGURED: 'internal',
};

export class ProofApiError extends AnchorpostError<ProofApiErrorCode> {
  override readonly name = 'ProofApiError';
  readonly field: string | undefined;

  constructor(code: ProofApiErrorCode, message: string, field?: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, false, options);
    this.field = field;
  }
}
