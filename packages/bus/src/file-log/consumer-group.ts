import { setTimeout as sleep } from 'node:timers/promises';
import type { BusRecord } from '@anchorpost/bus-port';
import { backoffMs, deliverBatch } from '../delivery.ts';
import type { ResolvedSubscribeOptions } from '../subscribe-options.ts';
import type { GroupOffsets } from './group-offsets.ts';
import { GroupMember } from './group-member.ts';
import type { TopicLog } from './topic-log.ts';

export type DeadLetterSink = (record: BusRecord, error: unknown, attempts: number) => Promise<void>;

/**
 * A consumer group on one topic, in process. One worker per partition reads from the log at the
 * group's position (from disk, at its own pace: nothing is buffered for a slow member) and hands
 * each batch to the member that partition is assigned to — partition p to member p mod n, so
 * members split the partitions like Kafka group members, and a partition is never handled by two
 * members at once. Positions are committed after each handled batch.
 */
export class ConsumerGroup {
  readonly groupId: string;
  readonly topic: TopicLog;
  readonly offsets: GroupOffsets;
  private readonly deadLetter: DeadLetterSink;
  private readonly onEmpty: (group: ConsumerGroup) => void;
  private readonly members: GroupMember[] = [];
  private readonly stopping = new AbortController();
  private readonly workers: Promise<void>[] = [];
  private membersChanged = Promise.withResolvers<undefined>();

  private constructor(
    groupId: string,
    topic: TopicLog,
    offsets: GroupOffsets,
    deadLetter: DeadLetterSink,
    onEmpty: (group: ConsumerGroup) => void,
  ) {
    this.groupId = groupId;
    this.topic = topic;
    this.offsets = offsets;
    this.deadLetter = deadLetter;
    this.onEmpty = onEmpty;
  }

  /**
   * Fixes and commits the start of every partition the group has no position in (the first record
   * or the end), and clamps positions past the end (a log restored from an older copy).
   */
  static async start(
    groupId: string,
    topic: TopicLog,
    offsets: GroupOffsets,
    fromBeginning: boolean,
    deadLetter: DeadLetterSink,
    onEmpty: (group: ConsumerGroup) => void,
  ): Promise<ConsumerGroup> {
    let changed = false;
    for (const [partition, log] of topic.partitions.entries()) {
      const committed = offsets.get(partition);
      if (committed === null || committed > log.endOffset) {
        offsets.set(partition, committed === null && fromBeginning ? 0 : log.endOffset);
        changed = true;
      }
    }
    if (changed) await offsets.flush();
    return new ConsumerGroup(groupId, topic, offsets, deadLetter, onEmpty);
  }

  get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  join(options: ResolvedSubscribeOptions): GroupMember {
    const member = new GroupMember(options, (leaving) => this.leave(leaving));
    this.members.push(member);
    this.announceMembers();
    if (this.workers.length === 0) {
      for (let partition = 0; partition < this.topic.partitions.length; partition++) {
        // work() handles its own failures; this only keeps a bug from crashing the process unseen.
        this.workers.push(
          this.work(partition).catch((error: unknown) => {
            process.emitWarning(
              `bus consumer ${this.groupId} stopped on partition ${partition}: ${String(error)}`,
            );
          }),
        );
      }
    }
    return member;
  }

  /** Closes every member and stops (bus shutdown). */
  async close(): Promise<void> {
    await Promise.all([...this.members].map((member) => member.close()));
    await this.stopWhenEmpty();
  }

  private async leave(member: GroupMember): Promise<void> {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    member.abort();
    await member.settle();
    await this.stopWhenEmpty();
  }

  /** Without members the group stops and leaves the bus's registry; a later subscribe starts afresh. */
  private async stopWhenEmpty(): Promise<void> {
    if (this.members.length > 0 || this.stopped) return;
    this.stopping.abort();
    this.announceMembers();
    this.onEmpty(this);
    await Promise.allSettled(this.workers);
  }

  /** Wakes workers waiting for a member (or for the group to stop). */
  private announceMembers(): void {
    this.membersChanged.resolve(undefined);
    this.membersChanged = Promise.withResolvers<undefined>();
  }

  private async work(partition: number): Promise<void> {
    const log = this.topic.partitions[partition]!;
    const stop = this.stopping.signal;
    let position = this.offsets.get(partition) ?? 0;
    let readFailures = 0;
    while (!stop.aborted) {
      if (log.endOffset <= position) {
        await log.waitForRecords(position, stop);
        continue;
      }
      const member = this.members[partition % this.members.length];
      if (member === undefined) {
        // Between one member leaving and another joining: wait for the change.
        await this.membersChanged.promise;
        continue;
      }
      if (!(await member.acquire())) continue;
      try {
        let records;
        try {
          records = await log.read(position, member.options.maxBatchRecords);
          readFailures = 0;
        } catch (error) {
          readFailures += 1;
          try {
            member.options.onFailure?.({
              stage: 'read',
              error,
              records: [],
              attempt: readFailures,
              next: 'retry',
            });
          } catch {
            // A faulty observer must not stop the worker.
          }
          await sleep(backoffMs(member.options.policy, readFailures), undefined, {
            signal: member.signal,
          }).catch(() => undefined);
          continue;
        }
        const topic = this.topic.name;
        const batch: BusRecord[] = records.map((record) => ({ topic, partition, ...record }));
        await member.track(
          deliverBatch(batch, {
            handler: member.options.handler,
            policy: member.options.policy,
            signal: member.signal,
            commit: async (next) => {
              position = next;
              await this.offsets.commit(partition, next);
            },
            deadLetter: this.deadLetter,
            onFailure: member.options.onFailure,
          }),
        );
      } finally {
        member.release();
      }
    }
  }
}
