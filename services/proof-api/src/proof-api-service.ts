/**
 * The public proof API: TxFileProofs, batches and messages by recipient, read from the index, with
 * confirmations counted from the served EVM chain's head (and Ergo's, when configured: Ergo
 * anchors and the trusted block's time), and the platform's trust roots. Behind the service-kit HTTP app (/healthz, /readyz:
 * database + chain heads, /metrics, /openapi.json).
 */
import { Module } from '@nestjs/common';
import type { Database } from '@anchorpost/db';
import type { TrustRoots } from '@anchorpost/proofs';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import { auditorPageRoutes } from './auditor-page.ts';
import { ErgoHead } from './ergo-head.ts';
import { EvmHead } from './evm-head.ts';
import type { ProofApiServiceConfig } from './proof-api-config.ts';
import { proofApiRoutes } from './proof-api-routes.ts';
import { publishedTrustRoots } from './published-trust-roots.ts';
import type { PublishedTrustRoots } from './published-trust-roots.ts';
import { PROOF_API_METRICS } from './proof-api-metrics.ts';

export interface ProofApiServiceOptions {
  config: ProofApiServiceConfig;
  /** The open index database (shared with the parser in the one-process platform). */
  database: Database;
  /**
   * The database of the relay's receipts, when it is not the index's (a deployment keeps the
   * index, which can be dropped and rebuilt, apart from the relay's and anchorer's state, which
   * cannot). Only read, to tell "accepted, not sealed yet" (202) from "unknown" (404), and for
   * the updater's deploy log, kept in the same state database (`GET /v1/releases/digests/{sha256}`).
   */
  receipts?: Database | undefined;
  /** The EVM chain whose anchors the proofs carry (an `EvmChainConfig` fits). */
  evm: { readonly rpcUrls: readonly string[]; readonly chainId: number; readonly rpcTimeoutMs?: number };
  /** The Ergo network whose anchors proofs carry (an `ErgoNodeConfig` of the runtime fits). */
  ergo?: Omit<ConstructorParameters<typeof ErgoHead>[0], 'cacheMs'> | undefined;
  /**
   * The trust roots `GET /v1/trust-roots` publishes; default: from the settings (contract,
   * submitters, Ergo marker and mint). The one-process platform passes its own chain's.
   */
  trustRoots?: TrustRoots;
  logger?: Logger;
  host?: string;
  /** Overrides `config.port`; 0 picks a free port. */
  port?: number;
  /** Overrides `config.managementPort` (`/metrics`, detailed `/readyz`); 0 picks a free port. */
  managementPort?: number;
  handleSignals?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class ProofApiModule {}
Module({})(ProofApiModule);

export const PROOF_API_VERSION = '1';

function trustRootsOf(options: ProofApiServiceOptions): PublishedTrustRoots {
  if (options.trustRoots !== undefined) return { trustRoots: options.trustRoots };
  return publishedTrustRoots(options.config, {
    evmChainId: options.evm.chainId,
    ergoNetwork: options.ergo?.network,
  });
}

export async function startProofApiService(options: ProofApiServiceOptions): Promise<RunningService> {
  const { config, database } = options;
  const logger = options.logger ?? createLogger('proof-api');
  const metrics = new ServiceMetrics('proof-api', PROOF_API_METRICS);
  const head = new EvmHead({
    rpcUrls: options.evm.rpcUrls,
    chainId: options.evm.chainId,
    cacheMs: config.headCacheMs,
    rpcTimeoutMs: options.evm.rpcTimeoutMs,
  });
  const ergoHead =
    options.ergo === undefined ? undefined : new ErgoHead({ ...options.ergo, cacheMs: config.headCacheMs });
  // Before anything listens: a node on another network is a setting to fix, not a 5xx per request.
  await ergoHead?.checkNetwork();
  const proofsServed = metrics.counter(
    PROOF_API_METRICS.proofsServedTotal,
    'GET /v1/proofs answers by HTTP status',
    ['status'],
  );
  const assembly = metrics.histogram(
    PROOF_API_METRICS.proofAssemblySeconds,
    'Time to assemble one TxFileProof from the index',
    [],
    [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
  );
  const trustRoots = trustRootsOf(options);
  if ('missing' in trustRoots) {
    logger.warn(
      { missing: trustRoots.missing },
      'no trust roots to publish: GET /v1/trust-roots answers 500',
    );
  }
  const routes = proofApiRoutes({
    database,
    trustRoots,
    receipts: (options.receipts ?? database).receipts,
    deployLog: options.receipts ?? database,
    head,
    ergoHead,
    cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
    observer: {
      proofAssembled: ({ ms }) => {
        assembly.observe(ms / 1000);
      },
    },
  });
  const page = await auditorPageRoutes();
  if (page.length === 0) logger.warn('the auditor page is not built (npm run build): GET / answers 404');
  const app = await startServiceApp({
    service: 'proof-api',
    module: ProofApiModule,
    logger,
    metrics,
    host: options.host ?? config.host,
    port: options.port ?? config.port,
    management: { host: config.managementHost, port: options.managementPort ?? config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    handleSignals: options.handleSignals,
    openapi: {
      title: 'Anchorpost proof API',
      version: PROOF_API_VERSION,
      description:
        'TxFileProofs of tx-files, their batches, the messages of a recipient, and the deploy-log records of a released image digest (docs/api.md).',
    },
    readiness: [
      { name: 'database', check: () => database.ping() },
      ...(options.receipts === undefined
        ? []
        : [{ name: 'receipts-database', check: () => options.receipts!.ping() }]),
      {
        name: 'chain',
        check: async () => {
          await head.read();
        },
      },
      ...(ergoHead === undefined
        ? []
        : [
            {
              name: 'ergo',
              check: async () => {
                await ergoHead.read();
              },
            },
          ]),
    ],
    configure(fastify) {
      fastify.addHook('onResponse', (request, reply, done) => {
        if (request.routeOptions.url === '/v1/proofs/:cid')
          proofsServed.inc({ status: String(reply.statusCode) });
        done();
      });
      for (const route of [...routes, ...page]) fastify.route(route);
    },
  });
  let closing: Promise<void> | undefined;
  return {
    name: 'proof-api',
    urls: { http: app.url, ...(app.managementUrl === undefined ? {} : { management: app.managementUrl }) },
    close() {
      closing ??= app.close();
      return closing;
    },
  };
}
