/**
 * The clients of the bench, run in a worker thread so that making requests and reading event
 * streams does not take the relay's event loop (as real clients, in other processes, would not):
 * HTTP `POST /v1/tx-files` and gRPC `SubmitTxFiles` at a fixed concurrency, then open-loop sends
 * at fixed rates with one SSE subscriber per group, timing each file from just before its POST
 * to its receipt and to its SSE event.
 */
import { Agent } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader';
import { loadRelayProto, RELAY_SERVICE_NAME } from '../src/grpc/relay-proto.ts';
import type { SubmitTxFilesRequest, SubmitTxFilesResponse } from '../src/grpc/relay-messages.ts';
import { closedLoop, type ThroughputResult } from './closed-loop.ts';
import { post, runOpenLoop, type RateResult } from '../src/testing/open-loop-load.ts';
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

export interface TransportLoadResult {
  http: ThroughputResult;
  grpc: ThroughputResult;
  grpcStreams: number;
  rates: RateResult[];
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

const input = workerData as TransportLoadInput;
const http = await httpThroughput(input);
const grpc = await grpcThroughput(input);
const rates = await runOpenLoop(input);
const result: TransportLoadResult = { http, grpc, grpcStreams: input.concurrency, rates };
parentPort?.postMessage(result);
