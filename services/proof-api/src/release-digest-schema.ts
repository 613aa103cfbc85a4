/** The schema of `GET /v1/releases/digests/{sha256}` (release-digest-route.ts), shown in /openapi.json. */
import { errorBody, pendingProofSchema, txFileProofSchema } from './route-schemas.ts';

const string = { type: 'string' } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

const deployLogRecord = {
  description:
    "A deploy-log record of the updater (docs/gitops.md): its hash is the SHA-256 of the RFC 8785 JSON of its other fields, and that JSON is its tx-file's message data",
  type: 'object',
  required: ['seq', 'proposalId', 'step', 'outcome', 'detail', 'recordedAt', 'prevHash', 'hash'],
  additionalProperties: false,
  properties: {
    seq: { type: 'integer', minimum: 1 },
    proposalId: string,
    step: string,
    outcome: string,
    code: string,
    detail: { type: 'object', additionalProperties: string },
    recordedAt: string,
    prevHash: hex64,
    hash: hex64,
  },
} as const;

const evidence = {
  type: 'object',
  required: ['record', 'txFile', 'proof'],
  additionalProperties: false,
  properties: {
    record: deployLogRecord,
    txFile: {
      description: 'The tx-file carrying the record (its bytes in base64), or null when not built yet',
      type: ['object', 'null'],
      required: ['cid', 'bytes'],
      additionalProperties: false,
      properties: { cid: string, bytes: string },
    },
    proof: {
      description:
        "The tx-file's TxFileProof, or where it stands while not anchored (as GET /v1/proofs/{cid}), or null when unknown here",
      anyOf: [txFileProofSchema, pendingProofSchema, { type: 'null' }],
    },
  },
} as const;

export const releaseDigestRouteSchema = {
  summary: 'Is an image digest the voted one, and since when does it run',
  description:
    '200 with the deploy-log records that show it — the review that pinned it, the commit of the approved release, the first record of it running (null if never seen running) — each with its tx-file and proof; 400 BAD_DIGEST; 404 DIGEST_NOT_RELEASED when no approved release pins it.',
  tags: ['releases'],
  params: {
    type: 'object',
    required: ['sha256'],
    properties: {
      sha256: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        description: '64 lowercase hex, optionally after sha256:',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: [
        'digest',
        'proposalId',
        'manifest',
        'version',
        'runningSince',
        'verdict',
        'commit',
        'running',
      ],
      additionalProperties: false,
      properties: {
        digest: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
        proposalId: string,
        manifest: { type: ['string', 'null'] },
        version: { type: ['string', 'null'] },
        runningSince: { type: ['string', 'null'] },
        verdict: evidence,
        commit: evidence,
        running: { anyOf: [evidence, { type: 'null' }] },
      },
    },
    400: errorBody,
    404: errorBody,
    503: errorBody,
  },
} as const;
