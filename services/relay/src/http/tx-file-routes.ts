/**
 * `POST /v1/tx-files`, `GET /v1/tx-files/:cid`, `GET /v1/receipts/:cid`.
 *
 * The body of a submit is the tx-file's exact bytes (its CID is over them), so it is read as a
 * Buffer, never parsed as JSON; Fastify refuses a body over the limit from its Content-Length, or
 * as soon as a streamed body passes it, before it is buffered whole (413 TOO_LARGE).
 */
import type { FastifyInstance } from 'fastify';
import { parseCid } from '@anchorpost/protocol';
import { isRelayError, RelayErrorCode, type Relay } from '@anchorpost/relay-core';
import { RequestError } from '@anchorpost/service-kit';
import { callerOf, requireCaller, type CallerCheck } from './authentication.ts';
import { authHeaders, cidParam, errorSchema, receiptSchema, submitResponse } from './schemas.ts';

export const TX_FILE_CONTENT_TYPES = ['application/yaml', 'text/yaml', 'application/octet-stream'] as const;

export interface TxFileRoutesOptions {
  relay: Relay;
  access: CallerCheck;
  /** Largest body accepted: the relay's own tx-file limit. */
  maxTxFileBytes: number;
}

/** Refuses a CID that does not parse (400 BAD_CID) before anything is looked up. */
function checkedCid(cid: string): string {
  parseCid(cid, 'cid');
  return cid;
}

export function txFileRoutes(fastify: FastifyInstance, options: TxFileRoutesOptions): void {
  const { relay, access, maxTxFileBytes } = options;

  // The relay takes no JSON bodies: anything but a tx-file's bytes is 415, not a parse error.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    [...TX_FILE_CONTENT_TYPES],
    { parseAs: 'buffer', bodyLimit: maxTxFileBytes },
    (_request, body, done) => {
      done(null, body);
    },
  );

  fastify.post(
    '/v1/tx-files',
    {
      bodyLimit: maxTxFileBytes,
      onRequest: requireCaller(access, 'submit'),
      schema: {
        summary: 'Submit one tx-file',
        description:
          'Validates, stores (pinned) and publishes the tx-file, then answers its signed receipt. The same bytes again give the same receipt with `duplicate: true`.',
        tags: ['relay'],
        headers: authHeaders,
        response: { 200: submitResponse, 201: submitResponse, '4xx': errorSchema, '5xx': errorSchema },
      },
      config: {
        openapi: {
          requestBody: {
            required: true,
            description: 'The tx-file bytes, exactly as signed',
            content: Object.fromEntries(
              TX_FILE_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
            ),
          },
        },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new RequestError(
          'UNSUPPORTED_MEDIA_TYPE',
          `send the tx-file as ${TX_FILE_CONTENT_TYPES.join(' or ')}`,
          'content-type',
        );
      }
      const { tenantId } = callerOf(request);
      const bytes = new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      let result;
      try {
        result = await relay.submit(bytes, { tenantId, requestId: request.id });
      } catch (error) {
        // An unknown client is answered exactly as a bad key is, header included.
        if (isRelayError(error, RelayErrorCode.Unauthenticated))
          void reply.header('www-authenticate', 'Bearer');
        throw error;
      }
      return reply.code(result.duplicate ? 200 : 201).send(result);
    },
  );

  fastify.get(
    '/v1/tx-files/:cid',
    {
      schema: {
        summary: 'The bytes of an accepted tx-file',
        tags: ['relay'],
        params: cidParam,
        response: { '4xx': errorSchema, '5xx': errorSchema },
      },
      config: {
        openapi: {
          responses: {
            200: {
              description: 'The tx-file, byte for byte as accepted',
              content: { 'application/yaml': { schema: { type: 'string' } } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const cid = checkedCid((request.params as { cid: string }).cid);
      // Only what the relay accepted: storage also holds batch-files and other blocks.
      if ((await relay.getReceipt(cid)) === null) {
        throw new RequestError('NOT_FOUND', `no accepted tx-file ${cid}`, 'cid');
      }
      const bytes = await relay.getTxFile(cid);
      return reply
        .type('application/yaml')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  fastify.get(
    '/v1/receipts/:cid',
    {
      schema: {
        summary: 'The receipt of an accepted tx-file',
        tags: ['relay'],
        params: cidParam,
        response: {
          200: { type: 'object', properties: { receipt: receiptSchema }, required: ['receipt'] },
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (request) => {
      const cid = checkedCid((request.params as { cid: string }).cid);
      const receipt = await relay.getReceipt(cid);
      if (receipt === null) throw new RequestError('NOT_FOUND', `no accepted tx-file ${cid}`, 'cid');
      return { receipt };
    },
  );
}
