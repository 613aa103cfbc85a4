import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorpostError, ProtocolError } from '@anchorpost/protocol';
import { errorResponse, GrpcStatus, RequestError } from '../src/error-response.ts';

describe('errorResponse', () => {
  it('maps a protocol refusal to 400 / INVALID_ARGUMENT with its code and field', () => {
    const r = errorResponse(new ProtocolError('YAML_ALIAS', 'recipient', 'aliases are not allowed'));
    assert.equal(r.httpStatus, 400);
    assert.equal(r.grpcStatus, GrpcStatus.InvalidArgument);
    assert.deepEqual(r.body, {
      error: { code: 'YAML_ALIAS', field: 'recipient', message: 'aliases are not allowed', retryable: false },
    });
  });

  it('maps a non-canonical tx-file (a protocol refusal) to 400 / INVALID_ARGUMENT', () => {
    const r = errorResponse(new ProtocolError('NOT_CANONICAL', '-', 'not the canonical serialization'));
    assert.equal(r.httpStatus, 400);
    assert.equal(r.grpcStatus, GrpcStatus.InvalidArgument);
    assert.equal(r.body.error.code, 'NOT_CANONICAL');
  });

  it('maps by code family: tenant 403, not found 404, fork 409, too large 413, media type 415', () => {
    const status = (code: string, retryable = false) =>
      errorResponse(new AnchorpostError(code, 'x', retryable)).httpStatus;
    assert.equal(status('UNKNOWN_TENANT'), 403);
    assert.equal(status('UNKNOWN_CLIENT'), 403);
    assert.equal(status('NOT_FOUND'), 404);
    assert.equal(status('STATE_FORK'), 409);
    assert.equal(
      errorResponse(new AnchorpostError('STATE_FORK', 'x', false)).grpcStatus,
      GrpcStatus.AlreadyExists,
    );
    // The database's retryable CONFLICT (a lost transaction race) is no client conflict.
    assert.equal(status('CONFLICT', true), 503);
    assert.equal(status('TOO_LARGE'), 413);
    assert.equal(errorResponse(new RequestError('UNSUPPORTED_MEDIA_TYPE', 'x')).httpStatus, 415);
    assert.equal(status('BAD_CURSOR'), 400);
  });

  it('says 503 for retryable failures and 500 without internals for anything else', () => {
    const down = errorResponse(new AnchorpostError('UNAVAILABLE', 'kubo is down', true));
    assert.equal(down.httpStatus, 503);
    assert.equal(down.grpcStatus, GrpcStatus.Unavailable);
    assert.equal(down.body.error.retryable, true);
    const bug = errorResponse(new TypeError('secret detail at /home/x'));
    assert.equal(bug.httpStatus, 500);
    assert.deepEqual(bug.body, { error: { code: 'INTERNAL', message: 'internal error', retryable: false } });
  });
});
