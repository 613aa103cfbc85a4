/**
 * The batcher keeps no state of its own: where it stands is the last `batch.sealed` record of its
 * platform. That record is keyed by the platform, so it sits on one partition; it is the last
 * record there carrying this platform (other platforms may share the partition).
 */
import { partitionForKey } from '@anchorpost/bus-port';
import type { Bus } from '@anchorpost/bus-port';
import { batchSealed, BATCH_SEALED_TOPIC } from '@anchorpost/events';
import type { BatchSealed } from '@anchorpost/events';

/** Records read per step while walking back past other platforms' records. */
const READ_BACK_STEP = 100;

export async function readLastBatchSealed(bus: Bus, platform: string): Promise<BatchSealed | null> {
  const ends = await bus.endOffsets(BATCH_SEALED_TOPIC);
  const partition = partitionForKey(platform, ends.length);
  let end = ends[partition] ?? 0;
  while (end > 0) {
    const from = Math.max(0, end - READ_BACK_STEP);
    const records = await bus.read(BATCH_SEALED_TOPIC, partition, from, end - from);
    for (let i = records.length - 1; i >= 0; i -= 1) {
      const record = records[i]!;
      if (record.key !== platform) continue;
      // A record of ours that does not decode is a broken chain: let it throw (not retryable).
      return batchSealed.decode(record.value);
    }
    end = from;
  }
  return null;
}
