// Anchorpost on real servers, every service in its own process: a Kafka 3.9 broker, PostgreSQL
// (two databases: the relay's and anchorer's state, and the index, which can be dropped and
// rebuilt), a Kubo daemon, and anvil with the anchor contract; then two relays, the batcher, the
// anchorer, the parser and the proof API, each configured by ANCHORPOST_* alone. What
// `npm run test:e2e` and `npm run test:chaos` run against.
import { execFile } from 'node:child_process';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEvmTestChain, type EvmTestChain } from '@anchorpost/chains/testing';
import { createTestDatabase, type TestDatabase } from '@anchorpost/db/testing';
import { generateRelayKey } from '@anchorpost/relay-core';
import { findKuboBinary, startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { REPO } from '../platform-process.ts';
import { freePort } from './free-port.ts';
import { postgresServer, startKafkaBroker, type KafkaBroker, type PostgresServer } from './servers.ts';
import { clusterInstances, commonEnvironment, type ClusterSetup } from './cluster-env.ts';
import { ServiceProcess } from './service-process.ts';
import { imagesFromEnvironment, managementPortVariable, type ImageOf } from './container.ts';
import { startErgoDevnetProcess, type ErgoDevnetProcess } from '../ergo-devnet-process.ts';
import { TRUSTED_BLOCK_HEIGHTS } from '../phases/state.ts';

const run = promisify(execFile);

export interface ClusterOptions {
  /** Working folder: logs, keys, the tenants file, the broker's files. */
  readonly dir: string;
  /** The tenants file's content (`{ tenants: [{ id, clientKeys }] }`). */
  readonly tenants: unknown;
  /** Relay instances (`relay-a`, `relay-b`, …) sharing the bus and the database; default 2. */
  readonly relays?: number;
  /** Extra ANCHORPOST_* settings for every service. */
  readonly env?: Readonly<Record<string, string>>;
  /** Each service from its image (container.ts); default from ANCHORPOST_E2E_IMAGES, else processes. */
  readonly images?: ImageOf;
  /**
   * Anchor on the Ergo node test double too (its own process, its chain starting at the heights
   * the scenario's files name); `relayChecksBlocks`: the relays check those blocks on it.
   */
  readonly ergo?: { readonly relayChecksBlocks: boolean };
}

export interface Cluster {
  readonly kafka: KafkaBroker;
  readonly kubo: KuboDaemon;
  readonly chain: EvmTestChain;
  /** The Ergo node test double, when the cluster anchors on Ergo too. */
  readonly ergo?: ErgoDevnetProcess;
  readonly stateDb: TestDatabase;
  readonly indexDb: TestDatabase;
  /** By instance name: `relay-a`, `relay-b`, `batcher`, `anchorer`, `parser`, `proof-api`. */
  readonly services: ReadonlyMap<string, ServiceProcess>;
  readonly relays: readonly { readonly name: string; readonly http: string; readonly grpc: string }[];
  readonly proofApiUrl: string;
  readonly evmRpc: string;
  readonly contractAddress: string;
  service(name: string): ServiceProcess;
  /** Every exit of a service nobody asked for, so far. */
  crashes(): string[];
  /** `parser rebuild` as an operator runs it, on the parser's settings: its JSON result and `ms`. */
  rebuildIndex(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { dir } = options;
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    while (closers.length > 0) await closers.pop()!().catch(() => undefined);
  };
  try {
    await mkdir(join(dir, 'logs'), { recursive: true });
    await mkdir(join(dir, 'keys'), { recursive: true, mode: 0o700 });

    const binary = findKuboBinary();
    if (binary === undefined)
      throw new Error('no Kubo binary: run scripts/install-kubo.sh or set ANCHORPOST_IPFS_BIN');
    // Started side by side; whatever did start is stopped again if another one fails.
    const started = await Promise.allSettled([
      postgresServer(),
      startKafkaBroker(join(dir, 'kafka')),
      startKuboDaemon({ binary }),
      startEvmTestChain({ anvil: { blockTime: 1 } }),
    ] as const);
    for (const result of started) {
      if (result.status === 'fulfilled') {
        const server = result.value;
        closers.push(() => ('dispose' in server ? server.dispose() : server.close()));
      }
    }
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    const [postgres, kafka, kubo, chain] = started.map(
      (result) => (result as PromiseFulfilledResult<unknown>).value,
    ) as [PostgresServer, KafkaBroker, KuboDaemon, EvmTestChain];
    const stateDb = await createTestDatabase(postgres.adminUrl, 'e2e_state');
    closers.push(() => stateDb.drop());
    const indexDb = await createTestDatabase(postgres.adminUrl, 'e2e_index');
    closers.push(() => indexDb.drop());

    let ergo: ErgoDevnetProcess | undefined;
    if (options.ergo !== undefined) {
      const started = await startErgoDevnetProcess(dir, TRUSTED_BLOCK_HEIGHTS.from);
      ergo = started;
      closers.push(() => started.stop());
    }

    const tenantsFile = join(dir, 'tenants.json');
    await writeFile(tenantsFile, JSON.stringify(options.tenants));
    const relayKeyFile = join(dir, 'keys', 'relay-key.pem');
    const relayKey = generateRelayKey();
    await writeFile(relayKeyFile, relayKey.pkcs8Pem, { mode: 0o600 });
    const signerKeyFile = join(dir, 'keys', 'anchorer-signer.hex');
    await writeFile(signerKeyFile, chain.owner.privateKey, { mode: 0o600 });

    const images = options.images ?? imagesFromEnvironment();
    // The containers run as uid 1000, as the chart's pods do (their fsGroup owns the mounted keys).
    if (images !== undefined) {
      const ergoWallet = ergo?.env.ANCHORPOST_ERGO_MNEMONIC_FILE;
      for (const path of [dir, join(dir, 'keys'), tenantsFile, relayKeyFile, signerKeyFile, ergoWallet]) {
        if (path === undefined) continue;
        await chown(path, 1000, 1000);
      }
    }

    const relayPorts: { http: number; grpc: number }[] = [];
    for (let i = 0; i < (options.relays ?? 2); i += 1) {
      relayPorts.push({ http: await freePort(), grpc: await freePort() });
    }
    const setup: ClusterSetup = {
      dataDir: join(dir, 'data'),
      kafkaBrokers: kafka.brokers,
      kuboUrl: kubo.url,
      evmRpcUrl: chain.anvil.rpcUrl,
      contractAddress: chain.contractAddress,
      deployBlock: chain.deployBlock,
      submitter: chain.owner.address,
      stateDatabaseUrl: stateDb.databaseUrl,
      indexDatabaseUrl: indexDb.databaseUrl,
      tenantsFile,
      relayKeyFile,
      relayPublicKey: Buffer.from(relayKey.publicKeyRaw).toString('hex'),
      signerKeyFile,
      relayPorts,
      ports: {
        batcher: await freePort(),
        anchorer: await freePort(),
        parser: await freePort(),
        'proof-api': await freePort(),
      },
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(ergo === undefined
        ? {}
        : { ergo: { url: ergo.url, env: ergo.env, relayChecksBlocks: options.ergo!.relayChecksBlocks } }),
    };
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...commonEnvironment(setup),
    };
    const services = new Map<string, ServiceProcess>();
    for (const { name, service, port, env } of clusterInstances(setup)) {
      // From images, readiness is asked where the chart's probes ask: the management port.
      const management = images === undefined ? undefined : await freePort();
      const instance = new ServiceProcess({
        name,
        service,
        url: `http://127.0.0.1:${port}`,
        logPath: join(dir, 'logs', `${name}.log`),
        env: {
          ...common,
          ...env,
          ...(management === undefined ? {} : { [managementPortVariable(service)]: String(management) }),
        },
        ...(images === undefined
          ? {}
          : {
              image: { name: images(service), readOnlyMounts: [dir] },
              managementUrl: `http://127.0.0.1:${management}`,
            }),
      });
      services.set(name, instance);
      closers.push(() => instance.close());
    }
    const relays = relayPorts.map(({ http, grpc }, i) => ({
      name: `relay-${String.fromCharCode(97 + i)}`,
      http: `http://127.0.0.1:${http}`,
      grpc: `127.0.0.1:${grpc}`,
    }));
    const proofApiPort = setup.ports['proof-api'];
    // Relays first: they create the topics the others read.
    for (const service of services.values()) await service.start();

    const cluster: Cluster = {
      kafka,
      kubo,
      chain,
      ...(ergo === undefined ? {} : { ergo }),
      stateDb,
      indexDb,
      services,
      relays,
      proofApiUrl: `http://127.0.0.1:${proofApiPort}`,
      evmRpc: chain.anvil.rpcUrl,
      contractAddress: chain.contractAddress,
      crashes: () => [...services.values()].flatMap((service) => service.crashes),
      service(name) {
        const found = services.get(name);
        if (found === undefined) throw new Error(`no service ${name} in this cluster`);
        return found;
      },
      async rebuildIndex() {
        const main = join(REPO, 'services', 'parser', 'dist', 'main.js');
        const { stdout } = await run(process.execPath, [main, 'rebuild'], {
          env: { ...common, ANCHORPOST_DATABASE_URL: indexDb.databaseUrl },
          maxBuffer: 64 * 1024 * 1024,
          timeout: 10 * 60_000,
        });
        const lines = stdout.trim().split('\n');
        // The parser's own timing of the rebuild (its "index rebuilt" log line), process start excluded.
        const timing = lines.map((line) => /"ms":(\d+).*"msg":"index rebuilt"/.exec(line)).find(Boolean);
        return {
          ...(JSON.parse(lines.at(-1)!) as Record<string, unknown>),
          ...(timing ? { ms: Number(timing[1]) } : {}),
        };
      },
      close: closeAll,
    };
    return cluster;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
