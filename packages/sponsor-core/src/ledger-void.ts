/**
 * A ledger void: the correcting record written when a settled sponsorship's transaction left the
 * canonical chain (a reorg) after its line was recorded. Anchored lines are never taken back, so
 * the correction is a record of its own: it withdraws the sponsorship's current line (named by
 * its digest and transaction hash); the line the chain ends up with follows it. Read in ledger
 * order, every sponsorship has at most one line in force, and what was charged is never lost.
 *
 * Canonical bytes like a line's (ledger-line.ts): keys in one order, no whitespace.
 */
import { encodeCanonical, parseCanonical, requireCanonical } from './canonical-record.ts';
import { SponsorError, SponsorErrorCode } from './sponsor-error.ts';

export const LEDGER_VOID_SCHEMA = 'anchorpost.sponsor-ledger-void.v1';

export interface LedgerVoid {
  readonly tenant: string;
  /** The sponsorship whose current line is withdrawn. */
  readonly digest: string;
  /** The withdrawn line's transaction. */
  readonly txHash: string;
  readonly reason: 'reorg';
}

const KEYS = ['schema', 'tenant', 'digest', 'txHash', 'reason'] as const;
const HASH = /^0x[0-9a-f]{64}$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function encodeLedgerVoid(entry: LedgerVoid): Uint8Array {
  const fields = {
    schema: LEDGER_VOID_SCHEMA,
    tenant: entry.tenant,
    digest: entry.digest.toLowerCase(),
    txHash: entry.txHash.toLowerCase(),
    reason: entry.reason,
  };
  return encodeCanonical(fields, KEYS);
}

function refuse(detail: string): never {
  throw new SponsorError(SponsorErrorCode.BadLedgerLine, `not a ledger void: ${detail}`);
}

/** Reads a void strictly: its exact fields, each well-formed, and nothing but its canonical bytes. */
export function decodeLedgerVoid(bytes: Uint8Array): LedgerVoid {
  const fields = parseCanonical(bytes, refuse);
  if (fields.schema !== LEDGER_VOID_SCHEMA) refuse(`schema must be ${LEDGER_VOID_SCHEMA}`);
  const { tenant, digest, txHash, reason } = fields;
  if (typeof tenant !== 'string' || !TENANT.test(tenant)) refuse('tenant is malformed');
  if (typeof digest !== 'string' || !HASH.test(digest)) refuse('digest is malformed');
  if (typeof txHash !== 'string' || !HASH.test(txHash)) refuse('txHash is malformed');
  if (reason !== 'reorg') refuse('reason must be reorg');
  const entry: LedgerVoid = { tenant, digest, txHash, reason };
  requireCanonical(bytes, encodeLedgerVoid(entry), refuse);
  return entry;
}

/** Whether the bytes are a void (by their schema), without reading them strictly. */
export function isLedgerVoid(bytes: Uint8Array): boolean {
  return new TextDecoder().decode(bytes.subarray(0, 64)).includes(`"schema":"${LEDGER_VOID_SCHEMA}"`);
}
