/**
 * The opaque cursor of "messages by recipient": the last listed tx-file's position
 * (batch sequence, batch index, cid) as base64url JSON. Keyset, not offset, so a page costs
 * the same at any depth and rows added meanwhile neither repeat nor shift earlier pages.
 */
import { DbError } from '@anchorpost/db-port';

export interface MessagePosition {
  batchSequence: number;
  batchIndex: number;
  cid: string;
}

export function encodeMessageCursor(position: MessagePosition): string {
  return Buffer.from(JSON.stringify([position.batchSequence, position.batchIndex, position.cid])).toString(
    'base64url',
  );
}

export function decodeMessageCursor(cursor: string): MessagePosition {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  if (
    Array.isArray(value) &&
    value.length === 3 &&
    Number.isSafeInteger(value[0]) &&
    Number.isSafeInteger(value[1]) &&
    typeof value[2] === 'string'
  ) {
    return { batchSequence: value[0] as number, batchIndex: value[1] as number, cid: value[2] };
  }
  throw new DbError('INVALID_ARGUMENT', 'not a cursor returned by messagesByRecipient');
}
