/**
 * How the SDK reads Anchorpost's HTTP answers: a refusal's error body (`{ error: { code, field,
 * message, requestId } }`, docs/api.md) becomes one SdkError by status, and a request that got no
 * answer becomes UNAVAILABLE. Shared by the proof API and relay clients, so both fail alike.
 */
import { SdkError, SdkErrorCode } from './sdk-error.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The SdkError of a non-2xx answer whose body (parsed JSON, or undefined) may be an error body. */
export function refusal(what: string, status: number, body: unknown): SdkError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  const apiCode = typeof error.code === 'string' ? error.code : undefined;
  const requestId = typeof error.requestId === 'string' ? error.requestId : undefined;
  const field = typeof error.field === 'string' && /^\S+$/.test(error.field) ? error.field : undefined;
  const message = `${what}: HTTP ${status}${apiCode === undefined ? '' : ` ${apiCode}`}: ${
    typeof error.message === 'string' ? error.message : 'no message'
  }`;
  const code =
    status === 404
      ? SdkErrorCode.NotFound
      : status >= 500 || status === 429
        ? SdkErrorCode.Unavailable
        : SdkErrorCode.Refused;
  return new SdkError(code, message, { apiCode, requestId, field });
}

/** Reads a refusal's body (JSON or not) and answers its SdkError. */
export async function refusalOf(what: string, response: Response): Promise<SdkError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return refusal(what, response.status, body);
}

/** `fetch`, with a request that got no answer (refused, reset, DNS, timeout) as UNAVAILABLE. */
export async function send(
  fetcher: typeof fetch,
  what: string,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetcher(url, init);
  } catch (cause) {
    // The caller's own abort is not the server's fault: it stays an AbortError.
    if (init.signal?.aborted === true && (init.signal.reason as Error | undefined)?.name !== 'TimeoutError')
      throw cause;
    const inner = (cause as { cause?: unknown }).cause;
    const detail =
      inner instanceof Error
        ? ((inner as { code?: string }).code ?? inner.message)
        : (cause as Error).message;
    throw new SdkError(SdkErrorCode.Unavailable, `${what}: ${detail}`, { cause });
  }
}

/** An http(s) base URL, without its trailing slashes; INVALID_INPUT otherwise. */
export function baseUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new SdkError(SdkErrorCode.InvalidInput, `${what} is not a URL: ${url}`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new SdkError(SdkErrorCode.InvalidInput, `${what} must be http(s): ${url}`);
  }
  return parsed.href.replace(/\/+$/, '');
}
