/**
 * A TEST DOUBLE of the Kubernetes API server's Lease endpoints, faithful in what the election
 * relies on: one object per name, a resourceVersion that changes with every write, 409 Conflict
 * for a replace based on a stale resourceVersion, 409 AlreadyExists for a second create, 404 for
 * a read of nothing. Several candidates share one `MemoryLeaseServer` as pods share the API server;
 * `down` makes every call fail, as an unreachable API server does.
 */
import { LeaseConflict } from '../lease.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from '../lease.ts';

export class MemoryLeaseServer {
  #record: LeaseRecord | undefined;
  #version = 0;
  /** Every successful write, oldest first (for assertions). */
  readonly writes: LeaseRecord[] = [];
  down = false;

  store(name = 'lease'): LeaseStore & { cut: boolean } {
    const call = <T>(op: () => T): Promise<T> => this.#call(op, () => handle.cut);
    const handle = {
      cut: false,
      description: `memory lease ${name} (test double)`,
      get: () => call(() => this.#record),
      create: (spec: LeaseSpec) =>
        call(() => {
          if (this.#record !== undefined) throw new LeaseConflict(`lease ${name} already exists`);
          return this.#write(spec);
        }),
      replace: (version: string, spec: LeaseSpec) =>
        call(() => {
          if (this.#record === undefined) throw new Error(`lease ${name} not found`);
          if (this.#record.version !== version) {
            throw new LeaseConflict(
              `lease ${name}: resourceVersion ${version} is stale (now ${this.#record.version})`,
            );
          }
          return this.#write(spec);
        }),
    };
    return handle;
  }

  get current(): LeaseRecord | undefined {
    return this.#record;
  }

  #write(spec: LeaseSpec): LeaseRecord {
    this.#version += 1;
    this.#record = { ...spec, version: String(this.#version) };
    this.writes.push(this.#record);
    return this.#record;
  }

  async #call<T>(op: () => T, cut: () => boolean): Promise<T> {
    // A round trip: other candidates' calls may interleave, as over HTTP.
    await Promise.resolve();
    if (this.down || cut()) throw new Error('the API server is unreachable (test double)');
    return op();
  }
}
