/**
 * `POST /v1/key-files` (scope `submit`), `GET /v1/key-files/:cid` (anyone): public key files on
 * the platform's content storage (relay-core's KeyFiles), so the CID `anchorpost keys publish`
 * registers can be fetched by whoever looks the key up. The body is the file's exact bytes as
 * `application/octet-stream` (the content-type parser txFileRoutes registers; the relay parses no
 * JSON bodies), at most MAX_KEY_FILE_BYTES (413 TOO_LARGE, refused while it streams in). Each file
 * stored spends the tenant's plan quotas like a tx-file (429 RATE_LIMITED, DAILY_BYTES_EXHAUSTED).
 */
import type { FastifyInstance } from 'fastify';
import { MAX_KEY_FILE_BYTES, type KeyFiles } from '@anchorpost/relay-core';
import { RequestError } from '@anchorpost/service-kit';
import { callerOf, requireCaller, type CallerCheck } from './authentication.ts';
import { authHeaders, cidParam, errorSchema } from './schemas.ts';

export interface KeyFileRoutesOptions {
  keyFiles: KeyFiles;
  access: CallerCheck;
}

const stored = {
  type: 'object',
  properties: {
    cid: { type: 'string', description: 'CIDv1 of the exact bytes stored' },
    fingerprint: { type: 'string', description: 'the key file’s id: SHA-256 of its public key bytes, hex' },
  },
  required: ['cid', 'fingerprint'],
} as const;

export function keyFileRoutes(fastify: FastifyInstance, { keyFiles, access }: KeyFileRoutesOptions): void {
  fastify.post(
    '/v1/key-files',
    {
      bodyLimit: MAX_KEY_FILE_BYTES,
      onRequest: requireCaller(access, 'submit'),
      schema: {
        summary: 'Store one public key file',
        description:
          'Stores (pinned) the exact bytes of a public key file and answers its CID, the CID to register in AnchorpostKeyRegistry. Anything but a public key file is refused (400 BAD_KEY_FILE); each file spends the tenant’s plan quotas like a tx-file (429 RATE_LIMITED or DAILY_BYTES_EXHAUSTED, with Retry-After).',
        tags: ['key transparency'],
        headers: authHeaders,
        response: { 201: stored, '4xx': errorSchema, '5xx': errorSchema },
      },
      config: {
        openapi: {
          requestBody: {
            required: true,
            description: 'The public key file (JSON), byte for byte',
            content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
        },
      },
    },
    async (request, reply) => {
      if (!Buffer.isBuffer(request.body))
        throw new RequestError(
          'UNSUPPORTED_MEDIA_TYPE',
          'send the key file as application/octet-stream',
          'content-type',
        );
      const bytes = new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength);
      return reply.code(201).send(await keyFiles.store(bytes, callerOf(request).tenantId));
    },
  );

  fastify.get(
    '/v1/key-files/:cid',
    {
      schema: {
        summary: 'A public key file stored here',
        description: 'The bytes as stored; check their CID and the fingerprint you expect yourself.',
        tags: ['key transparency'],
        params: cidParam,
        response: { '4xx': errorSchema, '5xx': errorSchema },
      },
      config: {
        openapi: {
          responses: {
            200: {
              description: 'The key file',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const bytes = await keyFiles.get((request.params as { cid: string }).cid);
      return reply
        .type('application/json')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
