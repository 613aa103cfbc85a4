/**
 * The sponsor's gRPC server: `anchorpost.sponsor.v1.SponsorService`, the standard health service
 * and server reflection, on one port. Every call is authenticated with the relay's API key from
 * the `authorization` metadata; a refusal is the status of its error kind, with code, field and
 * retryable flag in trailers (the relay's convention).
 */
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { ServiceError, ServiceDefinition } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation } from 'grpc-health-check';
import { errorResponse } from '@anchorpost/service-kit';
import type { Logger } from '@anchorpost/service-kit';
import type { SponsorServiceHandlers } from '../generated/anchorpost/sponsor/v1/SponsorService.ts';
import type { CallerCheck } from '../http/sponsorship-routes.ts';
import type { SponsorshipAnswers } from '../sponsorship-answers.ts';
import { requestBody, sponsorshipMessage } from './sponsor-messages.ts';
import { loadSponsorProto, SPONSOR_SERVICE_NAME } from './sponsor-proto.ts';

export interface SponsorGrpcServerOptions {
  readonly answers: SponsorshipAnswers;
  readonly access: CallerCheck;
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly logger: Logger;
}

export interface SponsorGrpcServer {
  /** `host:port`, for a gRPC client target. */
  readonly url: string;
  close(): Promise<void>;
}

function toStatus(code: number): status {
  return Object.values(status).find((value): value is status => Number(value) === code) ?? status.INTERNAL;
}

/** A thrown error as a gRPC status with the stable code, field and retryable flag in trailers. */
export function grpcError(error: unknown): Partial<ServiceError> {
  const { grpcStatus, body } = errorResponse(error);
  const metadata = new Metadata();
  metadata.set('anchorpost-error-code', body.error.code);
  if (body.error.field !== undefined) metadata.set('anchorpost-error-field', body.error.field);
  metadata.set('anchorpost-error-retryable', String(body.error.retryable));
  return { code: toStatus(grpcStatus), details: body.error.message, metadata };
}

function handlers(options: SponsorGrpcServerOptions): SponsorServiceHandlers {
  const { answers, access, logger } = options;
  const tenantOf = async (metadata: Metadata): Promise<string> => {
    const [authorization] = metadata.get('authorization');
    const caller = await access.authenticate(
      typeof authorization === 'string' ? authorization : undefined,
      'submit',
    );
    return caller.tenantId;
  };
  const failed = (method: string, error: unknown): Partial<ServiceError> => {
    const answer = grpcError(error);
    if (answer.code === status.INTERNAL) logger.error({ method, err: error }, 'grpc call failed');
    return answer;
  };
  return {
    RequestSponsorship(call, callback) {
      tenantOf(call.metadata)
        .then((tenant) => answers.accept(tenant, requestBody(call.request)))
        .then(
          (accepted) => {
            callback(null, {
              firstTime: accepted.firstTime,
              sponsorship: sponsorshipMessage(accepted.sponsorship),
            });
          },
          (error: unknown) => {
            callback(failed('RequestSponsorship', error));
          },
        );
    },
    GetSponsorship(call, callback) {
      tenantOf(call.metadata)
        .then((tenant) => answers.status(tenant, call.request.digest))
        .then(
          (view) => {
            callback(null, { sponsorship: sponsorshipMessage(view) });
          },
          (error: unknown) => {
            callback(failed('GetSponsorship', error));
          },
        );
    },
  };
}

export async function startSponsorGrpcServer(options: SponsorGrpcServerOptions): Promise<SponsorGrpcServer> {
  const { host, logger } = options;
  const definition = loadSponsorProto();
  const health = new HealthImplementation({ '': 'SERVING', [SPONSOR_SERVICE_NAME]: 'SERVING' });
  const server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 });
  server.addService(definition[SPONSOR_SERVICE_NAME] as ServiceDefinition, handlers(options));
  health.addToServer(server);
  new ReflectionService(definition).addToServer(server);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port}`, ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  const url = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.info({ url }, 'sponsor gRPC server listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        health.setStatus('', 'NOT_SERVING');
        health.setStatus(SPONSOR_SERVICE_NAME, 'NOT_SERVING');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 5_000);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      })();
      return closing;
    },
  };
}
