/**
 * Every refusal of a sponsorship is a SponsorError: a stable code (never renamed, only added), its
 * kind, and whether asking again later can help — an over-budget request can succeed in the next
 * period; a bad signature never will. A replay is not an error: it gets the first answer back.
 * RPC failures while checking keep their ChainError-like cause and surface as CHAIN_UNAVAILABLE.
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const SponsorErrorCode = {
  /** The request is not a well-formed forward request or ballot (field missing, not hex, out of range). */
  BadRequest: 'BAD_REQUEST',
  /** The EIP-712 signature does not recover to the request's `from` (or the ballot's voter). */
  BadSignature: 'BAD_SIGNATURE',
  /** The request's deadline has passed (or is too close to leave time to mine it). */
  Expired: 'EXPIRED',
  /** The tenant's policy does not allow this target or function selector, or this forwarder/governor. */
  NotAllowed: 'NOT_ALLOWED',
  /** The request asks for more gas than the tenant's policy allows. */
  GasTooHigh: 'GAS_TOO_HIGH',
  /** Accepting would exceed the tenant's or the user's budget (wei or count) for this period. */
  OverBudget: 'OVER_BUDGET',
  /** The forwarder's `verify` says no: nonce already used, target does not trust it, or signer mismatch. */
  ForwarderRefused: 'FORWARDER_REFUSED',
  /** `eth_call` of the transaction reverts: sending it would only burn the sponsor's gas. */
  CallReverted: 'CALL_REVERTED',
  /** `eth_estimateGas` failed: the request is refused rather than sent with a guessed gas limit. */
  EstimateFailed: 'ESTIMATE_FAILED',
  /** The chain could not be asked (every RPC endpoint down): nothing was accepted. */
  ChainUnavailable: 'CHAIN_UNAVAILABLE',
  /** No policy is configured for this tenant. */
  UnknownTenant: 'UNKNOWN_TENANT',
  /** The same signed request was accepted for another tenant: its answer is not this tenant's to read. */
  OtherTenant: 'OTHER_TENANT',
  /** No sponsorship with this digest was accepted for this tenant. */
  NotFound: 'NOT_FOUND',
  /** Bytes that are not a ledger line in its canonical form (ledger-line.ts). */
  BadLedgerLine: 'BAD_LEDGER_LINE',
} as const;

export type SponsorErrorCode = (typeof SponsorErrorCode)[keyof typeof SponsorErrorCode];

const KINDS = errorKinds<SponsorErrorCode>(SponsorErrorCode, {
  BAD_REQUEST: 'invalid',
  BAD_SIGNATURE: 'unauthenticated',
  EXPIRED: 'invalid',
  NOT_ALLOWED: 'forbidden',
  GAS_TOO_HIGH: 'too-large',
  OVER_BUDGET: 'exhausted',
  FORWARDER_REFUSED: 'conflict',
  CALL_REVERTED: 'conflict',
  ESTIMATE_FAILED: 'conflict',
  CHAIN_UNAVAILABLE: 'unavailable',
  UNKNOWN_TENANT: 'forbidden',
  OTHER_TENANT: 'conflict',
  NOT_FOUND: 'not-found',
  BAD_LEDGER_LINE: 'invalid',
});

const RETRYABLE: ReadonlySet<SponsorErrorCode> = new Set<SponsorErrorCode>([
  SponsorErrorCode.OverBudget,
  SponsorErrorCode.ChainUnavailable,
]);

export class SponsorError extends AnchorpostError<SponsorErrorCode> {
  override readonly name = 'SponsorError';

  constructor(code: SponsorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, RETRYABLE.has(code), options);
  }
}
