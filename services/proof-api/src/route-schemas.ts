/**
 * The JSON schemas of the proof API's routes: Fastify validates requests and serializes responses
 * with them, and /openapi.json is built from the same objects, so the two cannot drift.
 */

const string = { type: 'string' } as const;
const integer = { type: 'integer', minimum: 0 } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const hash0x = { type: 'string', pattern: '^0x[0-9a-f]{64}$' } as const;
const time = { type: 'string', format: 'date-time' } as const;

export const errorBody = {
  description: 'A refusal with its stable code (docs/api.md)',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'retryable'],
      properties: {
        code: string,
        field: string,
        message: string,
        retryable: { type: 'boolean' },
        requestId: { type: 'string', description: 'The x-request-id of this request, for support and logs' },
      },
    },
  },
} as const;

const cidParams = {
  type: 'object',
  required: ['cid'],
  properties: { cid: { type: 'string', minLength: 1, maxLength: 256, description: 'CIDv1, base32' } },
} as const;

const inclusionProof = {
  type: 'object',
  required: ['version', 'algorithm', 'leaf', 'index', 'treeSize', 'path', 'root'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', enum: [1] },
    algorithm: { type: 'string', enum: ['rfc6962-sha256'] },
    leaf: string,
    index: integer,
    treeSize: integer,
    path: { type: 'array', items: hex64 },
    root: hex64,
  },
} as const;

const evmAnchorProof = {
  type: 'object',
  required: [
    'chain',
    'chainId',
    'contract',
    'txHash',
    'blockNumber',
    'blockHash',
    'blockTime',
    'confirmations',
    'status',
  ],
  additionalProperties: false,
  properties: {
    chain: { type: 'string', enum: ['evm'] },
    chainId: string,
    contract: { type: 'string', pattern: '^0x[0-9a-f]{40}$' },
    txHash: hash0x,
    blockNumber: integer,
    blockHash: hash0x,
    blockTime: time,
    confirmations: integer,
    status: { type: 'string', enum: ['pending', 'anchored', 'final'] },
  },
} as const;

const ergoAnchorProof = {
  type: 'object',
  required: [
    'chain',
    'chainId',
    'tokenId',
    'txId',
    'height',
    'headerId',
    'blockTime',
    'confirmations',
    'status',
  ],
  additionalProperties: false,
  properties: {
    chain: { type: 'string', enum: ['ergo'] },
    chainId: { type: 'string', enum: ['mainnet', 'testnet', 'devnet'] },
    tokenId: hex64,
    txId: hex64,
    height: integer,
    headerId: hex64,
    blockTime: time,
    confirmations: integer,
    status: { type: 'string', enum: ['pending', 'anchored', 'final'] },
  },
} as const;

/** TxFileProof v4 (packages/proofs): checkable with SHA-256 and the chains' own nodes only. */
export const txFileProofSchema = {
  description:
    'TxFileProof v4: the tx-file is in the batch, the batch root is on chain (EVM and Ergo), the batch header is the anchored root block, and the tx-file names its trustedblock (height and block id)',
  type: 'object',
  required: ['version', 'txFile', 'batch', 'inclusion', 'anchors', 'timeBound'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', enum: [4] },
    txFile: string,
    batch: {
      type: 'object',
      required: ['cid', 'platform', 'sequence', 'count', 'merkleRoot', 'sealedAt', 'previous', 'rootBlock'],
      additionalProperties: false,
      properties: {
        cid: string,
        platform: string,
        sequence: integer,
        count: integer,
        merkleRoot: hex64,
        sealedAt: time,
        previous: { type: ['string', 'null'] },
        rootBlock: {
          type: 'string',
          description: "The batch-file's root block (DAG-CBOR, base64); it hashes to `cid`",
        },
      },
    },
    inclusion: inclusionProof,
    anchors: { type: 'array', minItems: 1, items: { anyOf: [evmAnchorProof, ergoAnchorProof] } },
    timeBound: {
      type: 'object',
      required: ['notAfter'],
      additionalProperties: false,
      properties: {
        notBefore: {
          type: 'object',
          required: ['chain', 'height', 'blockId'],
          additionalProperties: false,
          properties: {
            chain: { type: 'string', enum: ['ergo'] },
            height: integer,
            blockId: {
              ...string,
              description: 'The Ergo block id the tx-file names at `height` (its trustedblock)',
            },
            time,
          },
        },
        notAfter: time,
      },
    },
  },
} as const;

export const pendingProofSchema = {
  description: 'Accepted (a relay receipt exists) or sealed in a batch, but not yet anchored and indexed',
  type: 'object',
  required: ['cid', 'status', 'stage'],
  additionalProperties: false,
  properties: {
    cid: string,
    status: { type: 'string', enum: ['pending'] },
    stage: { type: 'string', enum: ['accepted', 'sealed'] },
  },
} as const;

export const proofRouteSchema = {
  summary: 'The proof of one tx-file',
  description:
    '200 with a TxFileProof once its batch is anchored and indexed; 202 while it is on its way; 404 for a CID the service never saw.',
  tags: ['proofs'],
  params: cidParams,
  response: {
    200: txFileProofSchema,
    202: pendingProofSchema,
    400: errorBody,
    404: errorBody,
    503: errorBody,
  },
} as const;

const batchAnchor = {
  type: 'object',
  required: ['chain', 'chainId', 'contract', 'txHash', 'blockNumber', 'blockHash', 'blockTime', 'status'],
  additionalProperties: false,
  properties: {
    chain: { type: 'string', enum: ['evm', 'ergo'] },
    chainId: string,
    contract: string,
    txHash: string,
    blockNumber: integer,
    blockHash: string,
    blockTime: time,
    status: { type: 'string', enum: ['pending', 'confirmed', 'orphaned'] },
  },
} as const;

export const batchSchema = {
  description: 'An indexed batch-file and its anchors',
  type: 'object',
  required: ['cid', 'platform', 'sequence', 'root', 'size', 'previous', 'sealedAt', 'anchors'],
  additionalProperties: false,
  properties: {
    cid: string,
    platform: string,
    sequence: integer,
    root: { ...hex64, description: 'RFC 6962 Merkle root over the entries' },
    size: { ...integer, description: 'Number of tx-files (leaves)' },
    previous: { type: ['string', 'null'], description: 'CID of the previous batch; null for sequence 0' },
    sealedAt: time,
    anchors: { type: 'array', items: batchAnchor },
  },
} as const;

export const batchRouteSchema = {
  summary: 'One indexed batch',
  tags: ['batches'],
  params: cidParams,
  response: { 200: batchSchema, 400: errorBody, 404: errorBody, 503: errorBody },
} as const;

export const DEFAULT_MESSAGES_LIMIT = 100;

const message = {
  type: 'object',
  required: [
    'cid',
    'batchCid',
    'batchSequence',
    'batchIndex',
    'recipientHash',
    'senderHashes',
    'clientId',
    'suite',
    'stateBefore',
    'stateAfter',
    'size',
    'lastblockHeight',
    'trustedblockHeight',
  ],
  additionalProperties: false,
  properties: {
    cid: string,
    batchCid: { type: ['string', 'null'], description: 'The batch the tx-file was first sealed in' },
    batchSequence: integer,
    batchIndex: integer,
    recipientHash: string,
    senderHashes: { type: 'array', items: string },
    clientId: string,
    suite: string,
    stateBefore: string,
    stateAfter: string,
    size: integer,
    lastblockHeight: integer,
    trustedblockHeight: integer,
    trustedblockId: { ...string, description: 'Absent for rows indexed before the index kept it' },
  },
} as const;

export const messagesRouteSchema = {
  summary: 'Indexed tx-files sent to a recipient, oldest first',
  tags: ['messages'],
  querystring: {
    type: 'object',
    required: ['recipient'],
    properties: {
      recipient: {
        type: 'string',
        pattern: '^[0-9a-f]{128}$',
        description: "The recipient group's sha512hash, 128 lower-case hex",
      },
      cursor: {
        type: 'string',
        minLength: 1,
        maxLength: 512,
        description: 'The `cursor` of the previous page',
      },
      limit: { type: 'integer', minimum: 1, maximum: 1000, default: DEFAULT_MESSAGES_LIMIT },
    },
  },
  response: {
    200: {
      description: 'One page; `cursor` is null on the last',
      type: 'object',
      required: ['items', 'cursor'],
      additionalProperties: false,
      properties: { items: { type: 'array', items: message }, cursor: { type: ['string', 'null'] } },
    },
    400: errorBody,
    503: errorBody,
  },
} as const;

const address = { type: 'string', pattern: '^0x[0-9a-f]{40}$' } as const;

/** TrustRoots v1 (packages/proofs): what `anchorpost verify --trust` reads. */
export const trustRootsSchema = {
  description:
    "TrustRoots v1: the platform's anchor contract and submitters, and its Ergo marker with its mint — what an auditor may pass to `anchorpost verify --trust` after checking it out of band",
  type: 'object',
  required: ['version', 'platform', 'evm', 'ergo'],
  additionalProperties: false,
  properties: {
    version: { type: 'integer', enum: [1] },
    platform: string,
    evm: {
      type: 'array',
      items: {
        type: 'object',
        required: ['chainId', 'contract', 'submitters'],
        additionalProperties: false,
        properties: {
          chainId: { type: 'string', pattern: '^[1-9][0-9]*$' },
          contract: address,
          submitters: { type: 'array', minItems: 1, items: address },
        },
      },
    },
    ergo: {
      type: 'array',
      items: {
        type: 'object',
        required: ['network', 'tokenId', 'mintTxId'],
        additionalProperties: false,
        properties: {
          network: { type: 'string', enum: ['mainnet', 'testnet', 'devnet'] },
          tokenId: hex64,
          mintTxId: hex64,
        },
      },
    },
  },
} as const;

export const trustRootsRouteSchema = {
  summary: "The platform's trust roots",
  description:
    '200 with TrustRoots v1 from the settings; 500 TRUST_ROOTS_NOT_CONFIGURED naming the settings still missing.',
  tags: ['trust'],
  response: { 200: trustRootsSchema, 500: errorBody },
} as const;
