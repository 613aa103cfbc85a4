/**
 * The updater service: updater-core's Updater wired to the chain (EvmGovernanceChain), PostgreSQL
 * (PostgresUpdaterStore), the storage, the GitOps repository (git CLI), the dry run (kustomize,
 * kubeconform), Argo CD (its REST API) and, when configured, the relay the deploy log's records
 * go to as tx-files (deploy-log-relay.ts), behind the service-kit HTTP app (/healthz, /readyz,
 * /metrics). Replicas elect one writer: only the leader follows, commits and sends.
 */
import { readFile } from 'node:fs/promises';
import { Module } from '@nestjs/common';
import { JsonRpcPool } from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { trustedKeyFromPem } from '@anchorpost/release';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService } from '@anchorpost/service-kit';
import type { ContentStore } from '@anchorpost/storage';
import {
  ArgoCdHttpApi,
  GitCliRepository,
  KustomizeDryRun,
  Updater,
  UpdaterError,
} from '@anchorpost/updater-core';
import type { ArgoCdApi, ReleaseDryRun } from '@anchorpost/updater-core';
import type { ErgoBlockView } from '@anchorpost/relay-core';
import { deployLogRelay } from './deploy-log-relay.ts';
import { EvmGovernanceChain } from './evm-governance-chain.ts';
import { PostgresUpdaterStore } from './postgres-updater-store.ts';
import type { UpdaterConfig } from './updater-config.ts';
import { updaterReporting } from './updater-reporting.ts';
import { UPDATER_METRICS } from './updater-metrics.ts';

export interface UpdaterServiceOptions {
  readonly config: UpdaterConfig;
  readonly rpcUrls: readonly string[];
  /** The chain the Governor is on (`ANCHORPOST_EVM_CHAIN_ID`): a node of another chain is refused at start. */
  readonly chainId: number;
  readonly database: Database;
  readonly store: ContentStore;
  readonly election?: ElectionFactory;
  readonly logger?: Logger;
  readonly port?: number;
  readonly handleSignals?: boolean;
  /** Another Argo CD or dry run than the configured ones (tests: the Argo CD test double's URL is enough). */
  readonly argoCd?: ArgoCdApi;
  readonly dryRun?: ReleaseDryRun;
  /** Another view of the Ergo chain than `ANCHORPOST_UPDATER_ERGO_NODE_URL`'s node (tests). */
  readonly ergoBlocks?: ErgoBlockView;
}

// eslint-disable-next-line @typescript-eslint/no-extraneous-class -- a Nest module is a class by design
class UpdaterModule {}
Module({})(UpdaterModule);

export async function startUpdaterService(options: UpdaterServiceOptions): Promise<RunningService> {
  const { config, database } = options;
  const logger = options.logger ?? createLogger('updater');
  const metrics = new ServiceMetrics('updater', UPDATER_METRICS);
  const rpc = new JsonRpcPool({ urls: [...options.rpcUrls] });
  const nodeChainId = Number(BigInt(await rpc.request<string>('eth_chainId', [])));
  if (nodeChainId !== options.chainId) {
    throw new UpdaterError('WRONG_CHAIN', `the RPC node serves chain ${nodeChainId}, not ${options.chainId}`);
  }
  const chain = new EvmGovernanceChain({
    rpc,
    governor: config.governor,
    registry: config.registry,
    startBlock: config.startBlock,
  });
  const trustedKeys = await Promise.all(
    config.trustedKeyFiles.map(async (file) => trustedKeyFromPem(await readFile(file, 'utf8'))),
  );
  const argoToken = (await readFile(config.argoCdTokenFile, 'utf8')).trim();
  const anchoring = await deployLogRelay(config, options.ergoBlocks);
  const updater = new Updater({
    chain,
    store: new PostgresUpdaterStore(database.prisma),
    content: options.store,
    gitops: new GitCliRepository({
      remote: config.gitRemote,
      branch: config.gitBranch,
      workDir: config.gitWorkDir,
      overlay: config.overlay,
      signingKeyFile: config.signingKeyFile,
      author: { name: config.authorName, email: config.authorEmail },
    }),
    dryRun:
      options.dryRun ??
      new KustomizeDryRun({
        overlay: config.overlay,
        kustomize: config.kustomize,
        helm: config.helm,
        kubeconform: config.kubeconform,
        schemaLocations: config.schemaLocations,
      }),
    argoCd: options.argoCd ?? new ArgoCdHttpApi({ baseUrl: config.argoCdUrl, token: argoToken }),
    application: config.argoCdApplication,
    trustedKeys,
    startBlock: config.startBlock,
    trustedDepth: config.trustedDepth,
    pollIntervalMs: config.pollIntervalMs,
    deployStuckAfterMs: config.deployStuckAfterMs,
    storageTimeoutMs: config.storageTimeoutMs,
    observer: updaterReporting(metrics, logger),
    ...(anchoring === undefined ? {} : { anchoring }),
  });
  const app = await startServiceApp({
    service: 'updater',
    module: UpdaterModule,
    logger,
    metrics,
    host: config.host,
    port: options.port ?? config.port,
    management: { host: config.managementHost, port: config.managementPort },
    readinessIntervalMs: config.readinessInterval,
    ...(options.handleSignals === undefined ? {} : { handleSignals: options.handleSignals }),
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'chain',
        check: async () => {
          await chain.head();
        },
      },
    ],
  });
  // One writer (ADR 0013): two updaters committing the same release would race on the branch.
  const terms = leaderTerms({
    election: options.election,
    work: 'deploys releases',
    metrics,
    logger,
    retryMs: config.pollIntervalMs,
    begin: () => {
      updater.start();
      return Promise.resolve();
    },
    end: () => updater.stop(),
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await terms.close();
      await app.close();
      logger.info('updater stopped');
    })();
    return closed;
  };
  try {
    await terms.start();
  } catch (error) {
    await close();
    throw error;
  }
  logger.info(
    { governor: config.governor, registry: config.registry, branch: config.gitBranch },
    'updater started',
  );
  return {
    name: 'updater',
    urls: { http: app.url, ...(app.managementUrl === undefined ? {} : { management: app.managementUrl }) },
    close,
  };
}
