import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BusError, BusErrorCode } from '@anchorpost/bus-port';
import { isMissing, syncDirectory, writeFileAtomic } from './durable-files.ts';

interface OffsetsFile {
  readonly version: 1;
  readonly groupId: string;
  readonly topic: string;
  /** Next offset to consume per partition; null where the group never committed. */
  readonly offsets: (number | null)[];
}

/**
 * A consumer group's committed offsets for one topic: `groups/<groupId>/<topic>.json`, replaced
 * atomically on every commit. Commits that arrive while a write is on disk are coalesced into
 * the next write, so many partitions committing at once cost one or two fsyncs.
 */
export class GroupOffsets {
  private readonly path: string;
  private readonly groupId: string;
  private readonly topic: string;
  private readonly offsets: (number | null)[];
  private version = 0;
  private writtenVersion = 0;
  private writing: Promise<void> | null = null;

  private constructor(path: string, groupId: string, topic: string, offsets: (number | null)[]) {
    this.path = path;
    this.groupId = groupId;
    this.topic = topic;
    this.offsets = offsets;
  }

  static async load(
    groupsDir: string,
    groupId: string,
    topic: string,
    partitions: number,
  ): Promise<GroupOffsets> {
    const path = join(groupsDir, groupId, `${topic}.json`);
    const offsets: (number | null)[] = Array.from({ length: partitions }, () => null);
    let text: string | null = null;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    if (text !== null) {
      const stored = parse(text, path);
      stored.forEach((offset, partition) => {
        if (partition < partitions) offsets[partition] = offset;
      });
    }
    return new GroupOffsets(path, groupId, topic, offsets);
  }

  get(partition: number): number | null {
    return this.offsets[partition] ?? null;
  }

  set(partition: number, offset: number): void {
    this.offsets[partition] = offset;
  }

  /** Sets and durably stores the next offset to consume in `partition`. */
  async commit(partition: number, offset: number): Promise<void> {
    this.set(partition, offset);
    await this.flush();
  }

  /** Resolves once a write that includes every change made so far is on disk. */
  async flush(): Promise<void> {
    this.version += 1;
    const wanted = this.version;
    while (this.writtenVersion < wanted) {
      if (this.writing === null) {
        const version = this.version;
        const file: OffsetsFile = {
          version: 1,
          groupId: this.groupId,
          topic: this.topic,
          offsets: [...this.offsets],
        };
        this.writing = this.write(`${JSON.stringify(file)}\n`)
          .then(() => {
            this.writtenVersion = Math.max(this.writtenVersion, version);
          })
          .finally(() => {
            this.writing = null;
          });
      }
      await this.writing;
    }
  }

  private async write(text: string): Promise<void> {
    try {
      await writeFileAtomic(this.path, text);
    } catch (error) {
      if (!isMissing(error)) throw error;
      // First commit of this group: create its directory, durably, and write again.
      await mkdir(dirname(this.path), { recursive: true });
      await syncDirectory(dirname(dirname(this.path)));
      await writeFileAtomic(this.path, text);
    }
  }
}

function parse(text: string, path: string): (number | null)[] {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch (error) {
    throw new BusError(BusErrorCode.Corrupt, `${path} is not JSON`, { cause: error });
  }
  if (typeof file !== 'object' || file === null || !('offsets' in file) || !Array.isArray(file.offsets)) {
    throw new BusError(BusErrorCode.Corrupt, `${path} holds no offsets`);
  }
  return file.offsets.map((offset: unknown) => {
    if (offset === null) return null;
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
    throw new BusError(BusErrorCode.Corrupt, `${path} holds an invalid offset ${JSON.stringify(offset)}`);
  });
}
