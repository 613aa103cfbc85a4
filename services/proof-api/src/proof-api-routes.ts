/**
 * The proof API's routes, as one list: the service registers exactly this list, and its schemas
 * are what /openapi.json shows.
 */
import type { Database, ReceiptRepository } from '@anchorpost/db';
import { isDbError } from '@anchorpost/db';
import { BatchHeaderCache } from '@anchorpost/proofs';
import type { AssembleProofObserver, TxFileProof } from '@anchorpost/proofs';
import { releaseDigestRoute } from './release-digest-route.ts';
import { servedProof } from './tx-file-proof.ts';
import type { PendingProof } from './tx-file-proof.ts';
import { isProtocolError, parseCid } from '@anchorpost/protocol';
import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { ErgoHead } from './ergo-head.ts';
import type { EvmHead } from './evm-head.ts';
import { ProofApiError } from './proof-api-error.ts';
import type { PublishedTrustRoots } from './published-trust-roots.ts';
import {
  batchRouteSchema,
  DEFAULT_MESSAGES_LIMIT,
  messagesRouteSchema,
  proofRouteSchema,
  trustRootsRouteSchema,
} from './route-schemas.ts';

export interface ProofApiRouteDeps {
  readonly database: Database;
  /** Where the relay's receipts are read (`database.receipts` unless they live apart). */
  readonly receipts: Pick<ReceiptRepository, 'getReceipt'>;
  readonly head: EvmHead;
  /** The served Ergo network, when configured. */
  readonly ergoHead?: ErgoHead | undefined;
  readonly cacheMaxAgeSeconds: number;
  /** Where the updater's deploy log is read (`receipts`' database, the state database, unless apart). */
  readonly deployLog: Pick<Database, 'prisma'>;
  /** What `GET /v1/trust-roots` answers. */
  readonly trustRoots: PublishedTrustRoots;
  readonly observer?: AssembleProofObserver;
}

const NO_STORE = 'no-store';

/** The canonical CIDv1 text of the path's `cid`, or BAD_CID. */
function pathCid(request: FastifyRequest): string {
  const text = (request.params as { cid: string }).cid;
  let canonical: string;
  try {
    canonical = parseCid(text, 'cid').toString();
  } catch (cause) {
    if (!isProtocolError(cause)) throw cause;
    throw new ProofApiError('BAD_CID', `not a CID: ${cause.message}`, 'cid', { cause });
  }
  if (canonical !== text)
    throw new ProofApiError('BAD_CID', `not the canonical CIDv1 base32 form (${canonical})`, 'cid');
  return canonical;
}

export function proofApiRoutes(deps: ProofApiRouteDeps): RouteOptions[] {
  const { database } = deps;
  const cached = `public, max-age=${deps.cacheMaxAgeSeconds}`;
  // One per instance, bounded (DEFAULT_BATCH_HEADER_CACHE_BATCHES): busy batches' checked headers.
  const batchHeaderCache = new BatchHeaderCache();

  async function proof(request: FastifyRequest, reply: FastifyReply): Promise<TxFileProof | PendingProof> {
    void reply.header('cache-control', NO_STORE);
    const cid = pathCid(request);
    const served = await servedProof(deps, batchHeaderCache, cid);
    if (served.status === 404) throw new ProofApiError('NOT_FOUND', `tx-file ${cid} is unknown here`, 'cid');
    void reply.code(served.status);
    if (served.status === 200) void reply.header('cache-control', cached);
    return served.proof;
  }

  async function batch(request: FastifyRequest, reply: FastifyReply) {
    void reply.header('cache-control', NO_STORE);
    const cid = pathCid(request);
    const record = await database.index.getBatch(cid);
    if (record === null) throw new ProofApiError('NOT_FOUND', `batch ${cid} is not indexed`, 'cid');
    const anchors = await database.index.getBatchAnchors(cid);
    void reply.header('cache-control', cached);
    return {
      cid: record.cid,
      platform: record.platform,
      sequence: record.sequence,
      root: record.merkleRoot,
      size: record.count,
      previous: record.previousCid,
      sealedAt: record.sealedAt,
      anchors: anchors.map((anchor) => ({
        chain: anchor.chain,
        chainId: anchor.chainId,
        contract: anchor.contract,
        txHash: anchor.txHash,
        blockNumber: anchor.blockNumber,
        blockHash: anchor.blockHash,
        blockTime: anchor.blockTime,
        status: anchor.status,
      })),
    };
  }

  async function messages(request: FastifyRequest, reply: FastifyReply) {
    void reply.header('cache-control', NO_STORE);
    const query = request.query as { recipient: string; cursor?: string; limit?: number };
    let page;
    try {
      page = await database.index.messagesByRecipient(
        query.recipient,
        query.cursor ?? null,
        query.limit ?? DEFAULT_MESSAGES_LIMIT,
      );
    } catch (error) {
      // The repository refuses a cursor it did not hand out before asking the database.
      if (isDbError(error) && error.code === 'INVALID_ARGUMENT' && query.cursor !== undefined) {
        throw new ProofApiError('BAD_CURSOR', error.message, 'cursor', { cause: error });
      }
      throw error;
    }
    const batches = await database.index.firstBatchOf(page.items.map((item) => item.cid));
    return {
      items: page.items.map((item) => ({ ...item, batchCid: batches.get(item.cid) ?? null })),
      cursor: page.nextCursor,
    };
  }

  function trustRoots(_request: FastifyRequest, reply: FastifyReply) {
    const published = deps.trustRoots;
    if ('missing' in published) {
      void reply.header('cache-control', NO_STORE);
      throw new ProofApiError(
        'TRUST_ROOTS_NOT_CONFIGURED',
        `this proof API publishes no trust roots: set ${published.missing.join(', ')}`,
      );
    }
    void reply.header('cache-control', cached);
    return Promise.resolve(published.trustRoots);
  }

  return [
    { method: 'GET', url: '/v1/trust-roots', schema: trustRootsRouteSchema, handler: trustRoots },
    { method: 'GET', url: '/v1/proofs/:cid', schema: proofRouteSchema, handler: proof },
    { method: 'GET', url: '/v1/batches/:cid', schema: batchRouteSchema, handler: batch },
    { method: 'GET', url: '/v1/messages', schema: messagesRouteSchema, handler: messages },
    releaseDigestRoute(deps, batchHeaderCache),
  ];
}
