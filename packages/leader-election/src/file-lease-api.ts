/**
 * The embedded fallback, off Kubernetes (ANCHORPOST_LEADER_ELECTION=embedded): the lease as a JSON
 * file on one machine's disk, so replicas sharing that disk (processes side by side, containers
 * on one volume) elect one writer with the very algorithm they would use on a Kubernetes Lease.
 * Each compare-and-swap runs under a short mutex — an exclusive `mkdir`, atomic on POSIX file
 * systems — and the file is replaced by rename, so a reader never sees half a lease.
 *
 * Why not the one-owner pid lock of the embedded database (runtime's lockEmbeddedDatabase): a
 * pid says whether its process lives only inside one pid namespace (not across containers, and
 * pid 1 is every container's), and taking over a dead owner's file (remove, then create) lets two
 * waiters both win. A lease needs no pid: a holder that stops renewing is replaced after the lease
 * duration, whatever killed it.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LeaseConflict, LeaseNotFound } from './lease.ts';
import type { LeaseApi, LeaseRecord, LeaseSpec } from './lease.ts';

/** A mutex older than this was left by a process that died inside the few ms it holds it. */
const STALE_MUTEX_MS = 5_000;
const MUTEX_ATTEMPTS = 200;
const MUTEX_WAIT_MS = 5;

export class FileLeaseApi implements LeaseApi {
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
      if ((await this.get()) !== undefined)
        throw new LeaseConflict('AlreadyExists', `${this.description} already exists`);
      return this.#write(spec, 1);
    });
  }

  replace(version: string, spec: LeaseSpec): Promise<LeaseRecord> {
    return this.#locked(async () => {
      const current = await this.get();
      if (current === undefined) throw new LeaseNotFound(`${this.description} not found`);
      if (current.version !== version)
        throw new LeaseConflict('Conflict', `${this.description}: version ${version} is stale`);
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
        else if (attempt >= MUTEX_ATTEMPTS) throw new LeaseConflict('Conflict', `${this.description}: busy`);
        else await sleep(MUTEX_WAIT_MS);
      }
    }
    try {
      return await work();
    } finally {
      await rm(mutex, { recursive: true, force: true });
    }
  }
}
