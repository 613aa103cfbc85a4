/**
 * A lease as the election sees it — the spec fields of a coordination.k8s.io/v1 Lease — and the
 * small API it lives behind (get, create, replace), which is all the election algorithm needs.
 * Writes are compare-and-swap on `version` (Kubernetes: metadata.resourceVersion): a write based
 * on a stale read fails with a 409 LeaseConflict, so two candidates never both win a round.
 */

export interface LeaseRecord {
  /** Empty when released. */
  readonly holderIdentity: string;
  /** How long the others wait, after they last saw the lease change, before taking it. */
  readonly leaseDurationSeconds: number;
  /** When the holder took it (ms since the epoch, by the holder's clock; informative only). */
  readonly acquireTime: number;
  /** The holder's last renewal (ms since the epoch, by the holder's clock; informative only). */
  readonly renewTime: number;
  /** How many times the holder changed. */
  readonly leaseTransitions: number;
  /** Opaque; changes with every write (resourceVersion). */
  readonly version: string;
}

export type LeaseSpec = Omit<LeaseRecord, 'version'>;

/**
 * 409 from the API: `Conflict` for a replace based on a stale version, `AlreadyExists` for a
 * create of a lease that exists. Either way another candidate wrote first: read again.
 */
export class LeaseConflict extends Error {
  override readonly name = 'LeaseConflict';
  readonly status = 409;
  readonly reason: 'Conflict' | 'AlreadyExists';
  constructor(reason: 'Conflict' | 'AlreadyExists', message: string) {
    super(message);
    this.reason = reason;
  }
}

/** 404 from the API: a replace of a lease that does not exist (deleted meanwhile). */
export class LeaseNotFound extends Error {
  override readonly name = 'LeaseNotFound';
  readonly status = 404;
}

/** The Lease endpoints the election uses: a Kubernetes Lease, a lease directory, a test double. */
export interface LeaseApi {
  /** Where the lease lives, for logs (e.g. `lease anchorpost/anchorpost-anchorer`). */
  readonly description: string;
  /** The lease, or undefined when it does not exist (404). */
  get(): Promise<LeaseRecord | undefined>;
  /** Creates it; LeaseConflict (AlreadyExists) when it exists. */
  create(spec: LeaseSpec): Promise<LeaseRecord>;
  /** Replaces it if it is still at `version`: LeaseConflict (Conflict) if not, LeaseNotFound if gone. */
  replace(version: string, spec: LeaseSpec): Promise<LeaseRecord>;
}
