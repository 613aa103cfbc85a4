// Two complete platforms on one anvil chain (ADR 0031), for the two-platform test and the
// cross-platform latency bench. Each has its own embedded PostgreSQL, bus, relay and Kubo node;
// the two Kubo nodes peer over loopback (the "public" network, or a private one with a shared
// swarm key) and nothing else links them — or, with `privateB`, B's Kubo is alone on a private
// network of its own and A's cannot reach it. Platform B runs its relay, batcher and anchorer on its
// own contract with its own key; platform A runs its relay and its parser, whose operator added
// B's trust roots. Every port is one the OS picks on 127.0.0.1.
import { anchorerConfigSchema, startAnchorerService } from '@anchorpost/anchorer-service';
import { batcherConfigSchema, startBatcherService } from '@anchorpost/batcher-service';
import { ANCHORED_TOPIC, deployAnchorContract, evmChainConfigFromEnv } from '@anchorpost/chains';
import { startEvmTestChain, type EvmTestChain } from '@anchorpost/chains/testing';
import { parserConfigSchema, startParserService } from '@anchorpost/parser-service';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import { parseTrustRoots, type TrustRoots } from '@anchorpost/proofs';
import { parseTxFile, toHex, type GroupKeys } from '@anchorpost/protocol';
import { createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { connectKubo } from '@anchorpost/storage';
import { newSwarmKey, startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

export interface TwoPlatformsOptions {
  /** The Kubo binary (kuboBinaryForTests). */
  readonly kubo: string;
  /** A's trusted depth for B's anchors. */
  readonly trustedDepth: number;
  /** B's batch interval (ANCHORPOST_BATCH_INTERVAL), ms. */
  readonly batchIntervalMs: number;
  /** Seconds between anvil's blocks; default: none but those the caller mines (and one per tx). */
  readonly blockTimeSeconds?: number;
  /** A's parser poll and A's inbound delivery interval, ms; default 100. */
  readonly pollMs?: number;
  /** Both Kubo nodes on a private network with this swarm key; default: public mode. */
  readonly swarmKey?: string;
  /** B's Kubo on a private network of its own (a fresh swarm key), not peered with A's public one. */
  readonly privateB?: boolean;
  /** A's parser's time limit per read from storage and its attempts; default: the settings'. */
  readonly parserStorage?: { readonly timeoutMs: number; readonly attempts: number };
}

export interface SentFromB {
  readonly bytes: Uint8Array;
  /** The CID in B's receipt. */
  readonly cid: string;
  readonly recipient: string;
  readonly group: GroupKeys;
}

export interface TwoPlatforms {
  readonly chain: EvmTestChain;
  readonly a: RelayServiceFixture;
  /** What A's relay has logged, one JSON line each. */
  readonly relayLogA: readonly string[];
  readonly b: RelayServiceFixture;
  /** What B's batcher has logged (a `batch sealed` line per batch-file), one JSON line each. */
  readonly batcherLogB: readonly string[];
  readonly kuboA: KuboDaemon;
  readonly kuboB: KuboDaemon;
  readonly contractB: string;
  /** B's trust roots, as A's operator added them. */
  readonly trustB: TrustRoots;
  /** A's proof API, on A's index: proofs of B's files too. */
  readonly proofApiA: RunningService;
  /** B's app writes `text` (to `group`, default a new one whose recipient A's tenant registered). */
  prepare(text: string, group?: GroupKeys): Promise<Omit<SentFromB, 'cid'>>;
  /** B's app submits a prepared file to B's relay (HTTP); resolves with B's receipt's CID. */
  submit(prepared: Omit<SentFromB, 'cid'>): Promise<SentFromB>;
  /** How many `Anchored` events B's contract has logged. */
  anchorsOfB(): Promise<number>;
  /** A's parser service as running now (restartParserA replaces it). */
  readonly parserA: RunningService;
  /** What A's parser has logged, one JSON line each, across restarts. */
  readonly parserLogA: readonly string[];
  /** Stops A's parser (its run in flight ends first); startParserA starts a new one. */
  stopParserA(): Promise<void>;
  startParserA(): Promise<void>;
  close(): Promise<void>;
}

const quiet = (service: string) => createLogger(service, { destination: { write: () => undefined } });
/** A logger whose JSON lines are kept in `lines`. */
const keptIn = (service: string, lines: string[]) =>
  createLogger(service, { destination: { write: (line: string) => lines.push(line) } });

export async function openTwoPlatforms(options: TwoPlatformsOptions): Promise<TwoPlatforms> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  const pollMs = `${options.pollMs ?? 100}ms`;
  try {
    const chain = await startEvmTestChain(
      options.blockTimeSeconds === undefined ? {} : { anvil: { blockTime: options.blockTimeSeconds } },
    );
    closers.push(() => chain.close());
    const swarm = options.swarmKey === undefined ? {} : { key: options.swarmKey };
    const kuboA = await startKuboDaemon({ binary: options.kubo, swarm });
    closers.push(() => kuboA.dispose());
    const swarmB = options.privateB === true ? { key: newSwarmKey() } : swarm;
    const kuboB = await startKuboDaemon({ binary: options.kubo, swarm: swarmB });
    closers.push(() => kuboB.dispose());
    if (options.privateB !== true) {
      await kuboA.peer(kuboB);
      await kuboB.peer(kuboA);
    }

    const relayLogA: string[] = [];
    const a = await openRelayServiceFixture(
      { ANCHORPOST_RELAY_INBOUND_INTERVAL: pollMs, ANCHORPOST_PLATFORM_ID: 'platform-a' },
      { storage: connectKubo({ url: kuboA.url, timeoutMs: 10_000 }), logLines: relayLogA },
    );
    closers.push(() => a.close());
    const b = await openRelayServiceFixture(
      { ANCHORPOST_PLATFORM_ID: 'platform-b' },
      { storage: connectKubo({ url: kuboB.url, timeoutMs: 10_000 }) },
    );
    closers.push(() => b.close());
    const started = async (service: Promise<RunningService>) => {
      const running = await service;
      closers.push(() => running.close());
    };

    // Platform B: its own contract and key; its batcher and anchorer on its own bus and database.
    const batcherLogB: string[] = [];
    const contractB = (await deployAnchorContract(chain.otherSubmitter, { rpc: chain.rpc })).address;
    const deployBlockB = Number(await chain.call<string>('eth_blockNumber'));
    await started(
      startBatcherService({
        config: loadConfig(batcherConfigSchema, {
          ANCHORPOST_PLATFORM_ID: 'platform-b',
          ANCHORPOST_BATCH_INTERVAL: `${options.batchIntervalMs}ms`,
          ANCHORPOST_BATCHER_RELAY_PUBLIC_KEYS: toHex(b.relayPublicKey),
          ANCHORPOST_BATCHER_PORT: '0',
          ANCHORPOST_BATCHER_MANAGEMENT_PORT: '0',
        }),
        bus: b.bus,
        store: b.storage,
        logger: keptIn('batcher-b', batcherLogB),
        handleSignals: false,
      }),
    );
    await started(
      startAnchorerService({
        config: loadConfig(anchorerConfigSchema, { ANCHORPOST_ANCHORER_TICK_INTERVAL: '200ms' }),
        bus: b.bus,
        database: b.database,
        signer: chain.otherSubmitter,
        evm: evmChainConfigFromEnv({
          ANCHORPOST_EVM_RPC_URLS: chain.anvil.rpcUrl,
          ANCHORPOST_EVM_CHAIN_ID: String(chain.anvil.chainId),
          ANCHORPOST_EVM_ANCHOR_CONTRACT: contractB,
          ANCHORPOST_EVM_DEPLOY_BLOCK: String(deployBlockB),
          ANCHORPOST_EVM_CONFIRMATIONS: '1',
        }),
        logger: quiet('anchorer-b'),
        port: 0,
        managementPort: 0,
        handleSignals: false,
      }),
    );

    // Platform A: its operator adds B's trust roots (as B's proof API publishes them); its parser.
    const trustB = parseTrustRoots({
      version: 1,
      platform: 'platform-b',
      evm: [
        {
          chainId: String(chain.anvil.chainId),
          contract: contractB,
          submitters: [chain.otherSubmitter.address],
        },
      ],
    });
    const added = await fetch(`${a.service.urls.admin!}/v1/admin/peers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.adminKey}` },
      body: JSON.stringify(trustB),
    });
    if (added.status !== 201) throw new Error(`A refused B's trust roots: ${added.status}`);
    const parserLogA: string[] = [];
    const storageA = options.parserStorage;
    const startParserA = () =>
      startParserService({
        config: loadConfig(parserConfigSchema, {
          ANCHORPOST_PARSER_TRUSTED_DEPTH: String(options.trustedDepth),
          ANCHORPOST_PARSER_POLL_INTERVAL: pollMs,
          ANCHORPOST_PARSER_PEER_REFRESH: pollMs,
          ...(storageA === undefined ? {} : { ANCHORPOST_PARSER_STORAGE_TIMEOUT: `${storageA.timeoutMs}ms` }),
        }),
        database: a.database,
        store: a.storage,
        evm: {
          rpcUrls: [chain.anvil.rpcUrl],
          chainId: chain.anvil.chainId,
          contractAddress: chain.contractAddress,
          deployBlock: chain.deployBlock,
          logPageBlocks: 50,
        },
        logger: keptIn('parser-a', parserLogA),
        port: 0,
        managementPort: 0,
        handleSignals: false,
        ...(storageA === undefined
          ? {}
          : {
              tuning: { storageRetry: { attempts: storageA.attempts, initialDelayMs: 100, maxDelayMs: 100 } },
            }),
      });
    const proofApiA = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {
        ANCHORPOST_PLATFORM_ID: 'platform-a',
        ANCHORPOST_EVM_ANCHOR_CONTRACT: chain.contractAddress,
        ANCHORPOST_EVM_ANCHOR_SUBMITTERS: chain.owner.address,
      }),
      database: a.database,
      evm: { rpcUrls: [chain.anvil.rpcUrl], chainId: chain.anvil.chainId },
      logger: quiet('proof-api-a'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    closers.push(() => proofApiA.close());
    let parserA: RunningService | undefined = await startParserA();
    closers.push(async () => {
      await parserA?.close();
    });

    return {
      chain,
      a,
      relayLogA,
      b,
      batcherLogB,
      kuboA,
      kuboB,
      contractB,
      trustB,
      proofApiA,
      get parserA() {
        if (parserA === undefined) throw new Error("A's parser is stopped");
        return parserA;
      },
      parserLogA,
      async stopParserA() {
        const running = parserA;
        parserA = undefined;
        await running?.close();
      },
      async startParserA() {
        if (parserA !== undefined) throw new Error("A's parser is running already");
        parserA = await startParserA();
      },
      async prepare(text, group) {
        const bytes = await b.txFile(text, group);
        const recipient = parseTxFile(bytes).recipient.sha512hash;
        if (group === undefined) await a.administration.registerRecipient(a.tenant, recipient);
        return { bytes, recipient, group: b.groupOf(bytes) };
      },
      async submit(prepared) {
        const submitted = await fetch(`${b.service.urls.http!}/v1/tx-files`, {
          method: 'POST',
          headers: { 'content-type': 'application/yaml', ...b.auth },
          body: prepared.bytes,
        });
        if (submitted.status !== 201) throw new Error(`B's relay answered ${submitted.status}`);
        const { receipt } = (await submitted.json()) as { receipt: { cid: string } };
        return { ...prepared, cid: receipt.cid };
      },
      async anchorsOfB() {
        const logs = await chain.call<unknown[]>('eth_getLogs', [
          { address: contractB, fromBlock: '0x0', topics: [ANCHORED_TOPIC] },
        ]);
        return logs.length;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
