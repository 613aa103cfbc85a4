/** JSON schemas of the relay's HTTP API: the routes validate with them and /openapi.json shows them. */
import { CID_MAX_LENGTH, CID_PATTERN, RECIPIENT_HASH_PATTERN, TENANT_ID_PATTERN } from '../request-fields.ts';

export const cidParam = {
  type: 'object',
  properties: {
    cid: {
      type: 'string',
      minLength: 1,
      maxLength: CID_MAX_LENGTH,
      pattern: CID_PATTERN,
      description: 'CIDv1, base32',
    },
  },
  required: ['cid'],
} as const;

export const recipientParam = {
  type: 'object',
  properties: {
    recipientHash: {
      type: 'string',
      pattern: RECIPIENT_HASH_PATTERN,
      description: "The recipient's SHA-512 hash (the tx-file's recipient.sha512hash)",
    },
  },
  required: ['recipientHash'],
} as const;

/** The headers of an authenticated route (checked by the route's `requireCaller` hook). */
export const authHeaders = {
  type: 'object',
  properties: {
    authorization: {
      type: 'string',
      description: '`Bearer <API key>`: the key names the tenant (docs/api.md, Authentication)',
    },
    'anchorpost-tenant': {
      type: 'string',
      pattern: TENANT_ID_PATTERN,
      description: "Optional, for older clients: must be the API key's tenant (else 401)",
    },
  },
} as const;

export const receiptSchema = {
  type: 'object',
  description: 'The relay-signed receipt (Ed25519 over the canonical receipt bytes)',
  properties: {
    version: { type: 'integer', const: 1 },
    cid: { type: 'string' },
    recipientHash: { type: 'string' },
    acceptedAt: { type: 'string', format: 'date-time' },
    sequence: { type: 'integer' },
    relayKeyId: { type: 'string' },
    signature: { type: 'string' },
  },
  required: ['version', 'cid', 'recipientHash', 'acceptedAt', 'sequence', 'relayKeyId', 'signature'],
} as const;

export const errorSchema = {
  type: 'object',
  description: 'A refusal with a stable code (docs/api.md)',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        field: { type: 'string' },
        message: { type: 'string' },
        retryable: { type: 'boolean' },
        requestId: { type: 'string', description: 'The x-request-id of this request, for support and logs' },
      },
      required: ['code', 'message', 'retryable'],
    },
  },
  required: ['error'],
} as const;

export const submitResponse = {
  type: 'object',
  properties: { receipt: receiptSchema, duplicate: { type: 'boolean' } },
  required: ['receipt', 'duplicate'],
} as const;

/**
 * One Server-Sent Event of a subscription, as a client's SSE parser gives it: `ready` first (id =
 * the start cursor, data `{"cursor"}`), then one `tx-file` per file (id = its cursor, data
 * `{"cid","receipt","txFile" (base64),"cursor"}`); both data are JSON text.
 */
export const subscriptionEventSchema = {
  type: 'object',
  required: ['event', 'id', 'data'],
  properties: {
    event: { type: 'string', enum: ['ready', 'tx-file'] },
    id: { type: 'string', maxLength: 128 },
    data: { type: 'string', contentMediaType: 'application/json' },
  },
} as const;
