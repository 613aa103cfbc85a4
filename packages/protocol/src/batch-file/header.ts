/** Validation of the header fields shared by the encoder and the strict decoder. */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { CidCodec, toCid } from '../cid/parse-cid.ts';
import type { CID } from 'multiformats/cid';

const SEALED_AT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_PLATFORM_LENGTH = 256;
// eslint-disable-next-line no-control-regex -- the point is to reject control characters
const CONTROL_RE = /[\u0000-\u001f\u007f]/;

export function badBatch(field: string, message: string, cause?: unknown): ProtocolError {
  return new ProtocolError(ErrorCode.BadBatch, field, message, cause === undefined ? undefined : { cause });
}

export function checkPlatform(value: unknown): string {
  if (typeof value !== 'string') throw badBatch('platform', 'expected a string');
  if (value.length === 0 || value.length > MAX_PLATFORM_LENGTH) {
    throw badBatch('platform', `expected 1 to ${MAX_PLATFORM_LENGTH} characters`);
  }
  if (CONTROL_RE.test(value)) throw badBatch('platform', 'control characters are not allowed');
  return value;
}

export function checkSequence(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badBatch('sequence', 'expected an integer >= 0');
  }
  return value;
}

/** One text per instant: the exact form `Date.prototype.toISOString` prints, so it round-trips. */
export function checkSealedAt(value: unknown): string {
  if (typeof value !== 'string' || !SEALED_AT_RE.test(value)) {
    throw badBatch('sealedAt', 'expected RFC 3339 UTC with milliseconds, e.g. 2026-11-22T03:00:00.000Z');
  }
  const time = Date.parse(value);
  if (Number.isNaN(time) || new Date(time).toISOString() !== value) {
    throw badBatch('sealedAt', 'not a valid calendar date and time');
  }
  return value;
}

/** A batch root link: CIDv1 dag-cbor sha2-256; present exactly when sequence > 0. */
export function checkPrevious(value: unknown, sequence: number): CID | null {
  if (value === null) {
    if (sequence !== 0) throw badBatch('previous', 'only batch 0 has no previous batch');
    return null;
  }
  if (sequence === 0) throw badBatch('previous', 'batch 0 has no previous batch');
  if (typeof value !== 'string' && !isCidLike(value)) throw badBatch('previous', 'expected a CID or null');
  try {
    return toCid(value, 'previous', [CidCodec.DagCbor]);
  } catch (cause) {
    throw badBatch('previous', cause instanceof Error ? cause.message : 'bad CID', cause);
  }
}

function isCidLike(value: unknown): value is CID {
  return typeof value === 'object' && value !== null && '/' in value && 'bytes' in value;
}
