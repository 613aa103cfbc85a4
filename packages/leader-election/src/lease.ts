/**
 * A lease as the election sees it — the fields of a coordination.k8s.io/v1 Lease spec — and the
 * store it lives in. Writes are compare-and-swap on `version` (Kubernetes: resourceVersion): a
 * write based on a stale read fails with LeaseConflict, so two candidates can never both win the
 * same round.
 */

export interface LeaseRecord {
  /** Empty when released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** When the holder took it (ms since the epoch), as the holder's clock says. */
  readonly acquireTime: number;
  /** The holder's last renewal (ms since the epoch), as the holder's clock says. */
  readonly renewTime: number;
  readonly leaseTransitions: number;
  /** Opaque; changes with every write. */
  readonly version: string;
}

export type LeaseSpec = Omit<LeaseRecord, 'version'>;

/** The store's write lost a race (409 Conflict / AlreadyExists): read again. */
export class LeaseConflict extends Error {
  override readonly name = 'LeaseConflict';
}

export interface LeaseStore {
  /** Where the lease lives, for logs (e.g. `lease anchorpost/anchorer-evm-31337`). */
  readonly description: string;
  /** The lease, or undefined when it does not exist yet. */
  get(): Promise<LeaseRecord | undefined>;
  /** Creates it; LeaseConflict when it exists. */
  create(spec: LeaseSpec): Promise<LeaseRecord>;
  /** Replaces it if it is still at `version`; LeaseConflict otherwise. */
  replace(version: string, spec: LeaseSpec): Promise<LeaseRecord>;
}
