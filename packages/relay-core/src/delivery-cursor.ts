/**
 * Delivery cursors: opaque to clients, `c1.<partition>.<offset>` inside, where `offset` is the
 * next record of the recipient's partition to read (one past the last one delivered). Checked on
 * the way in, so a cursor of another recipient's partition or past the end is BAD_CURSOR rather
 * than a silent gap.
 */
import { RelayError, RelayErrorCode } from './relay-error.ts';

export interface DeliveryPosition {
  partition: number;
  /** The next offset to read. */
  offset: number;
}

const CURSOR = /^c1\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,15})$/;

export function encodeCursor(position: DeliveryPosition): string {
  return `c1.${position.partition}.${position.offset}`;
}

/** Parses a cursor and checks it names `partition`; the caller checks it against the end offset. */
export function decodeCursor(cursor: string, partition: number): DeliveryPosition {
  const match = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  if (match === null) throw new RelayError(RelayErrorCode.BadCursor, 'malformed cursor');
  const position = { partition: Number(match[1]), offset: Number(match[2]) };
  if (!Number.isSafeInteger(position.offset))
    throw new RelayError(RelayErrorCode.BadCursor, 'malformed cursor');
  if (position.partition !== partition) {
    throw new RelayError(RelayErrorCode.BadCursor, 'the cursor belongs to another recipient');
  }
  return position;
}
