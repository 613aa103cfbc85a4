/**
 * The embedded fallback, off Kubernetes: the lease as a JSON file on one machine's disk, so that
 * two replicas started side by side (e.g. two anchorer processes) still elect one writer. Each
 * read-modify-write holds a short mutex (an exclusive `mkdir`, atomic on POSIX file systems), and
 * the file is replaced by rename, so a reader never sees half a lease.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseConflict } from './lease.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from './lease.ts';

/** A mutex older than this was left by a crashed process. */
const STALE_MUTEX_MS = 5_000;

export class FileLeaseStore implements LeaseStore {
  readonly description: string;
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
    this.description = `lease file ${path}`;
  }

  async get(): Promise<LeaseRecord | undefined> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as LeaseRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  create(spec: LeaseSpec): Promise<LeaseRecord> {
    return this.#locked(async () => {
      if ((await this.get()) !== undefined) throw new LeaseConflict(`${this.description} exists`);
      return this.#write(spec, 1);
    });
  }

  replace(version: string, spec: LeaseSpec): Promise<LeaseRecord> {
    return this.#locked(async () => {
      const current = await this.get();
      if (current?.version !== version)
        throw new LeaseConflict(`${this.description}: version ${version} is stale`);
      return this.#write(spec, Number(version) + 1);
    });
  }

  async #write(spec: LeaseSpec, version: number): Promise<LeaseRecord> {
    const record: LeaseRecord = { ...spec, version: String(version) };
    const temp = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(record), { mode: 0o600 });
    await rename(temp, this.#path);
    return record;
  }

  async #locked<T>(work: () => Promise<T>): Promise<T> {
    const mutex = `${this.#path}.mutex`;
    await mkdir(dirname(this.#path), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(mutex);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(mutex).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_MUTEX_MS) await rm(mutex, { recursive: true, force: true });
        else if (attempt > 50) throw new LeaseConflict(`${this.description}: busy`);
        else await sleep(10);
      }
    }
    try {
      return await work();
    } finally {
      await rm(mutex, { recursive: true, force: true });
    }
  }
}
