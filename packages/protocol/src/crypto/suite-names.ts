/** Whether a value names a suite (no Node built-in: the engine and browsers read suite names too). */
import { ErrorCode, ProtocolError } from '../errors.ts';
import { SUITES, type SuiteName } from '../tx-file/schema.ts';

export function isSuiteName(value: unknown): value is SuiteName {
  return typeof value === 'string' && (SUITES as readonly string[]).includes(value);
}

/** `name` as a suite name: a ProtocolError UNKNOWN_SUITE at `field` when it names none. */
export function getSuiteName(name: string, field = 'suite'): SuiteName {
  if (isSuiteName(name)) return name;
  throw new ProtocolError(
    ErrorCode.UnknownSuite,
    field,
    `unknown crypto suite '${name}' (known: ${SUITES.join(', ')})`,
  );
}
