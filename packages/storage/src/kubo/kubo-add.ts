/**
 * `ipfs add` of one file over the RPC API, streamed with node:http so the upload honours
 * backpressure. kubo-rpc-client uploads through fetch, and Node 24's fetch was measured holding
 * an entire streamed request body in memory (256 MiB for a 256 MiB file) when the source is
 * faster than the daemon; node:http's pipeline keeps the upload at a few chunks.
 */
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CID } from 'multiformats/cid';
import { KuboRpcError } from './kubo-errors.ts';

/** The answer to an add is a few short JSON lines; anything longer is not Kubo. */
const MAX_RESPONSE_BYTES = 1_048_576;

/**
 * Streams `content` to `<api>/add` with `params` as query flags and returns the file's CID.
 * Errors: the source's own error, an AbortError from `signal`, socket errors, or KuboRpcError.
 */
export async function kuboAdd(
  api: URL,
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  params: Readonly<Record<string, string | number | boolean>>,
  signal: AbortSignal | undefined,
): Promise<CID> {
  const boundary = `anchorpost-${randomUUID()}`;
  const lines = await postAdd(api, multipart(boundary, content), boundary, params, signal);
  const hash = lines.findLast((line) => line.Hash !== undefined)?.Hash;
  if (hash === undefined) throw new KuboRpcError(200, 'the answer to add names no CID');
  return CID.parse(hash);
}

/**
 * Several whole files in one `<api>/add` request, one multipart part each (named by its index),
 * and their CIDs in the order given: one round trip for a batch's tx-files.
 */
export async function kuboAddMany(
  api: URL,
  files: readonly Uint8Array[],
  params: Readonly<Record<string, string | number | boolean>>,
  signal: AbortSignal | undefined,
): Promise<CID[]> {
  if (files.length === 0) return [];
  const boundary = `anchorpost-${randomUUID()}`;
  const lines = await postAdd(api, multipartFiles(boundary, files), boundary, params, signal);
  const byName = new Map(lines.flatMap((line) => (line.Hash === undefined ? [] : [[line.Name, line.Hash]])));
  return files.map((_, i) => {
    const hash = byName.get(String(i));
    if (hash === undefined) throw new KuboRpcError(200, `the answer to add names no CID for file ${i}`);
    return CID.parse(hash);
  });
}

async function postAdd(
  api: URL,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  boundary: string,
  params: Readonly<Record<string, string | number | boolean>>,
  signal: AbortSignal | undefined,
): Promise<AddAnswerLine[]> {
  const target = new URL(`${api.pathname.replace(/\/$/, '')}/add`, api);
  target.searchParams.set('stream-channels', 'true');
  target.searchParams.set('progress', 'false');
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, String(value));

  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    signal,
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  // The upload may fail after the daemon has answered (or the other way round): observe both.
  response.catch(() => undefined);
  await pipeline(Readable.from(body), request);
  return answerLines(await response);
}

async function* multipart(
  boundary: string,
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename=""\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  for await (const chunk of content) if (chunk.byteLength > 0) yield chunk;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

function* multipartFiles(boundary: string, files: readonly Uint8Array[]): Generator<Uint8Array> {
  for (const [i, file] of files.entries()) {
    yield Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${i}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    if (file.byteLength > 0) yield file;
    yield Buffer.from('\r\n');
  }
  yield Buffer.from(`--${boundary}--\r\n`);
}

async function answerLines(response: IncomingMessage): Promise<AddAnswerLine[]> {
  let text = '';
  response.setEncoding('utf8');
  for await (const piece of response as AsyncIterable<string>) {
    text += piece;
    if (text.length > MAX_RESPONSE_BYTES) {
      response.destroy();
      throw new KuboRpcError(response.statusCode ?? 0, 'the answer to add is too long');
    }
  }
  const status = response.statusCode ?? 0;
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => parseLine(line, status));
  // Kubo reports a failure met while streaming as an error line (or a trailer) under status 200.
  const failure = lines.find(
    (line) => line.Type === 'error' || (status !== 200 && line.Message !== undefined),
  );
  if (failure !== undefined || status !== 200) {
    const trailer = response.trailers['x-stream-error'];
    throw new KuboRpcError(status, failure?.Message ?? trailer ?? `HTTP ${status}`);
  }
  const trailer = response.trailers['x-stream-error'];
  if (trailer !== undefined && trailer !== '') throw new KuboRpcError(status, trailer);
  return lines;
}

interface AddAnswerLine {
  Name?: string;
  Hash?: string;
  Message?: string;
  Type?: string;
}

function parseLine(line: string, status: number): AddAnswerLine {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    // Not JSON: a proxy's or a server's plain-text error page.
    return status === 200 ? {} : { Message: line };
  }
}
