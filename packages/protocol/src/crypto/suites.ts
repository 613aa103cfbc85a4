/** The registry of suites a transaction-file may name. */
import type { SuiteName } from '../tx-file/schema.ts';
import { modernSuite } from './modern.ts';
import { rsa4096Suite } from './rsa-4096.ts';
import type { CryptoSuite } from './suite.ts';
import { getSuiteName } from './suite-names.ts';

export const DEFAULT_SUITE: SuiteName = 'modern';

const registry: Record<SuiteName, CryptoSuite> = { modern: modernSuite, 'rsa-4096': rsa4096Suite };

export { isSuiteName } from './suite-names.ts';

export function getSuite(name: string, field = 'suite'): CryptoSuite {
  return registry[getSuiteName(name, field)];
}
