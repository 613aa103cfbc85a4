/**
 * The port to the GitOps repository's release branch: a throw-away checkout of its tip (for the
 * dry run), and the release commit itself — idempotent by its `Anchorpost-Proposal:` trailer.
 */
import type { ImagePin } from './prod-overlay.ts';

export interface ReleaseChange {
  readonly proposalId: string;
  readonly manifestCid: string;
  readonly manifestSha256: string;
  readonly version: string;
  readonly rollback: boolean;
  /** Every image of the manifest (repository and digest). */
  readonly images: readonly ImagePin[];
}

export interface ReleaseCommit {
  readonly commit: string;
  /** The branch had a commit with this proposal's trailer already: nothing was pushed. */
  readonly alreadyThere: boolean;
  /** Push attempts (more than 1 when someone else's commit had to be fetched and built upon). */
  readonly attempts: number;
  readonly pinned: readonly ImagePin[];
  readonly unlisted: readonly string[];
}

export interface GitOpsRepository {
  /** Runs `use` on a fresh checkout of the branch's tip, removed afterwards. */
  withCheckout<T>(use: (dir: string, commit: string) => Promise<T>): Promise<T>;
  /** The commit on the branch whose `Anchorpost-Proposal:` trailer names this proposal. */
  findReleaseCommit(proposalId: string): Promise<string | undefined>;
  commitRelease(change: ReleaseChange): Promise<ReleaseCommit>;
}

export const PROPOSAL_TRAILER = 'Anchorpost-Proposal';
export const MANIFEST_TRAILER = 'Anchorpost-Manifest';

/** The commit message: what changed and why, then the trailers that make the commit findable. */
export function releaseCommitMessage(change: ReleaseChange, pinned: readonly ImagePin[]): string {
  const kind = change.rollback ? 'rollback to' : 'release';
  return [
    `prod: ${kind} version ${change.version}, as approved on chain`,
    '',
    `The DAO approved the release manifest ${change.manifestCid}`,
    `(sha256 ${change.manifestSha256}); the prod overlay now pins its digests:`,
    ...pinned.map((pin) => `  ${pin.name}@${pin.digest}`),
    '',
    `${PROPOSAL_TRAILER}: ${change.proposalId}`,
    `${MANIFEST_TRAILER}: ${change.manifestCid}`,
    '',
  ].join('\n');
}
