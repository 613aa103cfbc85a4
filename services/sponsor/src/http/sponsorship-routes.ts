/**
 * `POST /v1/sponsorships`, `GET /v1/sponsorships/:digest` and `GET /v1/budget`, for callers with an API key of the
 * relay's (scope `submit`: a key that may submit for its tenant may ask the sponsor for it). The
 * key is checked in `onRequest`, so a stranger is answered 401 before its body is read. Refusals
 * are SponsorErrors, mapped to a status by their kind (service-kit's errorResponse).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantAccess } from '@anchorpost/relay-core';
import type { SponsorshipAnswers } from '../sponsorship-answers.ts';

export type CallerCheck = Pick<TenantAccess, 'authenticate'>;

export interface SponsorshipRoutesOptions {
  readonly answers: SponsorshipAnswers;
  readonly access: CallerCheck;
}

const errorSchema = {
  type: 'object',
  description: 'A refusal with a stable code (docs/sponsor.md)',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        field: { type: 'string' },
        message: { type: 'string' },
        retryable: { type: 'boolean' },
      },
      required: ['code', 'message', 'retryable'],
    },
  },
} as const;

const nullableString = { type: ['string', 'null'] } as const;

const sponsorshipSchema = {
  type: 'object',
  properties: {
    digest: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'sent', 'mined', 'final', 'failed', 'expired'] },
    user: { type: 'string' },
    kind: { type: 'string', enum: ['forward', 'ballot'] },
    to: { type: 'string' },
    gasLimit: { type: 'string' },
    maxFeePerGas: { type: 'string' },
    deadline: { type: 'string' },
    reservedWei: { type: 'string' },
    chargedWei: nullableString,
    txHash: nullableString,
    succeeded: { type: ['boolean', 'null'] },
  },
  required: ['digest', 'status', 'user', 'kind', 'to', 'gasLimit', 'maxFeePerGas', 'deadline', 'reservedWei'],
} as const;

const acceptedSchema = {
  type: 'object',
  properties: { firstTime: { type: 'boolean' }, sponsorship: sponsorshipSchema },
  required: ['firstTime', 'sponsorship'],
} as const;

const authHeaders = {
  type: 'object',
  properties: {
    authorization: {
      type: 'string',
      description: '`Bearer <API key>` of the relay: the key names the tenant',
    },
  },
} as const;

/**
 * The `onRequest` hook that authenticates the caller (scope `submit`) before its body is read, and
 * the tenant it authenticated, for the handler.
 */
export function tenantAuthentication(access: CallerCheck): {
  onRequest: (request: FastifyRequest) => Promise<void>;
  tenantOf: (request: FastifyRequest) => string;
} {
  const tenants = new WeakMap<FastifyRequest, string>();
  return {
    onRequest: async (request) => {
      const caller = await access.authenticate(request.headers.authorization, 'submit');
      tenants.set(request, caller.tenantId);
    },
    tenantOf: (request) => {
      const tenant = tenants.get(request);
      if (tenant === undefined) throw new Error('the route has no authentication hook');
      return tenant;
    },
  };
}

export function sponsorshipRoutes(fastify: FastifyInstance, options: SponsorshipRoutesOptions): void {
  const { answers, access } = options;
  const { onRequest, tenantOf } = tenantAuthentication(access);

  fastify.post(
    '/v1/sponsorships',
    {
      onRequest,
      schema: {
        summary: 'Ask the sponsor to pay for a signed request',
        description:
          'A forward request or a Governor ballot, EIP-712 signed by the user. Accepted (201) once its checks pass and its worst case is reserved against the budgets; the same signed request again answers where the first one is (200, firstTime false) and sends nothing.',
        tags: ['sponsor'],
        headers: authHeaders,
        body: { type: 'object' },
        response: { 200: acceptedSchema, 201: acceptedSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async (request, reply) => {
      const accepted = await answers.accept(tenantOf(request), request.body);
      return reply.code(accepted.firstTime ? 201 : 200).send(accepted);
    },
  );

  const useSchema = {
    type: 'object',
    properties: {
      budgetWei: { type: 'string' },
      budgetCount: { type: 'integer' },
      spentWei: { type: 'string' },
      spentCount: { type: 'integer' },
    },
    required: ['budgetWei', 'budgetCount', 'spentWei', 'spentCount'],
  } as const;
  const budgetSchema = {
    summary: "The tenant's budget this period",
    description:
      'What the period has used of the budget (reserved worst cases plus settled charges); with `?user=0x…`, that user’s too.',
    tags: ['sponsor'],
    headers: authHeaders,
    querystring: { type: 'object', properties: { user: { type: 'string' } } },
    response: {
      200: {
        type: 'object',
        properties: {
          periodStart: { type: 'string' },
          periodSeconds: { type: 'integer' },
          tenant: useSchema,
          user: { ...useSchema, properties: { ...useSchema.properties, address: { type: 'string' } } },
        },
        required: ['periodStart', 'periodSeconds', 'tenant'],
      },
      '4xx': errorSchema,
      '5xx': errorSchema,
    },
  };
  fastify.get<{ Querystring: { user?: string } }>(
    '/v1/budget',
    { onRequest, schema: budgetSchema },
    async (request) => answers.budget(tenantOf(request), request.query.user),
  );

  const statusSchema = {
    summary: 'Where a sponsorship is',
    description: 'pending | sent | mined | final | failed | expired, with what was reserved and charged.',
    tags: ['sponsor'],
    headers: authHeaders,
    params: { type: 'object', properties: { digest: { type: 'string' } }, required: ['digest'] },
    response: { 200: sponsorshipSchema, '4xx': errorSchema, '5xx': errorSchema },
  };
  fastify.get<{ Params: { digest: string } }>(
    '/v1/sponsorships/:digest',
    { onRequest, schema: statusSchema },
    async (request) => answers.status(tenantOf(request), request.params.digest),
  );
}
