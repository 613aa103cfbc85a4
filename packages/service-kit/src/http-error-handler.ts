/**
 * The error handler of a service's own routes: every refusal leaves as `{ error: { code, … } }`
 * with the status of errorResponse's table. Fastify's own refusals (schema validation, body too
 * large, unknown content type) are translated to the same codes first. Every error body carries
 * the request id (also in `x-request-id`). Failures answered 5xx (a bug, or a dependency that
 * failed) are logged with the request id and their full text, secrets redacted; the caller gets a
 * generic message (errorResponse).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AnchorpostError } from '@anchorpost/protocol';
import { errorResponse, isHiddenFromCaller, RequestError } from './error-response.ts';
import type { Logger } from './logger.ts';

function fromFastify(error: FastifyError): unknown {
  if (error instanceof AnchorpostError) return error;
  if (error.validation) {
    const first = error.validation[0];
    const where = error.validationContext ?? 'request';
    const path = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') ?? '';
    const missing = (first?.params as { missingProperty?: unknown } | undefined)?.missingProperty;
    const field = [where, path || (typeof missing === 'string' ? missing : '')].filter(Boolean).join('.');
    return new RequestError('BAD_REQUEST', error.message, field);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestError('TOO_LARGE', 'the request body is larger than this route accepts', 'body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new RequestError('UNSUPPORTED_MEDIA_TYPE', error.message, 'content-type');
    default:
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500)
        return new RequestError('BAD_REQUEST', error.message);
      return error;
  }
}

export function httpErrorHandler(logger: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const mapped = errorResponse(fromFastify(error));
    if (isHiddenFromCaller(mapped)) {
      logger.error({ requestId: request.id, code: mapped.body.error.code, err: error }, 'request failed');
    }
    if (mapped.retryAfterMs !== undefined) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(mapped.retryAfterMs / 1000))));
    }
    mapped.body.error.requestId = request.id;
    return reply.code(mapped.httpStatus).send(mapped.body);
  };
}
