/**
 * The whole platform in one process, on embedded adapters (`npm start`): PGlite, the file-log
 * bus, Helia with a file blockstore and a local anvil chain, all under one data folder; then the
 * relay, batcher, anchorer, parser and proof API (and, with ANCHORPOST_PLATFORM_SPONSOR, the
 * sponsor, its ledger anchored through that relay), each its own NestJS app on its own port, sharing those adapters. With ANCHORPOST_ERGO_NODE_URLS set, batches are anchored on that Ergo node too
 * (there is no embedded Ergo node). The platform's trust roots go to `trust.json` in the data folder
 * and to the proof API's `GET /v1/trust-roots`. Stops in reverse order, each service finishing its work in
 * flight first.
 */
import { anchorerConfigSchema, startAnchorerService } from '@anchorpost/anchorer-service';
import { batcherConfigSchema, startBatcherService, type BatcherConfig } from '@anchorpost/batcher-service';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { ergoChainConfigFromEnv, ergoConfigured } from '@anchorpost/chains';
import { toHex } from '@anchorpost/protocol';
import {
  parserConfigSchema,
  rebuildIndex,
  rebuildTuning,
  startParserService,
} from '@anchorpost/parser-service';
import type { ParserRunResult } from '@anchorpost/parser-core';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import type { TrustRoots } from '@anchorpost/proofs';
import { openRelay, RELAY_METRICS, relayConfigSchema, startRelayService } from '@anchorpost/relay-service';
import { readErgoMnemonicFile } from '@anchorpost/runtime';
import {
  createLogger,
  loadConfig,
  ServiceMetrics,
  type Logger,
  type ReadinessCheck,
  type RunningService,
} from '@anchorpost/service-kit';
import { dataDir, type DataDir } from './data-dir.ts';
import { openEmbeddedInfra } from './embedded-infra.ts';
import { ensureAdminKey, ensureRelayKey, ensureTenantsFile } from './local-keys.ts';
import { startLocalSponsor } from './local-sponsor.ts';
import { platformConfigSchema } from './platform-config.ts';
import { checkErgoMintSetting, platformTrustRoots, writeTrustRoots } from './platform-trust-roots.ts';

export interface PlatformOptions {
  /** Where settings come from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
}

export interface Platform {
  readonly dirs: DataDir;
  readonly services: readonly RunningService[];
  /** Where everything listens, for people and tests. */
  readonly endpoints: Readonly<Record<string, string>>;
  readonly chain: { rpcUrl: string; chainId: number; contractAddress: string; deployBlock: number };
  /** What the proof API publishes and `dirs.trust` holds. */
  readonly trustRoots: TrustRoots;
  close(): Promise<void>;
}

/**
 * The batcher's settings but its relay keys: the platform's batcher trusts the platform's own relay
 * (its key exists only once the data folder does), and the keys of
 * ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS besides, when set (other relays on the same bus).
 */
const { relayPublicKeys: relayPublicKeysField, ...batcherSettingsSchema } = batcherConfigSchema;
const moreRelayKeysSchema = { keys: { ...relayPublicKeysField, default: '' } } as const;

/** Every setting of every service, checked before anything starts. */
function loadAllConfig(env: NodeJS.ProcessEnv) {
  const platform = loadConfig(platformConfigSchema, env);
  const dirs = dataDir(platform.dataDir);
  const proofApi = loadConfig(proofApiConfigSchema, env);
  const ergo = ergoConfig(env);
  checkErgoMintSetting(ergo, proofApi.ergoMintTxId);
  return {
    platform,
    dirs,
    relay: loadConfig(relayConfigSchema, {
      ANCHORPOST_RELAY_TENANTS_FILE: dirs.tenants,
      ANCHORPOST_RELAY_KEY_FILE: dirs.relayKey,
      ANCHORPOST_RELAY_ADMIN_KEY_FILE: dirs.adminKey,
      ...env,
    }),
    batcher: loadConfig(batcherSettingsSchema, env),
    moreRelayKeys: loadConfig(moreRelayKeysSchema, env).keys,
    anchorer: loadConfig(anchorerConfigSchema, env),
    parser: loadConfig(parserConfigSchema, env),
    proofApi,
    ergo,
  };
}

/** Ergo anchoring, when ANCHORPOST_ERGO_NODE_URLS is set; a bad setting is a ConfigError naming it. */
function ergoConfig(env: NodeJS.ProcessEnv) {
  return ergoConfigured(env) ? ergoChainConfigFromEnv(env) : undefined;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger('platform');
  const config = loadAllConfig(env);
  const { dirs } = config;
  // First the infrastructure, whose database lock refuses a folder another process uses.
  const infra = await openEmbeddedInfra({ config: config.platform, dirs, env, logger });
  try {
    if (await ensureRelayKey(dirs.relayKey)) logger.info({ path: dirs.relayKey }, 'relay key created');
    if (await ensureAdminKey(dirs.adminKey)) logger.info({ path: dirs.adminKey }, 'admin key created');
    if (await ensureTenantsFile(dirs.tenants)) {
      logger.warn({ path: dirs.tenants }, 'no tenants yet: add them with `anchorpost tenant add`');
    }
  } catch (error) {
    await infra.close();
    throw error;
  }
  const services: RunningService[] = [];
  const close = async (): Promise<void> => {
    for (const service of [...services].reverse()) {
      try {
        await service.close();
      } catch (error) {
        logger.error({ err: error, service: service.name }, 'failed to stop cleanly');
      }
    }
    await infra.close();
  };

  try {
    const { database, bus, storage, chain, evm } = infra;
    const ergo = config.ergo;
    // Only the anchorer signs: the key is read here, not kept in the config.
    const ergoWallet = ergo === undefined ? undefined : readErgoMnemonicFile(env, ergo.network).wallet;
    const trustRoots = platformTrustRoots({
      platform: config.batcher.platform,
      chain,
      ergo,
      ergoMintTxId: config.proofApi.ergoMintTxId,
    });
    await writeTrustRoots(dirs.trust, trustRoots);
    const readiness: ReadinessCheck[] = [
      { name: 'database', check: () => database.prisma.$queryRaw`SELECT 1`.then(() => undefined) },
      { name: 'bus', check: () => bus.endOffsets(TX_FILE_ACCEPTED_TOPIC).then(() => undefined) },
    ];
    const common = { handleSignals: false } as const;

    const relayMetrics = new ServiceMetrics('relay', RELAY_METRICS);
    const relayLogger = createLogger('relay');
    const relay = await openRelay({
      config: config.relay,
      bus,
      storage,
      database,
      // The local chain, where a key registry named by ANCHORPOST_RELAY_KEY_REGISTRY is read.
      evmRpc: { rpcUrls: evm.rpcUrls },
      metrics: relayMetrics,
      logger: relayLogger,
    });
    const relayService = await startRelayService({
      config: config.relay,
      relay,
      metrics: relayMetrics,
      logger: relayLogger,
      readiness,
      ...common,
    });
    services.push(relayService);
    const batcherConfig: BatcherConfig = {
      ...config.batcher,
      relayPublicKeys: [toHex(relay.relay.publicKey), config.moreRelayKeys]
        .filter((keys) => keys !== '')
        .join(','),
    };
    services.push(
      await startBatcherService({ config: batcherConfig, bus, store: storage, readiness, ...common }),
    );
    services.push(
      await startAnchorerService({
        config: config.anchorer,
        bus,
        database,
        signer: chain.signer,
        evm,
        ...(ergo === undefined || ergoWallet === undefined
          ? {}
          : { ergo: { config: ergo, wallet: ergoWallet } }),
        ...common,
      }),
    );
    services.push(
      await startParserService({
        config: config.parser,
        database,
        store: storage,
        evm,
        ergo,
        ...common,
      }),
    );
    const proofApiService = await startProofApiService({
      config: config.proofApi,
      database,
      evm: { rpcUrls: evm.rpcUrls, chainId: evm.chainId },
      ergo,
      trustRoots,
      ...common,
    });
    services.push(proofApiService);
    if (config.platform.sponsor) {
      services.push(
        await startLocalSponsor({
          env,
          dirs,
          chain: { rpcUrl: chain.rpcUrl, chainId: chain.chainId, privateKeys: chain.anvil.privateKeys },
          database,
          relay: { url: relayService.urls['http']!, administration: relay.administration },
          proofApiUrl: proofApiService.urls['http']!,
          ...(ergo === undefined || ergoWallet === undefined
            ? {}
            : {
                ergo: {
                  nodeUrl: ergo.nodeUrls[0]!,
                  network: ergo.network,
                  anchorerAddress: ergoWallet.address,
                },
              }),
          logger: createLogger('sponsor'),
        }),
      );
    }

    const endpoints: Record<string, string> = { evmRpc: chain.rpcUrl };
    if (ergo !== undefined) {
      endpoints.ergoNode = ergo.nodeUrls[0]!;
      endpoints['ergo-marker'] = ergo.tokenId;
    }
    for (const service of services) {
      for (const [kind, url] of Object.entries(service.urls)) endpoints[`${service.name}.${kind}`] = url;
    }
    let closing: Promise<void> | undefined;
    return {
      dirs,
      services,
      endpoints,
      chain: {
        rpcUrl: chain.rpcUrl,
        chainId: chain.chainId,
        contractAddress: chain.contractAddress,
        deployBlock: chain.deployBlock,
      },
      trustRoots,
      close: () => (closing ??= close()),
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Empties the index and restores it from the chain and storage alone (the platform must be
 * stopped: the embedded database has one owner).
 */
export async function rebuildPlatformIndex(options: PlatformOptions = {}): Promise<ParserRunResult> {
  const env = options.env ?? process.env;
  const logger = options.logger ?? createLogger('platform');
  const config = loadAllConfig(env);
  const infra = await openEmbeddedInfra({ config: config.platform, dirs: config.dirs, env, logger });
  try {
    return await rebuildIndex({
      database: infra.database,
      store: infra.storage,
      evm: infra.evm,
      ergo: config.ergo,
      trustedDepth: config.parser.trustedDepth,
      logger,
      tuning: rebuildTuning(config.parser),
    });
  } finally {
    await infra.close();
  }
}
