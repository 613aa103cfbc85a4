/**
 * The API key a relay caller sends (`Authorization: Bearer`): `--api-key KEY`, or the environment's
 * ANCHORPOST_API_KEY so that it stays out of shell history and `ps`.
 */
import { UsageError } from './failure.ts';

export const API_KEY_ENV = 'ANCHORPOST_API_KEY';

export function apiKeyOf(flag: string | undefined, usage: string): string {
  const key = flag ?? process.env[API_KEY_ENV];
  if (key === undefined || key === '') {
    throw new UsageError(`--api-key or ${API_KEY_ENV} is required; usage: ${usage}`);
  }
  return key;
}
