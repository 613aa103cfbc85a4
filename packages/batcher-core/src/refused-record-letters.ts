/**
 * Refused records go to `anchorpost.tx-file.accepted.v1.dlq` as the bus dead-letters a record: the
 * same key, value and headers, plus the `anchorpost-dlq-*` headers, the reason as
 * `anchorpost-dlq-error-code`. Published right before the batch that covers them is announced, so
 * a crash in between publishes them again on the re-run (at least once; the original topic,
 * partition and offset headers tell repeats apart). Only notes are kept per refusal: each record
 * is read back from the bus when its letter is written.
 */
import { deadLetterMessage, deadLetterTopic } from '@anchorpost/bus-port';
import type { Bus, BusMessage } from '@anchorpost/bus-port';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { BatcherError, BatcherErrorCode } from './batcher-error.ts';
import { RecordRefusedError } from './record-refusal.ts';
import type { RecordRefusal } from './record-refusal.ts';

export const TX_FILE_ACCEPTED_DLQ_TOPIC = deadLetterTopic(TX_FILE_ACCEPTED_TOPIC);

/** Letters per publish: each carries a record of up to ~1.4 MB. */
const LETTERS_PER_PUBLISH = 16;

/** The `anchorpost-dlq-group-id` of the batcher's letters (it reads by offset, in no consumer group). */
export function batcherLetterGroup(platform: string): string {
  return `anchorpost-batcher.${platform}`;
}

export async function publishRefusals(
  bus: Bus,
  refusals: readonly RecordRefusal[],
  groupId: string,
): Promise<void> {
  if (refusals.length === 0) return;
  // The letter keeps its record's key, so it lands on the same partition number: same count.
  const partitions = (await bus.endOffsets(TX_FILE_ACCEPTED_TOPIC)).length;
  await bus.ensureTopic(TX_FILE_ACCEPTED_DLQ_TOPIC, { partitions });
  for (let from = 0; from < refusals.length; from += LETTERS_PER_PUBLISH) {
    const letters: BusMessage[] = [];
    for (const refusal of refusals.slice(from, from + LETTERS_PER_PUBLISH)) {
      const [record] = await bus.read(TX_FILE_ACCEPTED_TOPIC, refusal.partition, refusal.offset, 1);
      if (record?.offset !== refusal.offset) {
        throw new BatcherError(
          BatcherErrorCode.BadState,
          `refused record ${refusal.partition}/${refusal.offset} is no longer on the bus`,
          false,
        );
      }
      letters.push(deadLetterMessage(record, groupId, new RecordRefusedError(refusal), 1));
    }
    await bus.publish(TX_FILE_ACCEPTED_DLQ_TOPIC, letters);
  }
}
