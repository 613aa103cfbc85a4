/**
 * An open-loop load on a relay, for benches: tx-files POSTed at fixed offered rates over HTTP, one
 * SSE subscriber per recipient, each file timed from just before its POST to its receipt and to its
 * SSE event. Sending stops at a bound on files sent and not yet delivered, so a relay that cannot
 * keep up ends the run in bounded time. Used by the relay's bench (an embedded relay) and the e2e
 * bench on real servers; run it in a worker thread so the clients do not take the event loop of
 * what they measure.
 */
import { Agent, request as httpRequest, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { round, summarize, type LatencySummary } from './latency.ts';

/** A tx-file ready to send: its bytes and CID (what the SSE event names). */
export interface OpenLoopTxFile {
  readonly bytes: Uint8Array;
  readonly cid: string;
}

export interface OpenLoopInput {
  httpUrl: string;
  /** Sent as `Authorization: Bearer`; needs the `submit` and `subscribe` scopes. */
  apiKey: string;
  /** Files sent and not yet delivered at which a rate stops sending. */
  maxBacklog: number;
  rateRuns: { rate: number; files: OpenLoopTxFile[] }[];
  rateMs: number;
  /** After a rate's window, how long to wait for the last receipts and deliveries. */
  drainMs: number;
  /** One SSE subscriber each; the tenant must be entitled to them. */
  recipientHashes: string[];
}

export interface RateResult {
  offeredRate: number;
  /** Files the rate × duration called for. */
  planned: number;
  /** Files sent: fewer than planned when the backlog reached its bound. */
  files: number;
  /** True when sending stopped because `maxBacklog` files were waiting for delivery. */
  stoppedEarly: boolean;
  accepted: number;
  errors: number;
  delivered: number;
  /** The pace the client actually sent at (a late timer shows here). */
  sentRate: number;
  /** Receipts per second, from the first send to the last receipt. */
  acceptedRate: number;
  /** SSE events per second, from the first send to the last event. */
  deliveredRate: number;
  /** Files sent but not yet delivered when the sending stopped / the most seen before a send. */
  backlogAtWindowEnd: number;
  maxBacklog: number;
  /** Backlog sampled every second of the window: a growing series means the relay fell behind. */
  backlogSeries: number[];
  keptUp: boolean;
  submitMs: LatencySummary;
  deliverMs: LatencySummary;
}

/** POSTs one tx-file; resolves its status once the whole answer is read (so the socket is reused). */
export function post(agent: Agent, url: string, apiKey: string, bytes: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/yaml',
          'content-length': bytes.byteLength,
          authorization: `Bearer ${apiKey}`,
        },
      },
      (response) => {
        response.on('error', reject);
        response.on('end', () => {
          resolve(response.statusCode ?? 0);
        });
        response.resume();
      },
    );
    request.on('error', reject);
    request.end(bytes);
  });
}

/**
 * One SSE stream with the tenant's key (the tenant must be entitled to the recipient already);
 * calls `onTxFile(cid, arrivedAt)` per `tx-file` event; resolves once `ready` came.
 */
async function subscribe(
  url: string,
  apiKey: string,
  onTxFile: (cid: string, arrivedAt: number) => void,
): Promise<ClientRequest> {
  const request = httpRequest(url, {
    agent: false,
    headers: { accept: 'text/event-stream', authorization: `Bearer ${apiKey}` },
  });
  let buffer = '';
  const ready = new Promise<void>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      if (response.statusCode !== 200) reject(new Error(`subscription answered ${response.statusCode}`));
      response.setEncoding('utf8');
      response.on('error', () => undefined);
      response.on('data', (chunk: string) => {
        const arrivedAt = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data = line.slice(6);
          }
          if (event === 'ready') resolve();
          else if (event === 'tx-file') onTxFile((JSON.parse(data) as { cid: string }).cid, arrivedAt);
        }
      });
    });
  });
  request.end();
  await ready;
  return request;
}

interface Pending {
  sentAt: number;
  deliveredAt: number;
  /** The run's delivered count, kept by the SSE readers. */
  counts: { delivered: number };
}

async function rateRun(
  input: OpenLoopInput,
  run: { rate: number; files: OpenLoopTxFile[] },
  pending: Map<string, Pending>,
): Promise<RateResult> {
  const { rate, files } = run;
  // Open loop: no socket limit, so a slow relay shows as latency and backlog, not as client queueing.
  const agent = new Agent({ keepAlive: true });
  const url = `${input.httpUrl}/v1/tx-files`;
  const counts = { delivered: 0 };
  const entries: Pending[] = files.map(() => ({ sentAt: Number.NaN, deliveredAt: Number.NaN, counts }));
  const receiptAt: number[] = files.map(() => Number.NaN);
  files.forEach((file, i) => pending.set(file.cid, entries[i]!));
  let sent = 0;
  let answered = 0;
  let accepted = 0;
  const backlog = () => sent - counts.delivered;
  const backlogSeries: number[] = [];
  let maxBacklog = 0;
  const sampler = setInterval(() => {
    backlogSeries.push(backlog());
  }, 1000);
  const started = performance.now();
  try {
    let stoppedEarly = false;
    for (let i = 0; i < files.length; i += 1) {
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait >= 1) await sleep(wait);
      maxBacklog = Math.max(maxBacklog, backlog());
      if (backlog() >= input.maxBacklog) {
        stoppedEarly = true;
        break;
      }
      const entry = entries[i]!;
      entry.sentAt = performance.now();
      sent += 1;
      void post(agent, url, input.apiKey, files[i]!.bytes).then(
        (status) => {
          receiptAt[i] = performance.now();
          answered += 1;
          if (status === 201) accepted += 1;
        },
        () => {
          answered += 1;
        },
      );
    }
    const windowEnd = performance.now();
    const backlogAtWindowEnd = backlog();
    maxBacklog = Math.max(maxBacklog, backlogAtWindowEnd);
    const lastSent = entries[sent - 1]?.sentAt ?? windowEnd;
    while (performance.now() - windowEnd < input.drainMs) {
      if (answered === sent && counts.delivered === sent) break;
      await sleep(20);
    }
    const delivered = counts.delivered;

    const sentEntries = entries.slice(0, sent);
    const submitSamples = receiptAt.flatMap((at, i) => (Number.isNaN(at) ? [] : [at - entries[i]!.sentAt]));
    const deliverSamples = sentEntries.flatMap((entry) =>
      Number.isNaN(entry.deliveredAt) ? [] : [entry.deliveredAt - entry.sentAt],
    );
    const lastOf = (times: number[]) => Math.max(started, ...times.filter((at) => !Number.isNaN(at)));
    const perSecond = (count: number, until: number) =>
      until > started ? round((count / (until - started)) * 1000) : 0;
    const deliveredRate = perSecond(delivered, lastOf(sentEntries.map((entry) => entry.deliveredAt)));
    return {
      offeredRate: rate,
      planned: files.length,
      files: sent,
      stoppedEarly,
      accepted,
      errors: sent - accepted,
      delivered,
      sentRate: perSecond(sent, lastSent + 1000 / rate),
      acceptedRate: perSecond(accepted, lastOf(receiptAt)),
      deliveredRate,
      backlogAtWindowEnd,
      maxBacklog,
      backlogSeries,
      keptUp:
        !stoppedEarly && delivered === sent && deliveredRate >= 0.9 * rate && backlogAtWindowEnd <= rate,
      submitMs: summarize(submitSamples),
      deliverMs: summarize(deliverSamples),
    };
  } finally {
    clearInterval(sampler);
    for (const file of files) pending.delete(file.cid);
    agent.destroy();
  }
}

/** Each rate of `input.rateRuns` in turn, with every subscriber open from the start. */
export async function runOpenLoop(input: OpenLoopInput): Promise<RateResult[]> {
  const pending = new Map<string, Pending>();
  const onTxFile = (cid: string, arrivedAt: number): void => {
    const entry = pending.get(cid);
    if (entry === undefined || !Number.isNaN(entry.deliveredAt)) return;
    entry.deliveredAt = arrivedAt;
    entry.counts.delivered += 1;
  };
  const subscriptions: ClientRequest[] = [];
  try {
    for (const hash of input.recipientHashes) {
      subscriptions.push(
        await subscribe(`${input.httpUrl}/v1/subscriptions/${hash}`, input.apiKey, onTxFile),
      );
    }
    const results: RateResult[] = [];
    for (const run of input.rateRuns) results.push(await rateRun(input, run, pending));
    return results;
  } finally {
    for (const subscription of subscriptions) subscription.destroy();
  }
}
