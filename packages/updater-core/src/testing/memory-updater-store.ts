/**
 * A test double of the UpdaterStore port, in memory: what the core's tests run on, and the
 * reference the PostgreSQL adapter is held to by the same contract suite. Never used by a service.
 */
import { chainDeployLogEntry } from '../deploy-log.ts';
import type { DeployLogEntry } from '../deploy-log.ts';
import type { DeployLogTxFile } from '../deploy-log-anchoring.ts';
import { FINAL_PHASES } from '../updater-store.ts';
import type { FollowCursor, ReleaseProposalRecord, UpdaterStore } from '../updater-store.ts';

export class MemoryUpdaterStoreTestDouble implements UpdaterStore {
  #cursor: FollowCursor | undefined;
  readonly #proposals = new Map<string, { record: ReleaseProposalRecord; order: number }>();
  readonly #log: DeployLogEntry[] = [];
  readonly #files = new Map<number, DeployLogTxFile>();
  #order = 0;

  cursor(): Promise<FollowCursor | undefined> {
    return Promise.resolve(this.#cursor);
  }

  saveCursor(cursor: FollowCursor): Promise<void> {
    this.#cursor = { ...cursor };
    return Promise.resolve();
  }

  proposal(proposalId: string): Promise<ReleaseProposalRecord | undefined> {
    const found = this.#proposals.get(proposalId);
    return Promise.resolve(found === undefined ? undefined : structuredClone(found.record));
  }

  openProposals(): Promise<readonly ReleaseProposalRecord[]> {
    const open = [...this.#proposals.values()]
      .filter(({ record }) => !FINAL_PHASES.has(record.phase))
      .sort((a, b) => a.order - b.order)
      .map(({ record }) => structuredClone(record));
    return Promise.resolve(open);
  }

  save(
    record: ReleaseProposalRecord,
    entries: Parameters<UpdaterStore['save']>[1] = [],
  ): Promise<readonly DeployLogEntry[]> {
    const order = this.#proposals.get(record.proposalId)?.order ?? ++this.#order;
    this.#proposals.set(record.proposalId, { record: structuredClone(record), order });
    const appended = entries.map((input) => {
      const entry = chainDeployLogEntry(this.#log.at(-1), input, new Date());
      this.#log.push(entry);
      return entry;
    });
    return Promise.resolve(appended);
  }

  deployLog(afterSeq = 0): Promise<readonly DeployLogEntry[]> {
    return Promise.resolve(
      this.#log.filter((entry) => entry.seq > afterSeq).map((entry) => structuredClone(entry)),
    );
  }

  deployLogTxFiles(afterSeq = 0): Promise<readonly DeployLogTxFile[]> {
    return Promise.resolve(
      [...this.#files.values()]
        .filter((file) => file.seq > afterSeq)
        .sort((a, b) => a.seq - b.seq)
        .map((file) => structuredClone(file)),
    );
  }

  addDeployLogTxFile(file: DeployLogTxFile): Promise<void> {
    if (!this.#files.has(file.seq)) this.#files.set(file.seq, structuredClone(file));
    return Promise.resolve();
  }

  markDeployLogTxFileSubmitted(seq: number): Promise<void> {
    const file = this.#files.get(seq);
    if (file !== undefined) this.#files.set(seq, { ...file, submitted: true });
    return Promise.resolve();
  }
}
