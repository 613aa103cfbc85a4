/**
 * The anchorer as a service: consumes `anchorpost.batch.sealed.v1` into anchor requests, ticks the
 * EVM chain — and Ergo, when configured — (submit, watch, confirm, finalize) with every step in
 * PostgreSQL, and serves /healthz, /readyz (database, each chain's node) and /metrics.
 */
import type { Bus, Subscription } from '@anchorpost/bus';
import { ErgoChain, EvmChain } from '@anchorpost/chains';
import { BATCH_SEALED_TOPIC } from '@anchorpost/events';
import type {
  AnchorChain,
  ErgoChainConfig,
  ErgoWallet,
  EvmChainConfig,
  TransactionSigner,
} from '@anchorpost/chains';
import type { Database } from '@anchorpost/db';
import { leaderTerms } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { createLogger, ServiceMetrics, startServiceApp } from '@anchorpost/service-kit';
import type { Logger, RunningService, ServiceApp } from '@anchorpost/service-kit';
import { AnchorTickLoop } from './anchor-tick-loop.ts';
import type { AnchorerConfig } from './anchorer-config.ts';
import { AnchorerModule } from './anchorer-module.ts';
import { consumeBatchSealed } from './batch-sealed-consumer.ts';
import { ergoWalletWhileLeading, signerWhileLeading } from './leader-signers.ts';
import { PostgresAnchorRequestStore } from './postgres-anchor-request-store.ts';
import { ANCHORER_METRICS } from './anchorer-metrics.ts';

export interface AnchorerServiceOptions {
  /** `loadConfig(anchorerConfigSchema, env)`. */
  readonly config: AnchorerConfig;
  readonly bus: Bus;
  /** An opened, migrated @anchorpost/db Database; the service uses `anchorRequests` and `ping`. */
  readonly database: Database;
  /** Signs anchor transactions (an ethers Wallet will do); an authorized submitter of the contract. */
  readonly signer: TransactionSigner;
  /** `evmChainConfigFromEnv(env)` of @anchorpost/chains. */
  readonly evm: EvmChainConfig;
  /** Ergo too (ADR 0012): `ergoChainConfigFromEnv(env)` and the wallet holding the marker token. */
  readonly ergo?: { readonly config: ErgoChainConfig; readonly wallet: ErgoWallet };
  /**
   * One writer per chain when several replicas run: `electionFactory(electionConfigFromEnv(env,
   * 'anchorer'))` of @anchorpost/leader-election. Without it this replica always anchors.
   */
  readonly election?: ElectionFactory;
  readonly logger?: Logger;
  readonly host?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Overrides `config.managementPort` (`/metrics`, detailed `/readyz`); 0 picks a free port. */
  readonly managementPort?: number;
  readonly handleSignals?: boolean;
}

export async function startAnchorerService(options: AnchorerServiceOptions): Promise<RunningService> {
  const { config, bus, database } = options;
  const logger = options.logger ?? createLogger('anchorer');
  const metrics = new ServiceMetrics('anchorer', ANCHORER_METRICS);
  const store = new PostgresAnchorRequestStore(database.anchorRequests);
  const leads = () => terms.isLeader;
  const chain = new EvmChain({ ...options.evm, signer: signerWhileLeading(options.signer, leads), store });
  const ergo =
    options.ergo === undefined
      ? undefined
      : new ErgoChain({
          ...options.ergo.config,
          wallet: ergoWalletWhileLeading(options.ergo.wallet, leads),
          store,
        });
  const chains: AnchorChain[] = ergo === undefined ? [chain] : [chain, ergo];
  // Before anything listens: a node on another network is a setting to fix.
  await ergo?.reader.checkNetwork();
  // Read from the bus at each scrape; a bus that cannot answer leaves the last values in place.
  metrics.gauge(
    ANCHORER_METRICS.consumerLag,
    `Records of ${BATCH_SEALED_TOPIC} not yet committed by the anchorer's consumer group, by partition`,
    ['topic', 'partition'],
    async (gauge) => {
      try {
        for (const { partition, lag } of await bus.lag(config.groupId, BATCH_SEALED_TOPIC)) {
          gauge.set({ topic: BATCH_SEALED_TOPIC, partition: String(partition) }, lag);
        }
      } catch (error) {
        logger.warn({ err: error }, 'consumer lag not read');
      }
    },
  );

  // What the anchoring key can still pay, per chain (ETH; ERG in the marker's anchor box and the
  // wallet), read from the nodes at each scrape; a node that cannot answer leaves the last value.
  metrics.gauge(
    ANCHORER_METRICS.walletBalance,
    'Funds of the anchoring key, by chain, in the chain coin (ETH, ERG): alert before it runs dry',
    ['chain'],
    async (gauge) => {
      try {
        const address = await options.signer.getAddress();
        const wei = BigInt(await chain.reader.rpc.request<string>('eth_getBalance', [address, 'latest']));
        gauge.set({ chain: chain.id }, Number(wei) / 1e18);
        if (ergo !== undefined) {
          const boxes = await ergo.reader.client.unspentBoxesByAddress(ergo.wallet.address);
          const nanoErg = boxes.reduce((sum, box) => sum + BigInt(box.value), 0n);
          gauge.set({ chain: ergo.id }, Number(nanoErg) / 1e9);
        }
      } catch (error) {
        logger.warn({ err: error }, 'wallet balance not read');
      }
    },
  );

  const app: ServiceApp = await startServiceApp({
    service: 'anchorer',
    module: AnchorerModule,
    logger,
    metrics,
    host: options.host ?? options.config.host,
    port: options.port ?? options.config.port,
    management: {
      host: options.config.managementHost,
      port: options.managementPort ?? options.config.managementPort,
    },
    readinessIntervalMs: options.config.readinessInterval,
    handleSignals: options.handleSignals,
    readiness: [
      { name: 'database', check: () => database.ping() },
      {
        name: 'chain',
        check: async () => {
          await chain.head();
        },
      },
      ...(ergo === undefined
        ? []
        : [
            {
              name: 'ergo',
              check: async () => {
                await ergo.head();
              },
            },
          ]),
    ],
  });

  // One writer per chain (ADR 0013): only the elected replica takes sealed batches and ticks the
  // chains; a standby stays ready. A term's work is stopped before the lease is released.
  let term: { subscription: Subscription; loops: AnchorTickLoop[] } | undefined;
  const terms = leaderTerms({
    election: options.election,
    work: 'anchors',
    metrics,
    logger,
    retryMs: config.maxConsumeBackoff,
    begin: async () => {
      const subscription = await consumeBatchSealed({
        bus,
        chains,
        groupId: config.groupId,
        partitions: config.batchSealedPartitions,
        maxBackoffMs: config.maxConsumeBackoff,
        logger,
        metrics,
      });
      const loops = chains.map(
        (each) =>
          new AnchorTickLoop({
            chain: each,
            store,
            intervalMs: config.tickInterval,
            maxBackoffMs: config.maxTickBackoff,
            logger,
            metrics,
          }),
      );
      for (const loop of loops) loop.start();
      term = { subscription, loops };
    },
    end: async () => {
      const ending = term;
      term = undefined;
      // No tick starts from now on (a tick in flight finishes, unable to sign); the batch in
      // flight is stored and committed.
      const ticks = ending?.loops.map((loop) => loop.close()) ?? [];
      await ending?.subscription.close();
      await Promise.all(ticks);
    },
  });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await terms.close();
      await app.close();
      logger.info({ chain: chain.id }, 'anchorer stopped');
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
    {
      chain: chain.id,
      contract: chain.reader.contractAddress,
      ...(ergo === undefined
        ? {}
        : { ergo: ergo.id, marker: ergo.reader.tokenId, ergoAddress: ergo.wallet.address }),
      groupId: config.groupId,
    },
    'anchorer started',
  );
  return {
    name: 'anchorer',
    urls: { http: app.url, ...(app.managementUrl === undefined ? {} : { management: app.managementUrl }) },
    close,
  };
}
