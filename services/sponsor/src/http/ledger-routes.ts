/**
 * `GET /v1/ledger` (the tenant's invoice: every ledger record with its tx-file's CID) and `GET
 * /v1/ledger/reconciliation` (the three-way check over the records the relay has taken), for
 * callers with an API key of the relay's (scope `submit`), each seeing its own tenant's alone.
 */
import type { FastifyInstance } from 'fastify';
import type { LedgerMismatch } from '@anchorpost/sponsor-core';
import type { TenantLedger } from '../ledger/tenant-ledger.ts';
import { tenantAuthentication } from './sponsorship-routes.ts';
import type { CallerCheck } from './sponsorship-routes.ts';

export interface LedgerRoutesOptions {
  readonly ledger: TenantLedger;
  readonly access: CallerCheck;
}

const recordSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    kind: { type: 'string', enum: ['line', 'void'] },
    digest: { type: 'string' },
    txHash: { type: 'string' },
    cid: { type: ['string', 'null'] },
    submitted: { type: 'boolean' },
    record: { type: 'object', additionalProperties: true },
  },
  required: ['seq', 'kind', 'digest', 'txHash', 'cid', 'submitted', 'record'],
} as const;

const reconciliationSchema = {
  type: 'object',
  properties: {
    chainWei: { type: 'string' },
    ledgerWei: { type: 'string' },
    storeWei: { type: 'string' },
    lines: { type: 'integer' },
    unsent: { type: 'integer' },
    anchored: { type: 'integer' },
    unanchored: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          seq: { type: 'integer' },
          digest: { type: 'string' },
          cid: { type: 'string' },
          code: { type: 'string' },
          detail: { type: 'string' },
        },
        required: ['seq', 'digest', 'cid', 'code', 'detail'],
      },
    },
    mismatches: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          digest: { type: 'string' },
          cid: { type: 'string' },
          txHash: { type: 'string' },
          detail: { type: 'string' },
        },
        required: ['code', 'detail'],
      },
    },
  },
  required: ['chainWei', 'ledgerWei', 'storeWei', 'lines', 'unsent', 'anchored', 'unanchored', 'mismatches'],
} as const;

export function ledgerRoutes(fastify: FastifyInstance, options: LedgerRoutesOptions): void {
  const { ledger, access } = options;
  const { onRequest, tenantOf } = tenantAuthentication(access);

  fastify.get(
    '/v1/ledger',
    {
      onRequest,
      schema: {
        summary: "The tenant's ledger: its invoice lines and voids, each with its tx-file's CID",
        tags: ['sponsor'],
        response: {
          200: { type: 'object', properties: { records: { type: 'array', items: recordSchema } } },
        },
      },
    },
    async (request) => ({ records: await ledger.invoice(tenantOf(request)) }),
  );

  fastify.get(
    '/v1/ledger/reconciliation',
    {
      onRequest,
      schema: {
        summary:
          "The tenant's ledger at the relay reconciled with the chain's receipts and the charges, and which of its lines their proofs show anchored",
        tags: ['sponsor'],
        response: { 200: reconciliationSchema },
      },
    },
    async (request) => {
      const result = await ledger.reconcile(tenantOf(request));
      return {
        chainWei: result.chainWei.toString(),
        ledgerWei: result.ledgerWei.toString(),
        storeWei: result.storeWei.toString(),
        lines: result.lines,
        unsent: result.unsent,
        anchored: result.anchored,
        unanchored: result.unanchored,
        mismatches: result.mismatches.map((m: LedgerMismatch) => ({ ...m })),
      };
    },
  );
}
