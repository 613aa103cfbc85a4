/**
 * The sponsor's ledger line: what one settled sponsorship cost, written once per mined transaction
 * — who (tenant, user), what (the request's digest, kind, target and function selector), the gas
 * (used, effective price), the fee charged and the transaction hash, and the account that paid.
 * Everything in it is public on the chain already; the line binds it to the tenant's charge.
 *
 * One canonical byte form (keys in the order below, no whitespace, integers as decimal strings),
 * so a line has one CID and a line re-encoded differently is refused (BAD_LEDGER_LINE), never read
 * as another line with the same meaning.
 */
import { getAddress } from 'ethers';
import { encodeCanonical, parseCanonical, requireCanonical } from './canonical-record.ts';
import { SponsorError, SponsorErrorCode } from './sponsor-error.ts';

export const LEDGER_LINE_SCHEMA = 'anchorpost.sponsor-ledger-line.v1';

export interface LedgerLine {
  readonly tenant: string;
  /** The user whose request was sponsored (checksummed address). */
  readonly user: string;
  /** The EIP-712 digest of the user's signed request: the sponsorship's key. */
  readonly digest: string;
  readonly kind: 'forward' | 'ballot';
  /** The contract the sponsored call went to (the forwarder's target, or the governor). */
  readonly target: string;
  /** The first four bytes of the call (`0x` + 8 hex), or `0x` for a call without data. */
  readonly selector: string;
  /** The sponsor account that paid (checksummed). */
  readonly account: string;
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  /** gasUsed × effectiveGasPrice: what the tenant is charged. */
  readonly chargedWei: bigint;
  /** Whether the user's call succeeded (the gas is charged either way). */
  readonly succeeded: boolean;
}

const KEYS = [
  'schema',
  'tenant',
  'user',
  'digest',
  'kind',
  'target',
  'selector',
  'account',
  'txHash',
  'gasUsed',
  'effectiveGasPrice',
  'chargedWei',
  'succeeded',
] as const;

const HASH = /^0x[0-9a-f]{64}$/;
const SELECTOR = /^0x([0-9a-f]{8})?$/;
const DECIMAL = /^(0|[1-9][0-9]{0,77})$/;
const TENANT = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function encodeLedgerLine(line: LedgerLine): Uint8Array {
  const fields: Record<(typeof KEYS)[number], string | boolean> = {
    schema: LEDGER_LINE_SCHEMA,
    tenant: line.tenant,
    user: getAddress(line.user),
    digest: line.digest.toLowerCase(),
    kind: line.kind,
    target: getAddress(line.target),
    selector: line.selector.toLowerCase(),
    account: getAddress(line.account),
    txHash: line.txHash.toLowerCase(),
    gasUsed: line.gasUsed.toString(),
    effectiveGasPrice: line.effectiveGasPrice.toString(),
    chargedWei: line.chargedWei.toString(),
    succeeded: line.succeeded,
  };
  return encodeCanonical(fields, KEYS);
}

function refuse(detail: string): never {
  throw new SponsorError(SponsorErrorCode.BadLedgerLine, `not a ledger line: ${detail}`);
}

function matching(fields: Record<string, unknown>, key: string, pattern: RegExp): string {
  const value = fields[key];
  if (typeof value !== 'string' || !pattern.test(value)) refuse(`${key} is malformed`);
  return value;
}

function address(fields: Record<string, unknown>, key: string): string {
  const value = fields[key];
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) refuse(`${key} is not an address`);
  return getAddress(value);
}

/** Reads a line strictly: its exact fields, each well-formed, and nothing but its canonical bytes. */
export function decodeLedgerLine(bytes: Uint8Array): LedgerLine {
  const fields = parseCanonical(bytes, refuse);
  const keys = Object.keys(fields);
  if (keys.length !== KEYS.length || KEYS.some((key) => !keys.includes(key))) {
    refuse(`fields must be exactly ${KEYS.join(', ')}`);
  }
  if (fields.schema !== LEDGER_LINE_SCHEMA) refuse(`schema must be ${LEDGER_LINE_SCHEMA}`);
  if (fields.kind !== 'forward' && fields.kind !== 'ballot') refuse('kind must be forward or ballot');
  if (typeof fields.succeeded !== 'boolean') refuse('succeeded must be a boolean');
  const line: LedgerLine = {
    tenant: matching(fields, 'tenant', TENANT),
    user: address(fields, 'user'),
    digest: matching(fields, 'digest', HASH),
    kind: fields.kind,
    target: address(fields, 'target'),
    selector: matching(fields, 'selector', SELECTOR),
    account: address(fields, 'account'),
    txHash: matching(fields, 'txHash', HASH),
    gasUsed: BigInt(matching(fields, 'gasUsed', DECIMAL)),
    effectiveGasPrice: BigInt(matching(fields, 'effectiveGasPrice', DECIMAL)),
    chargedWei: BigInt(matching(fields, 'chargedWei', DECIMAL)),
    succeeded: fields.succeeded,
  };
  requireCanonical(bytes, encodeLedgerLine(line), refuse);
  return line;
}
