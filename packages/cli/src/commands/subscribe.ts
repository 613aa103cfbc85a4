/**
 * `anchorpost subscribe RECIPIENT_HASH --relay URL [--cursor C] [--out DIR] [--count N] [--json]`:
 * follows a relay's SSE stream of the tx-files for one recipient, one line per file.
 *
 * The cursor of the last event seen (the `ready` event's start, then each file's) is sent back as
 * `Last-Event-ID` and `?cursor=` on every reconnect, and the relay resumes right after it, so a
 * dropped connection neither loses nor repeats a file. The first connection must succeed (a wrong
 * URL fails at once); after that, drops are retried with a capped exponential back-off for ever.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cidForBytes, fromBase64 } from '@anchorpost/protocol';
import { CliError, UsageError } from '../failure.ts';
import { refusal, request, serviceUrl } from '../http.ts';
import { parseCommand } from '../options.ts';
import { readSse } from '../sse.ts';
import { apiKeyOf } from '../api-key.ts';

export const SUBSCRIBE_USAGE =
  'anchorpost subscribe RECIPIENT_HASH --relay URL [--api-key KEY] [--cursor CURSOR] [--out DIR] [--count N] [--json]';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

interface TxFileEvent {
  cid: string;
  cursor: string;
  txFile: string;
  receipt: unknown;
}

function txFileEvent(data: string): TxFileEvent {
  let value: Partial<TxFileEvent>;
  try {
    value = JSON.parse(data) as Partial<TxFileEvent>;
  } catch {
    throw new CliError('BAD_RESPONSE', '-', 'a tx-file event whose data is not JSON');
  }
  if (typeof value.cid !== 'string' || typeof value.cursor !== 'string' || typeof value.txFile !== 'string') {
    throw new CliError('BAD_RESPONSE', '-', 'a tx-file event without cid, cursor and txFile');
  }
  return value as TxFileEvent;
}

/** Thrown inside one connection when it should be retried (dropped, or a retryable answer). */
class Dropped extends Error {
  override readonly name = 'Dropped';
}

export async function subscribeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    args,
    {
      relay: { type: 'string' },
      'api-key': { type: 'string' },
      cursor: { type: 'string' },
      out: { type: 'string' },
      count: { type: 'string' },
      json: { type: 'boolean' },
    },
    SUBSCRIBE_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`usage: ${SUBSCRIBE_USAGE}`);
  if (values.relay === undefined) throw new UsageError(`--relay is required; usage: ${SUBSCRIBE_USAGE}`);
  const apiKey = apiKeyOf(values['api-key'], SUBSCRIBE_USAGE);
  if (values.count !== undefined && !/^[1-9][0-9]{0,8}$/.test(values.count)) {
    throw new UsageError(`--count must be a positive integer; usage: ${SUBSCRIBE_USAGE}`);
  }
  const base = serviceUrl(values.relay, '--relay', `v1/subscriptions/${encodeURIComponent(positionals[0]!)}`);
  let remaining = values.count === undefined ? Infinity : Number(values.count);
  let cursor = values.cursor;
  const outDir = values.out;
  if (outDir !== undefined) await mkdir(outDir, { recursive: true });

  // Ctrl-C (or a TERM) ends the subscription normally.
  const controller = new AbortController();
  const { signal } = controller;
  const stop = () => {
    controller.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  // Whether a stream was ever open (only then are failures retried), and the back-off step.
  const state = { connected: false, attempt: 0 };

  async function deliver(event: TxFileEvent): Promise<void> {
    const bytes = fromBase64(event.txFile);
    // The CID is over the bytes: a mismatch is a broken relay, and the CID names the output file.
    const cid = await cidForBytes(bytes);
    if (cid !== event.cid) {
      throw new CliError('CID_MISMATCH', 'cid', `the relay sent ${event.cid} but the bytes are ${cid}`);
    }
    if (outDir !== undefined) {
      // Written whole then renamed, so a reader never sees half a file.
      const path = join(outDir, `${cid}.yaml`);
      await writeFile(`${path}.partial`, bytes);
      await rename(`${path}.partial`, path);
    }
    process.stdout.write(values.json ? `${JSON.stringify(event)}\n` : `${cid} ${event.cursor}\n`);
  }

  /** One connection: returns when done (count reached), throws Dropped to reconnect. */
  async function connect(): Promise<void> {
    const url = new URL(base);
    const headers: Record<string, string> = {
      accept: 'text/event-stream',
      authorization: `Bearer ${apiKey}`,
    };
    if (cursor !== undefined) {
      url.searchParams.set('cursor', cursor);
      headers['last-event-id'] = cursor;
    }
    const response = await request(url, { headers, signal });
    if (!response.ok) {
      const error = await refusal(response);
      // 5xx (UNAVAILABLE, a relay shutting down...) can pass; a 4xx is the request's own fault.
      if (response.status >= 500 && state.connected) throw new Dropped(`${error.code}: ${error.message}`);
      throw error;
    }
    if (response.body === null) throw new Dropped('an answer without a body');
    state.connected = true;
    try {
      for await (const event of readSse(response.body)) {
        if (event.event === 'ready') {
          if (event.id !== undefined && event.id !== '') cursor = event.id;
          state.attempt = 0;
        } else if (event.event === 'tx-file') {
          const file = txFileEvent(event.data);
          await deliver(file);
          cursor = file.cursor;
          remaining -= 1;
          if (remaining === 0) return;
        } else if (event.event === 'error') {
          throw new Dropped(`the relay reported: ${event.data}`);
        }
      }
    } catch (error) {
      if (error instanceof CliError || error instanceof Dropped || signal.aborted) throw error;
      throw new Dropped((error as Error).message);
    }
    throw new Dropped('the relay closed the stream');
  }

  try {
    for (;;) {
      try {
        await connect();
        return 0;
      } catch (error) {
        if (signal.aborted) return 0;
        const retry = error instanceof Dropped || (state.connected && isUnavailable(error));
        if (!retry) throw error;
        const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** state.attempt);
        state.attempt += 1;
        process.stderr.write(`reconnecting in ${delay} ms after: ${(error as Error).message}\n`);
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return 0;
        }
      }
    }
  } catch (error) {
    if (signal.aborted) return 0;
    throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Closes the open stream, if any, so the process can exit.
    controller.abort();
  }
}

function isUnavailable(error: unknown): boolean {
  return error instanceof CliError && error.code === 'UNAVAILABLE';
}
