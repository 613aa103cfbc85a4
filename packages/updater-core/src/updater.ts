/**
 * The updater's engine: each run follows the vote to the newest block at confirmation depth,
 * then takes the next step of every open proposal (release-steps.ts). A step that fails in a way
 * that may pass later is reported and tried again on the next run; the others are not held up.
 * `start()` runs in the background every `pollIntervalMs` until `stop()` — the service calls
 * them when this replica's leader term begins and ends, so one updater writes at a time. With
 * `anchoring`, each run ends by sending the deploy log's new records through the relay.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { TrustedKey } from '@anchorpost/release';
import type { ContentStore } from '@anchorpost/storage-port';
import type { ArgoCdApi } from './argo-cd.ts';
import { anchorDeployLog } from './deploy-log-anchoring.ts';
import type { DeployLogWriter, TxFileSubmitter } from './deploy-log-anchoring.ts';
import type { GovernanceChain } from './governance-chain.ts';
import { followGovernance } from './governance-follower.ts';
import type { GitOpsRepository } from './gitops-repository.ts';
import type { ReleaseDryRun } from './release-dry-run.ts';
import { stepProposal } from './release-steps.ts';
import type { ReleaseStepDeps } from './release-steps.ts';
import { notify } from './updater-observer.ts';
import type { UpdaterObserver } from './updater-observer.ts';
import type { UpdaterStore } from './updater-store.ts';

export interface UpdaterOptions {
  readonly chain: GovernanceChain;
  readonly store: UpdaterStore;
  readonly content: ContentStore;
  readonly gitops: GitOpsRepository;
  readonly dryRun: ReleaseDryRun;
  readonly argoCd: ArgoCdApi;
  /** The keys image provenance must be signed with. */
  readonly trustedKeys: readonly TrustedKey[];
  /** Default `anchorpost-prod`. */
  readonly application?: string;
  /** The first block to read (the Governor's deployment). */
  readonly startBlock: number;
  /** The parser's trusted depth: a log is read once it has this many confirmations. */
  readonly trustedDepth: number;
  /** Default 2,000. */
  readonly pageBlocks?: number;
  /** Default 64. */
  readonly reorgRewindBlocks?: number;
  /** Default 5 s. */
  readonly pollIntervalMs?: number;
  /** Default 15 minutes. */
  readonly deployStuckAfterMs?: number;
  /** Default 30 s. */
  readonly storageTimeoutMs?: number;
  readonly now?: () => number;
  readonly observer?: UpdaterObserver;
  /** Where the deploy log's records go as tx-files, to be anchored (deploy-log-anchoring.ts). */
  readonly anchoring?: { readonly writer: DeployLogWriter; readonly relay: TxFileSubmitter };
}

export class Updater {
  readonly #o: UpdaterOptions;
  readonly #steps: ReleaseStepDeps;
  #queue: Promise<unknown> = Promise.resolve();
  #controller: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: UpdaterOptions) {
    const store = observedStore(options.store, options.observer);
    this.#o = { ...options, store };
    this.#steps = {
      ...options,
      store,
      application: options.application ?? 'anchorpost-prod',
      deployStuckAfterMs: options.deployStuckAfterMs ?? 15 * 60_000,
      storageTimeoutMs: options.storageTimeoutMs ?? 30_000,
      now: options.now ?? Date.now,
    };
  }

  /** One run: follow the chain, then one step for each open proposal. Runs never overlap. */
  runOnce(): Promise<void> {
    const run = this.#queue.then(() => this.#run());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  start(): void {
    if (this.#loop !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#loop = this.#background(controller.signal);
  }

  async stop(): Promise<void> {
    this.#controller?.abort();
    const loop = this.#loop;
    this.#loop = undefined;
    await loop;
    await this.#queue;
  }

  async #background(signal: AbortSignal): Promise<void> {
    const interval = this.#o.pollIntervalMs ?? 5_000;
    let failures = 0;
    while (!signal.aborted) {
      try {
        await this.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        notify(this.#o.observer, 'stepFailed', { proposalId: '-', phase: 'follow', error });
      }
      const delay = Math.min(60_000, interval * 2 ** Math.min(failures, 6));
      await sleepFor(delay, undefined, { signal }).catch(() => undefined);
    }
  }

  async #run(): Promise<void> {
    const o = this.#o;
    await followGovernance({
      chain: o.chain,
      store: o.store,
      startBlock: o.startBlock,
      trustedDepth: o.trustedDepth,
      pageBlocks: o.pageBlocks ?? 2_000,
      reorgRewindBlocks: o.reorgRewindBlocks ?? 64,
      now: this.#steps.now,
      ...(o.observer === undefined ? {} : { observer: o.observer }),
    });
    for (const record of await o.store.openProposals()) {
      try {
        await stepProposal(this.#steps, record);
      } catch (error) {
        notify(o.observer, 'stepFailed', { proposalId: record.proposalId, phase: record.phase, error });
      }
    }
    if (o.anchoring !== undefined) {
      try {
        const sent = await anchorDeployLog(o.store, o.anchoring.writer, o.anchoring.relay);
        if (sent > 0) notify(o.observer, 'anchored', { sent });
      } catch (error) {
        notify(o.observer, 'stepFailed', { proposalId: '-', phase: 'anchor', error });
      }
    }
  }
}

/** The store, with every appended deploy-log record reported to the observer. */
function observedStore(store: UpdaterStore, observer: UpdaterObserver | undefined): UpdaterStore {
  if (observer === undefined) return store;
  return {
    cursor: () => store.cursor(),
    saveCursor: (cursor) => store.saveCursor(cursor),
    proposal: (id) => store.proposal(id),
    openProposals: () => store.openProposals(),
    deployLog: (afterSeq) => store.deployLog(afterSeq),
    deployLogTxFiles: (afterSeq) => store.deployLogTxFiles(afterSeq),
    addDeployLogTxFile: (file) => store.addDeployLogTxFile(file),
    markDeployLogTxFileSubmitted: (seq) => store.markDeployLogTxFileSubmitted(seq),
    async save(record, entries) {
      const appended = await store.save(record, entries);
      for (const entry of appended) notify(observer, 'recorded', entry);
      return appended;
    },
  };
}
