/**
 * The shape of every caller-given field of the relay's API, one rule per field for both
 * transports: HTTP's JSON schemas (http/schemas.ts) are built from these constants, and gRPC checks
 * its request messages with `checkField` before anything else reads them. A refusal is
 * BAD_REQUEST on the field and never quotes the value (it may be a megabyte long).
 */
import { parseCid } from '@anchorpost/protocol';
import { RequestError } from '@anchorpost/service-kit';

export const TENANT_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
export const CID_PATTERN = '^[a-z0-9]+$';
export const CID_MAX_LENGTH = 128;
export const RECIPIENT_HASH_PATTERN = '^[0-9a-f]{128}$';
export const CURSOR_MAX_LENGTH = 128;

const TENANT_ID = new RegExp(TENANT_ID_PATTERN);
const CID = new RegExp(CID_PATTERN);
const RECIPIENT_HASH = new RegExp(RECIPIENT_HASH_PATTERN);

function refuse(field: string, rule: string): never {
  throw new RequestError('BAD_REQUEST', `${field} ${rule}`, field);
}

/** A request's tenant id: empty (the API key's tenant), or a tenant id's shape. */
export function checkTenantId(value: string, field: string): void {
  if (value !== '' && (value.length > 128 || !TENANT_ID.test(value))) {
    refuse(field, 'must be 1 to 128 letters, digits, dots, underscores or hyphens');
  }
}

/** A CID: length and alphabet first (cheap, bounded), then parsed (BAD_CID when it is no CIDv1). */
export function checkCid(value: string, field: string): void {
  if (value.length === 0 || value.length > CID_MAX_LENGTH || !CID.test(value)) {
    refuse(field, `must be a base32 CIDv1 of at most ${CID_MAX_LENGTH} characters`);
  }
  parseCid(value, field);
}

export function checkRecipientHash(value: string, field: string): void {
  if (value.length !== 128 || !RECIPIENT_HASH.test(value)) {
    refuse(field, 'must be 128 lower-case hex characters (a SHA-512 hash)');
  }
}

/** A cursor's length; its syntax is the relay's to check (BAD_CURSOR). */
export function checkCursor(value: string | undefined, field: string): void {
  if (value !== undefined && value.length > CURSOR_MAX_LENGTH) {
    refuse(field, `must be at most ${CURSOR_MAX_LENGTH} characters`);
  }
}
