import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BusError, BusErrorCode } from '@anchorpost/bus-port';
import { syncDirectory, writeFileAtomic } from './durable-files.ts';
import { PartitionLog, type PartitionLogOptions } from './partition-log.ts';

const META_FILE = 'topic.json';
/** Topic directories being created start with a dot (no topic name does) and are removed on open. */
export const UNFINISHED_TOPIC_PREFIX = '.creating-';

interface TopicMeta {
  readonly version: 1;
  readonly topic: string;
  readonly partitions: number;
}

/** A topic on disk: `topics/<name>/topic.json` and one directory of segments per partition. */
export class TopicLog {
  readonly name: string;
  readonly partitions: readonly PartitionLog[];

  private constructor(name: string, partitions: readonly PartitionLog[]) {
    this.name = name;
    this.partitions = partitions;
  }

  /**
   * Lays the topic out in a hidden directory, makes it durable, then renames it into place, so a
   * crash leaves either the whole topic or nothing that counts.
   */
  static async create(
    topicsDir: string,
    name: string,
    partitions: number,
    options: PartitionLogOptions,
  ): Promise<TopicLog> {
    const unfinished = join(topicsDir, `${UNFINISHED_TOPIC_PREFIX}${name}-${randomBytes(4).toString('hex')}`);
    await mkdir(unfinished);
    try {
      for (let partition = 0; partition < partitions; partition++) {
        const dir = join(unfinished, String(partition));
        await mkdir(dir);
        await PartitionLog.create(dir);
        await syncDirectory(dir);
      }
      const meta: TopicMeta = { version: 1, topic: name, partitions };
      await writeFileAtomic(join(unfinished, META_FILE), `${JSON.stringify(meta)}\n`);
      await rename(unfinished, join(topicsDir, name));
    } catch (error) {
      await rm(unfinished, { recursive: true, force: true });
      throw error;
    }
    await syncDirectory(topicsDir);
    return TopicLog.open(join(topicsDir, name), name, options);
  }

  static async open(dir: string, name: string, options: PartitionLogOptions): Promise<TopicLog> {
    const meta = parseMeta(await readFile(join(dir, META_FILE), 'utf8'), name);
    const partitions: PartitionLog[] = [];
    for (let partition = 0; partition < meta.partitions; partition++) {
      partitions.push(await PartitionLog.open(join(dir, String(partition)), options));
    }
    return new TopicLog(name, partitions);
  }

  async close(): Promise<void> {
    for (const partition of this.partitions) await partition.close();
  }
}

function parseMeta(text: string, name: string): TopicMeta {
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw new BusError(BusErrorCode.Corrupt, `topic ${name}: ${META_FILE} is not JSON`, { cause: error });
  }
  if (
    typeof meta !== 'object' ||
    meta === null ||
    !('topic' in meta) ||
    !('partitions' in meta) ||
    meta.topic !== name ||
    typeof meta.partitions !== 'number' ||
    !Number.isSafeInteger(meta.partitions) ||
    meta.partitions < 1
  ) {
    throw new BusError(BusErrorCode.Corrupt, `topic ${name}: ${META_FILE} does not describe this topic`);
  }
  return { version: 1, topic: name, partitions: meta.partitions };
}
