/**
 * Talking to a running platform over HTTP: URLs under a base the user gives, refusals read from
 * the services' error body (`{ error: { code, field, message } }`, docs/api.md) and network
 * failures named UNAVAILABLE, all as the CLI's one-line CliError.
 */
import { CliError, UsageError } from './failure.ts';

/** `<base>/<path>` for an http(s) base URL given on the command line (a path prefix is kept). */
export function serviceUrl(base: string, flag: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`${flag} must be an http(s) URL, got '${base}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} must be an http(s) URL, got '${base}'`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path}`;
  return url;
}

/** The failure of a request that never got an answer (refused, reset, DNS, timeout). */
export function unavailable(url: URL, error: unknown): CliError {
  const cause = (error as { cause?: unknown }).cause;
  const detail =
    cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : (error as Error).message;
  return new CliError('UNAVAILABLE', '-', `${url.origin}: ${detail}`);
}

/** Sends a request; a network failure becomes UNAVAILABLE. */
export async function request(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw unavailable(url, error);
  }
}

interface ErrorBody {
  error?: { code?: unknown; field?: unknown; message?: unknown };
}

/** The refusal a non-2xx answer carries, or `HTTP_<status>` when its body is no error body. */
export async function refusal(response: Response): Promise<CliError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    if (error && typeof error.code === 'string' && /^[A-Z0-9_]+$/.test(error.code)) {
      return new CliError(
        error.code,
        typeof error.field === 'string' && /^\S+$/.test(error.field) ? error.field : '-',
        typeof error.message === 'string' ? error.message : `HTTP ${response.status}`,
      );
    }
  } catch {
    // Not JSON: fall through to the status alone.
  }
  return new CliError(`HTTP_${response.status}`, '-', response.statusText || 'unexpected answer');
}
