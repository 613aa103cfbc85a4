/**
 * A relay's stream of the tx-files for one recipient (`GET /v1/subscriptions/{recipient}`, SSE), as
 * an async iterator that resumes where it left off.
 *
 * The cursor of the last event seen (the `ready` event's start, then each file's) is sent back as
 * `Last-Event-ID` and `?cursor=` on every reconnect, and the relay resumes right after it, so a
 * dropped connection neither loses nor repeats a file (the bookkeeping and back-off are
 * ./subscription-loop.ts's, shared with gRPC). The first connection must succeed (a wrong URL or
 * key fails at once); after that, drops are retried with a capped exponential back-off until the
 * signal aborts. The stream is read only as fast as the caller takes files (back-pressure reaches
 * the relay through the connection). Portable: `fetch`, WebCrypto, no Node built-in.
 */
import { fromBase64 } from '@anchorpost/protocol/portable';
import { baseUrl, isRecord, refusalOf, send } from './api-refusal.ts';
import { SdkError, SdkErrorCode } from './sdk-error.ts';
import { readSse } from './sse.ts';
import {
  Dropped,
  resumableSubscription,
  type DeliveredTxFile,
  type ResumableSubscriptionOptions,
  type StreamEvent,
} from './subscription-loop.ts';

export type { DeliveredTxFile, ResumableSubscriptionOptions } from './subscription-loop.ts';

export interface SubscribeOptions extends ResumableSubscriptionOptions {
  /** The relay's base URL. */
  readonly relay: string;
  /** An API key with the `subscribe` scope. */
  readonly apiKey: string;
  /** The group's recipient hash (`GroupMembership.recipient`). */
  readonly recipient: string;
  readonly fetch?: typeof fetch | undefined;
}

function txFileEvent(data: string): {
  cid: string;
  cursor: string;
  txFile: string;
  receipt: unknown;
  origin?: string;
} {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new SdkError(SdkErrorCode.BadResponse, 'a tx-file event whose data is not JSON');
  }
  if (
    !isRecord(value) ||
    typeof value.cid !== 'string' ||
    typeof value.cursor !== 'string' ||
    typeof value.txFile !== 'string'
  ) {
    throw new SdkError(SdkErrorCode.BadResponse, 'a tx-file event without cid, cursor and txFile');
  }
  const origin = typeof value.origin === 'string' ? value.origin : undefined;
  return {
    cid: value.cid,
    cursor: value.cursor,
    txFile: value.txFile,
    receipt: value.receipt,
    ...(origin ? { origin } : {}),
  };
}

/** The tx-files sent to `recipient`, in the relay's order, each exactly once across reconnects. */
export async function* subscribeTxFiles(
  options: SubscribeOptions,
): AsyncGenerator<DeliveredTxFile, void, undefined> {
  const base = `${baseUrl(options.relay, 'the relay URL')}/v1/subscriptions/${encodeURIComponent(options.recipient)}`;
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  yield* resumableSubscription(options, (cursor, signal, everOpen) =>
    sseStream({ base, apiKey: options.apiKey, fetcher }, cursor, signal, everOpen),
  );
}

/** One SSE stream after `cursor`, as the loop's events. */
async function* sseStream(
  relay: { base: string; apiKey: string; fetcher: typeof fetch },
  cursor: string | undefined,
  signal: AbortSignal,
  everOpen: boolean,
): AsyncGenerator<StreamEvent> {
  const url = new URL(relay.base);
  const headers: Record<string, string> = {
    accept: 'text/event-stream',
    authorization: `Bearer ${relay.apiKey}`,
  };
  if (cursor !== undefined) {
    url.searchParams.set('cursor', cursor);
    headers['last-event-id'] = cursor;
  }
  const response = await send(relay.fetcher, 'subscribe', url.href, { headers, signal });
  if (!response.ok) {
    const error = await refusalOf('subscribe', response);
    // 5xx (a relay shutting down...) can pass once a stream was open; a 4xx is the request's fault.
    if (response.status >= 500 && everOpen) throw new Dropped(error.message);
    throw error;
  }
  if (response.body === null) throw new Dropped('an answer without a body');
  yield { type: 'open' };
  for await (const event of readSse(response.body)) {
    if (event.event === 'ready') {
      yield { type: 'ready', cursor: event.id };
    } else if (event.event === 'tx-file') {
      const { txFile, ...file } = txFileEvent(event.data);
      yield { type: 'file', file: { ...file, bytes: fromBase64(txFile) } };
    } else if (event.event === 'error') {
      throw new Dropped(`the relay reported: ${event.data}`);
    }
  }
}
