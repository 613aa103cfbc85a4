/**
 * The relay's admin API as the operator's commands (`tenant`, `peer`) call it: its own port,
 * 127.0.0.1:7412 by default (`--admin URL` or ANCHORPOST_ADMIN_URL), with the admin key from
 * ANCHORPOST_ADMIN_KEY or `--admin-key-file FILE` (the platform writes keys/admin-key).
 */
import { readFile } from 'node:fs/promises';
import { CliError, UsageError } from './failure.ts';
import { refusal, request, serviceUrl } from './http.ts';

const DEFAULT_ADMIN_URL = 'http://127.0.0.1:7412';

export interface AdminApi {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

export function adminUrl(option: string | undefined): string {
  return option ?? process.env.ANCHORPOST_ADMIN_URL ?? DEFAULT_ADMIN_URL;
}

/** The admin key; a usage mistake (with `usage`) when none is given. */
export async function adminKey(file: string | undefined, usage: string): Promise<string> {
  const key = file === undefined ? process.env.ANCHORPOST_ADMIN_KEY : (await readFile(file, 'utf8')).trim();
  if (key === undefined || key === '') {
    throw new UsageError(`--admin-key-file or ANCHORPOST_ADMIN_KEY is required; usage: ${usage}`);
  }
  return key;
}

export function adminApi(base: string, key: string): AdminApi {
  return {
    async call(method, path, body) {
      // The query goes in `search`: as part of the path its `?` would be escaped.
      const [pathname, search] = path.split('?', 2) as [string, string | undefined];
      const url = serviceUrl(base, '--admin', pathname);
      if (search !== undefined) url.search = search;
      const response = await request(url, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok) throw await refusal(response);
      return await response.json().catch((): unknown => {
        throw new CliError('BAD_RESPONSE', '-', `${url.origin} answered ${response.status} without JSON`);
      });
    },
  };
}
