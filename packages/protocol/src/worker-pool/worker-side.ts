/**
 * The thread side of a WorkerPool, and how a refusal crosses the thread boundary: a ProtocolError
 * travels as its code, field and message and is thrown again as the same ProtocolError.
 */
import { parentPort } from 'node:worker_threads';
import { ProtocolError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { PoolMessage } from './worker-pool.ts';

/** A failure as it crosses the thread boundary. */
export interface JobFailure {
  protocol?: { code: ErrorCode; field: string };
  message: string;
}

export function toJobFailure(error: unknown): JobFailure {
  if (error instanceof ProtocolError) {
    return { protocol: { code: error.code, field: error.field }, message: error.message };
  }
  return { message: error instanceof Error ? error.message : String(error) };
}

/** The error a JobFailure stands for: the same ProtocolError, or a plain Error with its message. */
export function fromJobFailure(failure: JobFailure): Error {
  const { protocol, message } = failure;
  return protocol === undefined
    ? new Error(message)
    : new ProtocolError(protocol.code, protocol.field, message);
}

/** In a worker script: answers every job the pool sends with `handle`'s answer. */
export function serveJobs(handle: (job: never) => Promise<PoolMessage>): void {
  parentPort?.on('message', (job: unknown) => {
    // The pool sends this script only the jobs its handler takes.
    void handle(job as never).then((answer) => {
      parentPort?.postMessage(answer);
    });
  });
}
