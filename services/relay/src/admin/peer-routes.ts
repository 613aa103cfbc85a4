/**
 * The admin API's peers (ADR 0031): add a platform from its trust roots (`GET /v1/trust-roots` of
 * its proof API, checked out of band), list them, remove one. The parser reads them from the same
 * database and follows each peer's anchors.
 */
import type { FastifyInstance } from 'fastify';
import { errorSchema } from '../http/schemas.ts';
import type { Peer, PeerAdministration } from './peer-administration.ts';

const errors = { '4xx': errorSchema, '5xx': errorSchema } as const;
const string = { type: 'string' } as const;
const address = { type: 'string', pattern: '^0x[0-9a-f]{40}$' } as const;
const hex64 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;

/** TrustRoots v1 as answered (normalised); the body is read by the strict parser instead. */
const trustRootsSchema = {
  type: 'object',
  required: ['version', 'platform', 'evm', 'ergo'],
  properties: {
    version: { type: 'integer', enum: [1] },
    platform: string,
    evm: {
      type: 'array',
      items: {
        type: 'object',
        required: ['chainId', 'contract', 'submitters'],
        properties: { chainId: string, contract: address, submitters: { type: 'array', items: address } },
      },
    },
    ergo: {
      type: 'array',
      items: {
        type: 'object',
        required: ['network', 'tokenId', 'mintTxId'],
        properties: { network: string, tokenId: hex64, mintTxId: hex64 },
      },
    },
  },
} as const;

const peerSchema = {
  type: 'object',
  required: ['name', 'trustRoots', 'addedAt'],
  properties: { name: string, trustRoots: trustRootsSchema, addedAt: string },
} as const;
const addedSchema = {
  type: 'object',
  required: ['peer', 'added'],
  properties: { peer: peerSchema, added: { type: 'boolean' } },
} as const;
const peerParam = {
  type: 'object',
  properties: { peer: { type: 'string', maxLength: 128 } },
  required: ['peer'],
} as const;

function peerJson(peer: Peer) {
  return { name: peer.name, trustRoots: peer.trustRoots, addedAt: peer.addedAt.toISOString() };
}

export function peerRoutes(fastify: FastifyInstance, peers: PeerAdministration): void {
  fastify.get(
    '/v1/admin/peers',
    {
      schema: {
        summary: 'The platforms this one follows through the chain, by name',
        tags: ['admin'],
        response: {
          200: {
            type: 'object',
            required: ['peers'],
            properties: { peers: { type: 'array', items: peerSchema } },
          },
          ...errors,
        },
      },
    },
    async () => ({ peers: (await peers.list()).map(peerJson) }),
  );

  fastify.post(
    '/v1/admin/peers',
    {
      schema: {
        summary:
          "Add a peer from its TrustRoots v1 document (its name is the document's platform; adding a name again changes nothing: added false)",
        tags: ['admin'],
        // Any JSON object: parseTrustRoots is stricter than a schema and names the field it refuses.
        body: { type: 'object' },
        response: { 200: addedSchema, 201: addedSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { peer, added } = await peers.add(request.body);
      return reply.code(added ? 201 : 200).send({ peer: peerJson(peer), added });
    },
  );

  fastify.get(
    '/v1/admin/peers/:peer',
    {
      schema: {
        summary: 'One peer and the trust roots it was added with',
        tags: ['admin'],
        params: peerParam,
        response: { 200: peerSchema, ...errors },
      },
    },
    async (request) => peerJson(await peers.get((request.params as { peer: string }).peer)),
  );

  fastify.delete(
    '/v1/admin/peers/:peer',
    {
      schema: {
        summary:
          'Stop following a peer (its cursors go; what was indexed and delivered from it stays, with its origin)',
        tags: ['admin'],
        params: peerParam,
        response: {
          200: { type: 'object', required: ['removed'], properties: { removed: string } },
          ...errors,
        },
      },
    },
    async (request) => {
      const { peer } = request.params as { peer: string };
      await peers.remove(peer);
      return { removed: peer };
    },
  );
}
