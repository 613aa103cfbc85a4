/**
 * What every RPC handler shares: the relay, `authenticate` (the `authorization` metadata, as
 * `Bearer <API key>` like HTTP's header), `checkEntitled` (may the tenant subscribe), and `serve`, which runs a call under its request id
 * (a plain `x-request-id` from the client, else a random one) carried into the relay and the logs,
 * and logs and counts the one status it ends with.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import type { Metadata } from '@grpc/grpc-js';
import type { ApiKeyScope, Caller, KeyFiles, Relay, TenantAccess } from '@anchorpost/relay-core';
import { requestContext } from '@anchorpost/service-kit';
import type { Logger } from '@anchorpost/service-kit';
import { relayConfigSchema } from '../relay-config.ts';
import { StreamLimit, type StreamAdmission } from '../stream-limit.ts';
import type { OpenTenantStream } from '../tenant-streams.ts';
import { grpcError } from './grpc-error.ts';
import type { GrpcStatusObject } from './grpc-error.ts';

/** The relay calls the transport makes (a Relay; narrowed so tests can watch the calls). */
export type RelayCalls = Pick<Relay, 'submit' | 'subscriptionStart' | 'subscribe' | 'getReceipt'>;

/** Who a caller is and what it may subscribe to (a TenantAccess; narrowed so tests can give their own). */
export type CallerCheck = Pick<TenantAccess, 'authenticate' | 'checkEntitled'>;

/** How Subscribe calls are bounded (shared with the HTTP side's streams). */
export interface StreamBounds {
  /** Takes a place for each Subscribe call (the process's limit), or refuses it. */
  admission: StreamAdmission;
  /** How long a write may wait for the client to read before the call is dropped. */
  drainTimeoutMs: number;
  /** Told when a call is dropped for not reading. */
  onDropped?(): void;
}

export interface GrpcCallOptions {
  relay: RelayCalls;
  access: CallerCheck;
  logger: Logger;
  /**
   * Subscribe's limits. Default: a limit of its own with `ANCHORPOST_RELAY_MAX_STREAMS`'s and
   * `ANCHORPOST_RELAY_SUBSCRIBER_DRAIN_TIMEOUT`'s defaults; the relay service shares one limit
   * with its SSE streams.
   */
  streams?: StreamBounds;
  /** Called once per finished call with its method and final status code. */
  onCallEnd?: (method: string, code: status) => void;
  /** Takes a stream slot of the tenant per Subscribe (the relay service wires it); without it, no stream quota. */
  openStream?: OpenTenantStream;
  /** Where StoreKeyFile stores (the relay service wires it); without it, StoreKeyFile is UNIMPLEMENTED. */
  keyFiles?: Pick<KeyFiles, 'store'>;
}

export interface GrpcCalls {
  relay: RelayCalls;
  logger: Logger;
  streams: StreamBounds;
  /**
   * The caller named by the call's `authorization` metadata, allowed `scope`; with a non-empty
   * `claimedTenant` (a request's `tenant_id`) it must be the key's tenant. UNAUTHENTICATED otherwise.
   */
  authenticate: (metadata: Metadata, scope: ApiKeyScope, claimedTenant?: string) => Promise<Caller>;
  /** NOT_ENTITLED unless the tenant sent to the recipient or has it registered (BAD_RECIPIENT for no hash). */
  checkEntitled: (tenantId: string, recipientHash: string) => Promise<void>;
  /** Runs `run` under the call's request id; `run` answers the call and resolves to its status. */
  serve: (method: string, metadata: Metadata, run: (requestId: string) => Promise<status>) => void;
  /** The status answering `error`; an unexpected one is logged. */
  failed: (error: unknown) => GrpcStatusObject;
  openStream: OpenTenantStream;
  keyFiles: Pick<KeyFiles, 'store'> | undefined;
}

/** No stream quota and no usage: for a server built without them. */
const unlimitedStream: OpenTenantStream = () =>
  Promise.resolve({ delivered: () => undefined, close: () => Promise.resolve() });

/** Same rule as the HTTP side: a client's id is kept only if it is plain. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestIdOf(metadata: Metadata): string {
  const [given] = metadata.get('x-request-id');
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

export function grpcCalls(options: GrpcCallOptions): GrpcCalls {
  const { relay, logger, access } = options;
  const streams = options.streams ?? {
    admission: new StreamLimit(relayConfigSchema.maxStreams.default),
    drainTimeoutMs: relayConfigSchema.subscriberDrainTimeoutMs.default,
  };
  return {
    relay,
    logger,
    openStream: options.openStream ?? unlimitedStream,
    keyFiles: options.keyFiles,
    streams,
    authenticate(metadata, scope, claimedTenant) {
      const [authorization] = metadata.get('authorization');
      return access.authenticate(
        typeof authorization === 'string' ? authorization : undefined,
        scope,
        claimedTenant === '' ? undefined : claimedTenant,
      );
    },
    checkEntitled(tenantId, recipientHash) {
      return access.checkEntitled(tenantId, recipientHash);
    },
    serve(method, metadata, run) {
      const requestId = requestIdOf(metadata);
      const started = performance.now();
      requestContext.run({ requestId }, () => {
        const finish = (code: status): void => {
          const durationMs = Math.round(performance.now() - started);
          const fields = { method, code: status[code], durationMs };
          if (code === status.INTERNAL || code === status.UNKNOWN) logger.error(fields, 'grpc call failed');
          else logger.info(fields, 'grpc call');
          options.onCallEnd?.(method, code);
        };
        run(requestId).then(finish, (error: unknown) => {
          // The handlers answer every error themselves; this is a bug in them.
          logger.error({ method, err: error }, 'grpc handler threw');
          finish(status.INTERNAL);
        });
      });
    },
    failed(error) {
      const { hidden, ...answer } = grpcError(error);
      // The caller got a generic message: the full text (secrets redacted) is for the operator.
      if (hidden)
        logger.error({ err: error, code: answer.metadata.get('anchorpost-error-code')[0] }, 'call failed');
      return answer;
    },
  };
}

/** Waits until `stream` can take more, or the signal aborts: a slow reader never grows our buffer. */
export async function drained(stream: Writable, signal: AbortSignal): Promise<void> {
  try {
    await once(stream, 'drain', { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

/**
 * Writes `message` and waits until grpc-js has handed it to HTTP/2 (its write callback, which
 * waits for the peer's flow-control window), for at most `timeoutMs`. grpc-js's own buffer takes
 * 16 messages before `write` says to wait, so one message in flight is the only bound that does
 * not grow with message size. false: the time ran out (the client is not reading); true: written,
 * or the signal aborted.
 */
export async function writtenWithin(
  stream: Writable,
  message: unknown,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<boolean> {
  if (signal.aborted) return true;
  const written = new Promise<void>((resolve) => {
    stream.write(message, () => {
      resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => {
      resolve('late');
    }, timeoutMs);
  });
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return (await Promise.race([written, aborted, late])) !== 'late';
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
