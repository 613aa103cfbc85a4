/**
 * `dag/export` over node:http: the body is the CAR stream, read with back-pressure. Kubo reports
 * a failure met after it has started streaming (a block it cannot find) only in the
 * `X-Stream-Error` trailer, after a body that simply ends early; kubo-rpc-client never looks at
 * trailers, so a missing block would pass for a complete DAG. Here the trailer is an error.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { CID } from 'multiformats/cid';
import { KuboRpcError } from './kubo-errors.ts';

/** An error answer is one short JSON object; read no more of it than this. */
const MAX_ERROR_BYTES = 65_536;

/** The CAR bytes of `root`'s DAG. Errors: socket errors, an AbortError from `signal`, or KuboRpcError. */
export async function* kuboDagExport(
  api: URL,
  root: CID,
  options: { signal: AbortSignal | undefined; timeoutMs: number | undefined },
): AsyncGenerator<Uint8Array, void, undefined> {
  const url = new URL(`${api.pathname.replace(/\/$/, '')}/dag/export`, api);
  url.searchParams.set('arg', root.toString());
  if (options.timeoutMs !== undefined) url.searchParams.set('timeout', `${options.timeoutMs}ms`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: 'POST', signal: options.signal });
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
  try {
    const status = response.statusCode ?? 0;
    if (status !== 200) throw new KuboRpcError(status, await errorMessage(response, status));
    for await (const chunk of response as AsyncIterable<Buffer>) yield chunk;
    const trailer = response.trailers['x-stream-error'];
    if (trailer !== undefined && trailer !== '') throw new KuboRpcError(status, trailer);
  } finally {
    // The reader stopped early (or failed): end the request rather than drain it.
    if (!response.complete) response.destroy();
  }
}

async function errorMessage(response: IncomingMessage, status: number): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const piece of response as AsyncIterable<string>) {
    text += piece;
    if (text.length > MAX_ERROR_BYTES) break;
  }
  try {
    const { Message } = JSON.parse(text) as { Message?: unknown };
    if (typeof Message === 'string') return Message;
  } catch {
    // not Kubo's JSON: a proxy's page
  }
  return text.trim().slice(0, 500) || `HTTP ${status}`;
}
