/** The form of a recipient hash (a tx-file's `recipient.sha512hash`): 128 lower-case hex characters. */
import { RelayError, RelayErrorCode } from '../relay-error.ts';

const RECIPIENT_HASH = /^[0-9a-f]{128}$/;

export function isRecipientHash(value: unknown): value is string {
  return typeof value === 'string' && RECIPIENT_HASH.test(value);
}

/** BAD_RECIPIENT unless `value` is a recipient hash: checked before it becomes a cache key or a query. */
export function checkRecipientHash(value: unknown): string {
  if (!isRecipientHash(value)) {
    throw new RelayError(RelayErrorCode.BadRecipient, 'recipientHash must be 128 lower-case hex characters', {
      field: 'recipientHash',
    });
  }
  return value;
}
