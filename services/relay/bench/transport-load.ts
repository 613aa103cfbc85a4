/**
 * The clients of the bench, run in a worker thread so that making requests and reading event
 * streams does not take the relay's event loop (as real clients, in other processes, would not):
 * HTTP `POST /v1/tx-files` and gRPC `SubmitTxFiles` at a fixed concurrency, then open-loop sends
 * at fixed rates with one SSE subscriber per group, timing each file from just before its POST
 * to its receipt and to its SSE event.
 */
import { Agent, request as httpRequest, type ClientRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { loadRelayProto, RELAY_SERVICE_NAME } from '../src/grpc/relay-proto.ts';
import type { SubmitTxFilesRequest, SubmitTxFilesResponse } from '../src/grpc/relay-messages.ts';
import { closedLoop, type ThroughputResult } from './closed-loop.ts';
import { round, summarize, type LatencySummary } from './stats.ts';
import type { BenchTxFile } from './tx-file-sets.ts';

export interface TransportLoadInput {
  httpUrl: string;
  grpcUrl: string;
  tenant: string;
  /** Sent as `Authorization: Bearer` (HTTP) and `authorization` metadata (gRPC). */
  apiKey: string;
  concurrency: number;
  phaseMs: number;
  maxBacklog: number;
  httpFiles: BenchTxFile[];
  grpcFiles: BenchTxFile[];
  rateRuns: { rate: number; files: BenchTxFile[] }[];
  rateMs: number;
  drainMs: number;
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

export interface TransportLoadResult {
  http: ThroughputResult;
  grpc: ThroughputResult;
  grpcStreams: number;
  rates: RateResult[];
}

/** POSTs one tx-file; resolves its status once the whole answer is read (so the socket is reused). */
function post(agent: Agent, url: string, apiKey: string, bytes: Uint8Array): Promise<number> {
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

async function httpThroughput(input: TransportLoadInput): Promise<ThroughputResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: input.concurrency });
  const url = `${input.httpUrl}/v1/tx-files`;
  try {
    return await closedLoop(
      input.httpFiles,
      { concurrency: input.concurrency, maxMs: input.phaseMs },
      async (file) => (await post(agent, url, input.apiKey, file.bytes)) === 201,
    );
  } finally {
    agent.destroy();
  }
}

type SubmitTxFilesMethod = MethodDefinition<SubmitTxFilesRequest, SubmitTxFilesResponse>;

/**
 * One `SubmitTxFiles` bidi stream used call by call: `submit` writes a file and resolves when its
 * answer comes back (answers come in order), so a stream has one file in flight, like a socket.
 */
function submitStream(client: Client, method: SubmitTxFilesMethod, tenant: string, apiKey: string) {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${apiKey}`);
  const stream = client.makeBidiStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
    metadata,
  );
  const waiting: { resolve: (accepted: boolean) => void; reject: (error: Error) => void }[] = [];
  let failure: Error | undefined;
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('error', (error: Error) => {
      failure = error;
      for (const waiter of waiting.splice(0)) waiter.reject(error);
      resolve();
    });
  });
  stream.on('data', (response: SubmitTxFilesResponse) => {
    waiting.shift()?.resolve(Boolean(response.receipt));
  });
  return {
    submit(bytes: Uint8Array): Promise<boolean> {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise<boolean>((resolve, reject) => {
        waiting.push({ resolve, reject });
        stream.write({ tenantId: tenant, txFile: bytes });
      });
    },
    async end(): Promise<void> {
      stream.end();
      await ended;
    },
  };
}

async function grpcThroughput(input: TransportLoadInput): Promise<ThroughputResult> {
  const service = loadRelayProto()[RELAY_SERVICE_NAME] as ServiceDefinition;
  const method = service.SubmitTxFiles as unknown as SubmitTxFilesMethod;
  const client = new Client(input.grpcUrl, credentials.createInsecure());
  const streams = Array.from({ length: input.concurrency }, () =>
    submitStream(client, method, input.tenant, input.apiKey),
  );
  try {
    // Lane i of the closed loop always uses stream i: `concurrency` files in flight, as over HTTP.
    return await closedLoop(
      input.grpcFiles,
      { concurrency: input.concurrency, maxMs: input.phaseMs },
      (file, lane) => streams[lane]!.submit(file.bytes),
    );
  } finally {
    await Promise.all(streams.map((stream) => stream.end()));
    client.close();
  }
}

/**
 * One SSE stream with the tenant's key (the throughput phases have sent to every group by then, so
 * the tenant is entitled); calls `onTxFile(cid, arrivedAt)` per `tx-file` event; resolves once `ready` came.
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
  input: TransportLoadInput,
  run: { rate: number; files: BenchTxFile[] },
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

async function rateRuns(input: TransportLoadInput): Promise<RateResult[]> {
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

const input = workerData as TransportLoadInput;
const http = await httpThroughput(input);
const grpc = await grpcThroughput(input);
const rates = await rateRuns(input);
const result: TransportLoadResult = { http, grpc, grpcStreams: input.concurrency, rates };
parentPort?.postMessage(result);
