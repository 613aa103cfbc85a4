import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnchorpostError, ERROR_KINDS, type ErrorKind, ProtocolError } from '@anchorpost/protocol';
import { ConfigError } from '../src/config.ts';
import { errorResponse, GrpcStatus, MAX_MESSAGE_CHARS, RequestError } from '../src/error-response.ts';

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

  it('maps by kind, whatever the code: every kind has its HTTP and gRPC status', () => {
    const statuses = (kind: ErrorKind, retryable = false) => {
      const r = errorResponse(new AnchorpostError('ANY_CODE', kind, 'x', retryable));
      return [r.httpStatus, r.grpcStatus];
    };
    assert.deepEqual(statuses('invalid'), [400, GrpcStatus.InvalidArgument]);
    assert.deepEqual(statuses('too-large'), [413, GrpcStatus.ResourceExhausted]);
    assert.deepEqual(statuses('unsupported'), [415, GrpcStatus.InvalidArgument]);
    assert.deepEqual(statuses('unauthenticated'), [401, GrpcStatus.Unauthenticated]);
    assert.deepEqual(statuses('forbidden'), [403, GrpcStatus.PermissionDenied]);
    assert.deepEqual(statuses('not-found'), [404, GrpcStatus.NotFound]);
    assert.deepEqual(statuses('conflict'), [409, GrpcStatus.AlreadyExists]);
    assert.deepEqual(statuses('exhausted'), [429, GrpcStatus.ResourceExhausted]);
    assert.deepEqual(statuses('unavailable', true), [503, GrpcStatus.Unavailable]);
    assert.deepEqual(statuses('internal'), [500, GrpcStatus.Internal]);
    // An error whose instance says it may pass by waiting is never answered as our bug.
    assert.deepEqual(statuses('internal', true), [503, GrpcStatus.Unavailable]);
    assert.equal(ERROR_KINDS.length, 10);
  });

  it("maps the transports' own refusals and the protocol's by their kinds", () => {
    assert.equal(errorResponse(new RequestError('UNSUPPORTED_MEDIA_TYPE', 'x')).httpStatus, 415);
    assert.equal(errorResponse(new RequestError('NOT_FOUND', 'x')).httpStatus, 404);
    assert.equal(errorResponse(new ProtocolError('TOO_LARGE', '-', 'x')).httpStatus, 413);
    assert.equal(errorResponse(new ConfigError('ANCHORPOST_X', 'is required')).httpStatus, 500);
  });

  it('says 503 for retryable failures and 500 without internals for anything else', () => {
    const down = errorResponse(new AnchorpostError('UNAVAILABLE', 'unavailable', 'kubo is down', true));
    assert.equal(down.httpStatus, 503);
    assert.equal(down.grpcStatus, GrpcStatus.Unavailable);
    assert.equal(down.body.error.retryable, true);
    const bug = errorResponse(new TypeError('secret detail at /home/x'));
    assert.equal(bug.httpStatus, 500);
    assert.deepEqual(bug.body, { error: { code: 'INTERNAL', message: 'internal error', retryable: false } });
  });

  it("never shows a dependency's own words for an internal or unavailable failure", () => {
    const secret = 'connect to postgres://anchorpost:hunter2@db.internal:5432/state failed';
    for (const [kind, retryable] of [
      ['unavailable', true],
      ['internal', false],
      ['internal', true],
    ] as const) {
      const r = errorResponse(new AnchorpostError('DATABASE_DOWN', kind, secret, retryable));
      assert.equal(r.body.error.code, 'DATABASE_DOWN');
      assert.ok(!JSON.stringify(r.body).includes('hunter2'), JSON.stringify(r.body));
      assert.ok(!JSON.stringify(r.body).includes('db.internal'), JSON.stringify(r.body));
    }
  });

  it('cuts a long refusal message and field, so no input is echoed whole', () => {
    const huge = 'x'.repeat(1024 * 1024);
    const r = errorResponse(new RequestError('BAD_REQUEST', `bad value ${huge}`, huge));
    assert.ok(r.body.error.message.length <= MAX_MESSAGE_CHARS);
    assert.ok((r.body.error.field ?? '').length <= MAX_MESSAGE_CHARS);
  });
});
