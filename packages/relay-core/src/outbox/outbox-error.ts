/**
 * The errors of a relay client's tx-file outbox (tx-file-outbox.ts) and its HTTP submitter: the
 * relay out of reach or asking to be tried later (UNAVAILABLE, retryable: the same bytes go again
 * on the next pass), a refusal an operator has to act on (RELAY_REFUSED, with the relay's own
 * code in the message), and a receipt naming other bytes than were sent (RELAY_RECEIPT_MISMATCH).
 */
import { AnchorpostError, errorKinds } from '@anchorpost/protocol';

export const OutboxErrorCode = {
  Unavailable: 'UNAVAILABLE',
  RelayRefused: 'RELAY_REFUSED',
  RelayReceiptMismatch: 'RELAY_RECEIPT_MISMATCH',
} as const;

export type OutboxErrorCode = (typeof OutboxErrorCode)[keyof typeof OutboxErrorCode];

const KINDS = errorKinds<OutboxErrorCode>(OutboxErrorCode, {
  UNAVAILABLE: 'unavailable',
  RELAY_REFUSED: 'conflict',
  RELAY_RECEIPT_MISMATCH: 'internal',
});

export class OutboxError extends AnchorpostError<OutboxErrorCode> {
  override readonly name = 'OutboxError';

  constructor(code: OutboxErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, KINDS[code], message, code === 'UNAVAILABLE', options);
  }
}
