/** Whether a value names a suite (no Node built-in: the engine and browsers read suite names too). */
import { SUITES, type SuiteName } from '../tx-file/schema.ts';

export function isSuiteName(value: unknown): value is SuiteName {
  return typeof value === 'string' && (SUITES as readonly string[]).includes(value);
}
