// What the scenario's phases share, named: the system under test (however it is deployed), the
// load built for it, and what each phase produced for the ones after it.
import type { GroupKeys, PrivateIdentity } from '@anchorpost/protocol';
import type { Receipt, Subscriber } from '../clients.ts';

/**
 * The Ergo heights the tx-files name as `trustedblock`: an Ergo-enabled system's chain must have
 * these blocks (the Ergo test double starts its chain at `from`), and the files name their real
 * ids, read from its node, so that a verifier finds them there ("sent after" is checked).
 */
export const TRUSTED_BLOCK_HEIGHTS = { from: 1_999_990, count: 10 } as const;

/** The rows of the index that a rebuild must restore exactly. */
export type IndexRows = Record<'batches' | 'batchEntries' | 'txFiles' | 'anchors', unknown[]>;

/** A running platform, however it is deployed. URLs are read anew: they may change on a restart. */
export interface SystemUnderTest {
  /** The relay the i-th file is submitted to. */
  submitUrl(i: number): string;
  /** The relay the k-th subscriber listens on. */
  subscribeUrl(k: number): string;
  grpcAddress(): string;
  proofApiUrl(): string;
  evmRpc(): string;
  contractAddress(): string;
  /** The auditor's trust file: the platform's trust roots (its trust.json, or GET /v1/trust-roots saved). */
  trustFile(): Promise<string>;
  /** When the system anchors on Ergo too (the Ergo node test double). */
  readonly ergo?: {
    nodeUrl(): string;
    tokenId(): string;
    /** ANCHORPOST_ERGO_START_HEIGHT: the marker's first block. */
    startHeight(): number;
    /** Rolls the Ergo chain back `blocks` blocks, dropping their transactions. */
    rollback(blocks: number): Promise<void>;
    /** The relays check the blocks each tx-file names on this chain (ANCHORPOST_RELAY_ERGO_NODE_URL). */
    readonly relayChecksBlocks: boolean;
  };
  /** SIGKILL, with requests in flight, and start again on the same state. */
  crash(): Promise<void>;
  /** Stops everything that writes the index, asserting a clean exit (0) on SIGTERM. */
  stopCleanly(): Promise<void>;
  dumpIndex(): Promise<IndexRows>;
  /** Empties the index and restores it from the chain and storage alone, as an operator does. */
  rebuildIndex(): Promise<void>;
  /** Stops whatever still runs; nothing may outlive the test. */
  close(): Promise<void>;
}

export interface Client {
  tenant: string;
  app: PrivateIdentity;
  /** The tenant's API key, which its callers send. */
  apiKey: string;
}

export interface Group {
  name: string;
  keys: GroupKeys;
  /** The group's recipient hash, as its files name it. */
  hash: string;
  members: string[];
}

/** The load the scenario sends: every tx-file, built before the first phase. */
export interface Load {
  readonly clients: readonly Client[];
  readonly groups: readonly Group[];
  readonly files: readonly { bytes: Uint8Array; client: Client; group: number }[];
  /** A new tx-file from the first client to the first group (for checks after the load). */
  buildFreshFile(): Uint8Array;
  /** With Ergo on: a registered app's file naming a made-up trustedblock id (for the relays' check). */
  readonly madeUpBlockFile: Uint8Array | undefined;
}

/** What every phase is given: the working folder, the running system and the load. */
export interface Scene {
  readonly dir: string;
  readonly system: SystemUnderTest;
  readonly load: Load;
}

/**
 * The scenario's state, written only by the scenario (scenario.ts) from what each phase returns.
 * A field left undefined means its phase has not completed: the phases that need it are skipped.
 */
export interface ScenarioState {
  scene?: Scene;
  /** The send phase's receipts, by CID: one per file of the load. */
  receipts?: ReadonlyMap<string, Receipt>;
  /** Subscribers the send phase opened; stopped at the end, whatever failed. */
  readonly subscribers: Subscriber[];
  /** Files sent after the load (by the rollback phase): the index holds them too. */
  readonly extra: Receipt[];
}
