/**
 * The admin API (operators only, on its own port): tenants, their API keys, client keys and the
 * recipients registered for them (so that members that only receive may subscribe).
 * A new API key's text is in the answer that creates it and nowhere else.
 */
import type { FastifyInstance } from 'fastify';
import type {
  TenantAdministration,
  TenantRecipient,
  TenantSummary,
  UsageStore,
} from '@anchorpost/relay-core';
import { errorSchema } from '../http/schemas.ts';
import {
  tenantUsage,
  tenantUsageSchema,
  usageDaysSchema,
  usagePeriod,
  usageQuery,
} from '../http/usage-route.ts';

const tenantParam = {
  type: 'object',
  properties: { tenant: { type: 'string', maxLength: 128 } },
  required: ['tenant'],
} as const;

const errors = { '4xx': errorSchema, '5xx': errorSchema } as const;

const tenantRecipientParams = {
  type: 'object',
  properties: {
    tenant: { type: 'string', maxLength: 128 },
    recipientHash: { type: 'string', maxLength: 128 },
  },
  required: ['tenant', 'recipientHash'],
} as const;

function recipientJson(recipient: TenantRecipient) {
  return {
    recipientHash: recipient.recipientHash,
    sentAt: recipient.sentAt?.toISOString() ?? null,
    registeredAt: recipient.registeredAt?.toISOString() ?? null,
  };
}
const string = { type: 'string' } as const;
const strings = { type: 'array', items: string } as const;
const timeOrNull = { type: ['string', 'null'] } as const;

/** The answers of each route, documented (and serialized) by their schemas. */
const tenantSchema = {
  type: 'object',
  required: ['id', 'createdAt', 'clientIds', 'apiKeys', 'plan', 'overrides'],
  properties: {
    id: string,
    createdAt: string,
    clientIds: strings,
    plan: string,
    overrides: { type: 'object', additionalProperties: { type: 'integer' } },
    apiKeys: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'scopes', 'createdAt', 'expiresAt', 'revokedAt'],
        properties: {
          id: string,
          scopes: strings,
          createdAt: string,
          expiresAt: timeOrNull,
          revokedAt: timeOrNull,
        },
      },
    },
  },
} as const;
const added = {
  type: 'object',
  required: ['tenant', 'created'],
  properties: {
    tenant: { type: 'object', required: ['id'], properties: { id: string } },
    created: { type: 'boolean' },
  },
} as const;
const issuedKey = {
  type: 'object',
  required: ['apiKey'],
  properties: {
    apiKey: {
      type: 'object',
      required: ['key', 'id', 'tenantId', 'scopes', 'expiresAt'],
      properties: { key: string, id: string, tenantId: string, scopes: strings, expiresAt: timeOrNull },
    },
  },
} as const;
const registeredSchema = {
  type: 'object',
  required: ['recipientHash', 'registered'],
  properties: { recipientHash: string, registered: { type: 'boolean' } },
} as const;
const one = (name: string) => ({ type: 'object', required: [name], properties: { [name]: string } }) as const;

function tenantJson(tenant: TenantSummary) {
  return {
    id: tenant.id,
    createdAt: tenant.createdAt.toISOString(),
    clientIds: tenant.clientIds,
    apiKeys: tenant.apiKeys.map((key) => ({
      id: key.id,
      scopes: key.scopes,
      createdAt: key.createdAt.toISOString(),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    })),
    plan: tenant.plan.plan,
    overrides: tenant.plan.overrides,
  };
}

const limitsSchema = {
  type: 'object',
  properties: {
    filesPerSecond: { type: 'integer', minimum: 1 },
    bytesPerDay: { type: 'integer', minimum: 1 },
    maxStreams: { type: 'integer', minimum: 1 },
    maxFileBytes: { type: 'integer', minimum: 1 },
  },
  additionalProperties: false,
} as const;

export function adminRoutes(
  fastify: FastifyInstance,
  administration: TenantAdministration,
  usage: UsageStore,
): void {
  fastify.put(
    '/v1/admin/tenants/:tenant/plan',
    {
      schema: {
        summary:
          "Put a tenant on a plan, with limits that replace the plan's for it (every relay within the tenants cache TTL)",
        tags: ['admin'],
        params: tenantParam,
        body: {
          type: 'object',
          properties: { plan: { type: 'string', maxLength: 32 }, overrides: limitsSchema },
          required: ['plan'],
          additionalProperties: false,
        },
        response: errors,
      },
    },
    async (request) => {
      const { tenant } = request.params as { tenant: string };
      const { plan, overrides } = request.body as { plan: string; overrides?: Record<string, number> };
      const set = await administration.setPlan(tenant, plan, overrides ?? {});
      return { tenant, ...set };
    },
  );

  fastify.get(
    '/v1/admin/usage',
    {
      schema: {
        summary: "Every tenant's usage per UTC day",
        tags: ['admin'],
        querystring: usageQuery,
        response: {
          200: {
            type: 'object',
            properties: { from: { type: 'string' }, to: { type: 'string' }, days: usageDaysSchema },
            required: ['from', 'to', 'days'],
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const [from, to] = usagePeriod(request.query as { from?: string; to?: string });
      return { from, to, days: await usage.days(null, from, to) };
    },
  );

  fastify.get(
    '/v1/admin/tenants/:tenant/usage',
    {
      schema: {
        summary: "A tenant's usage per day and its usage report (receipts per anchored batch)",
        tags: ['admin'],
        params: tenantParam,
        querystring: usageQuery,
        response: { 200: tenantUsageSchema, ...errors },
      },
    },
    async (request) => {
      const { tenant } = request.params as { tenant: string };
      const [from, to] = usagePeriod(request.query as { from?: string; to?: string });
      return tenantUsage(usage, tenant, from, to);
    },
  );

  fastify.get(
    '/v1/admin/tenants',
    {
      schema: {
        summary: 'Every tenant',
        tags: ['admin'],
        response: {
          200: {
            type: 'object',
            required: ['tenants'],
            properties: { tenants: { type: 'array', items: tenantSchema } },
          },
          ...errors,
        },
      },
    },
    async () => ({
      tenants: (await administration.listTenants()).map(tenantJson),
    }),
  );

  fastify.post(
    '/v1/admin/tenants',
    {
      schema: {
        summary: 'Add a tenant (adding one that exists changes nothing: created false)',
        tags: ['admin'],
        body: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 128 } },
          required: ['id'],
          additionalProperties: false,
        },
        response: { 200: added, 201: added, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.body as { id: string };
      const created = await administration.addTenant(id);
      return reply.code(created ? 201 : 200).send({ tenant: { id }, created });
    },
  );

  fastify.post(
    '/v1/admin/tenants/:tenant/api-keys',
    {
      schema: {
        summary: 'Issue an API key: its text is in this answer only',
        tags: ['admin'],
        params: tenantParam,
        body: {
          type: 'object',
          properties: {
            scopes: { type: 'array', items: { type: 'string', maxLength: 32 }, maxItems: 8 },
            expiresAt: { type: 'string', maxLength: 64 },
          },
          required: ['scopes'],
          additionalProperties: false,
        },
        response: { 201: issuedKey, ...errors },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as { tenant: string };
      const { scopes, expiresAt } = request.body as { scopes: string[]; expiresAt?: string };
      const issued = await administration.issueApiKey(tenant, scopes, expiresAt);
      return reply
        .code(201)
        .send({ apiKey: { ...issued, expiresAt: issued.expiresAt?.toISOString() ?? null } });
    },
  );

  fastify.post(
    '/v1/admin/api-keys/:id/revoke',
    {
      schema: {
        summary: 'Revoke an API key (every relay refuses it within the tenants cache TTL)',
        tags: ['admin'],
        params: {
          type: 'object',
          properties: { id: { type: 'string', maxLength: 64 } },
          required: ['id'],
        },
        response: { 200: one('revoked'), ...errors },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      await administration.revokeApiKey(id);
      return { revoked: id };
    },
  );

  fastify.post(
    '/v1/admin/tenants/:tenant/clients',
    {
      schema: {
        summary: "Add a client app's public key file (as `anchorpost keys new` writes it)",
        tags: ['admin'],
        params: tenantParam,
        body: {
          type: 'object',
          properties: {
            publicKey: {
              type: 'object',
              description: 'The public key file (`anchorpost keys new`); checked in full by the relay',
              required: ['type', 'version', 'suite', 'encryption', 'signing'],
              properties: {
                type: { type: 'string', maxLength: 64 },
                version: { type: 'integer' },
                suite: { type: 'string', maxLength: 32 },
                id: { type: 'string', maxLength: 128 },
                encryption: { type: 'string', maxLength: 4096 },
                signing: { type: 'string', maxLength: 4096 },
              },
            },
          },
          required: ['publicKey'],
          additionalProperties: false,
        },
        response: { 201: one('clientId'), ...errors },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as { tenant: string };
      const { publicKey } = request.body as { publicKey: unknown };
      const clientId = await administration.addClientKey(tenant, publicKey);
      return reply.code(201).send({ clientId });
    },
  );

  fastify.delete(
    '/v1/admin/tenants/:tenant/clients/:clientId',
    {
      schema: {
        summary: 'Remove a client key',
        tags: ['admin'],
        params: {
          type: 'object',
          properties: {
            tenant: { type: 'string', maxLength: 128 },
            clientId: { type: 'string', maxLength: 128 },
          },
          required: ['tenant', 'clientId'],
        },
        response: { 200: one('removed'), ...errors },
      },
    },
    async (request) => {
      const { tenant, clientId } = request.params as { tenant: string; clientId: string };
      await administration.removeClientKey(tenant, clientId);
      return { removed: clientId };
    },
  );

  fastify.get(
    '/v1/admin/tenants/:tenant/recipients',
    {
      schema: {
        summary:
          'The recipients the tenant may subscribe to (sent to or registered), by hash, a page at a time',
        tags: ['admin'],
        params: tenantParam,
        querystring: {
          type: 'object',
          properties: {
            after: { type: 'string', maxLength: 128, description: 'The `next` of the previous page' },
            limit: { type: 'integer', minimum: 1, maximum: 10_000 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['recipients', 'next'],
            properties: {
              recipients: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['recipientHash', 'sentAt', 'registeredAt'],
                  properties: { recipientHash: string, sentAt: timeOrNull, registeredAt: timeOrNull },
                },
              },
              next: { type: ['string', 'null'] },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const { tenant } = request.params as { tenant: string };
      const { after, limit } = request.query as { after?: string; limit?: number };
      const page = await administration.listRecipients(tenant, after, limit);
      return { recipients: page.recipients.map(recipientJson), next: page.next };
    },
  );

  fastify.post(
    '/v1/admin/tenants/:tenant/recipients',
    {
      schema: {
        summary:
          'Register a recipient hash for the tenant, so that it may subscribe without sending (registering again changes nothing: registered false)',
        tags: ['admin'],
        params: tenantParam,
        body: {
          type: 'object',
          properties: { recipientHash: { type: 'string', maxLength: 128 } },
          required: ['recipientHash'],
          additionalProperties: false,
        },
        response: { 200: registeredSchema, 201: registeredSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { tenant } = request.params as { tenant: string };
      const { recipientHash } = request.body as { recipientHash: string };
      const registered = await administration.registerRecipient(tenant, recipientHash);
      return reply.code(registered ? 201 : 200).send({ recipientHash, registered });
    },
  );

  fastify.delete(
    '/v1/admin/tenants/:tenant/recipients/:recipientHash',
    {
      schema: {
        summary:
          'Withdraw a registration (every relay refuses new subscriptions within the tenants cache TTL; a recipient the tenant sent to stays)',
        tags: ['admin'],
        params: tenantRecipientParams,
        response: { 200: one('removed'), ...errors },
      },
    },
    async (request) => {
      const { tenant, recipientHash } = request.params as { tenant: string; recipientHash: string };
      await administration.unregisterRecipient(tenant, recipientHash);
      return { removed: recipientHash };
    },
  );
}
