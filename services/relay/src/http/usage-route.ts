/**
 * `GET /v1/usage?from=YYYY-MM-DD&to=YYYY-MM-DD`: the calling tenant's own usage per UTC day and
 * its usage report (its receipts of the period per anchored batch). The API key names the
 * tenant, so no tenant can ask for another's; the key needs the `admin` scope (tenant
 * self-service), since usage is billing information, not something every device key should read.
 */
import type { FastifyInstance } from 'fastify';
import { RelayError, RelayErrorCode, utcDay, type UsageStore } from '@anchorpost/relay-core';
import { callerOf, requireCaller, type CallerCheck } from './authentication.ts';
import { authHeaders, errorSchema } from './schemas.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A period is at most this many days, so one call reads a bounded number of rows. */
export const MAX_USAGE_DAYS = 366;

export const usageQuery = {
  type: 'object',
  properties: {
    from: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'First UTC day (default: today)',
    },
    to: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'Last UTC day, inclusive (default: from)',
    },
  },
  additionalProperties: false,
} as const;

const counts = {
  files: { type: 'integer' },
  bytes: { type: 'integer' },
  deliveries: { type: 'integer' },
  streams: { type: 'integer' },
} as const;

export const usageDaysSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { tenantId: { type: 'string' }, day: { type: 'string' }, ...counts },
    required: ['tenantId', 'day', 'files', 'bytes', 'deliveries', 'streams'],
  },
} as const;

export const usageReportSchema = {
  type: 'object',
  description: "The tenant's receipts of the period, per batch-file that holds them",
  properties: {
    receipts: { type: 'integer' },
    batches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          platform: { type: 'string' },
          sequence: { type: 'integer' },
          cid: { type: 'string' },
          files: { type: 'integer' },
        },
        required: ['platform', 'sequence', 'cid', 'files'],
      },
    },
    unbatched: { type: 'integer' },
  },
  required: ['receipts', 'batches', 'unbatched'],
} as const;

function invalidDay(field: string, message: string): RelayError {
  return new RelayError(RelayErrorCode.BadArgument, message, { field });
}

/** The period asked for: real days, `from` ≤ `to`, at most MAX_USAGE_DAYS (BAD_ARGUMENT otherwise). */
export function usagePeriod(query: { from?: string; to?: string }, today = new Date()): [string, string] {
  const from = query.from ?? utcDay(today);
  const to = query.to ?? from;
  for (const [field, day] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      !DAY.test(day) ||
      Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
      utcDay(new Date(`${day}T00:00:00Z`)) !== day
    ) {
      throw invalidDay(field, 'expected a day as YYYY-MM-DD');
    }
  }
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) throw invalidDay('to', 'to must not be before from');
  if (days > MAX_USAGE_DAYS) throw invalidDay('to', `at most ${MAX_USAGE_DAYS} days at once`);
  return [from, to];
}

/** One tenant's usage and report for a period, as both this route and the admin API answer it. */
export async function tenantUsage(usage: UsageStore, tenantId: string, from: string, to: string) {
  const [days, report] = await Promise.all([
    usage.days(tenantId, from, to),
    usage.report(tenantId, from, to),
  ]);
  const { receipts, batches, unbatched } = report;
  return { tenantId, from, to, days, report: { receipts, batches, unbatched } };
}

export const tenantUsageSchema = {
  type: 'object',
  properties: {
    tenantId: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    days: usageDaysSchema,
    report: usageReportSchema,
  },
  required: ['tenantId', 'from', 'to', 'days', 'report'],
} as const;

export function usageRoute(
  fastify: FastifyInstance,
  options: { access: CallerCheck; usage: UsageStore },
): void {
  fastify.get(
    '/v1/usage',
    {
      onRequest: requireCaller(options.access, 'admin'),
      schema: {
        summary: "The calling tenant's usage per day and its usage report",
        description:
          "Needs an API key with the `admin` scope; answers only for the key's tenant. Days are UTC; usage rows are written in batches every few seconds, the report is read from the receipts.",
        tags: ['relay'],
        headers: authHeaders,
        querystring: usageQuery,
        response: { 200: tenantUsageSchema, '4xx': errorSchema, '5xx': errorSchema },
      },
    },
    async (request) => {
      const [from, to] = usagePeriod(request.query as { from?: string; to?: string });
      return tenantUsage(options.usage, callerOf(request).tenantId, from, to);
    },
  );
}
