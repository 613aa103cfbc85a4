/**
 * "Is image digest X the voted one, and since when does it run", answered from the deploy log:
 * the release that pinned it is a `verdict ok` record listing `<image>@sha256:X` in its pins and
 * the `commit ok` record of the same proposal (approved on chain and committed to the GitOps
 * branch); since when it runs is the first `running` record after that commit listing it among
 * the digests Argo CD reported. The earliest such release is the answer: a digest carried over
 * unchanged by later releases has run since the first.
 */
import type { DeployLogEntry } from './deploy-log.ts';

/** A digest as the route and the command take it: 64 lowercase hex, with or without `sha256:`. */
export const IMAGE_DIGEST = /^(?:sha256:)?([0-9a-f]{64})$/;

export interface DigestRelease {
  /** The review that pinned the digest. */
  readonly verdict: DeployLogEntry;
  /** The commit of the approved release, same proposal. */
  readonly commit: DeployLogEntry;
  /** The first `running` record naming the digest after the commit; undefined: never seen running. */
  readonly running: DeployLogEntry | undefined;
}

/** Whether a space-separated list of `image@sha256:hex` names `digestHex`. */
export function namesDigest(list: string | undefined, digestHex: string): boolean {
  const suffix = `@sha256:${digestHex}`;
  return (list ?? '').split(' ').some((image) => image.endsWith(suffix));
}

/**
 * The release of `digestHex` among `entries` (records in sequence order; the verdicts and running
 * records naming it and the commits of their proposals are enough), or undefined when no approved
 * and committed release pinned it.
 */
export function findDigestRelease(
  entries: readonly DeployLogEntry[],
  digestHex: string,
): DigestRelease | undefined {
  const commits = new Map<string, DeployLogEntry>();
  for (const entry of entries) {
    if (entry.step === 'commit' && entry.outcome === 'ok' && !commits.has(entry.proposalId)) {
      commits.set(entry.proposalId, entry);
    }
  }
  let found: { verdict: DeployLogEntry; commit: DeployLogEntry } | undefined;
  for (const entry of entries) {
    if (entry.step !== 'verdict' || entry.outcome !== 'ok' || !namesDigest(entry.detail.pins, digestHex))
      continue;
    const commit = commits.get(entry.proposalId);
    if (commit !== undefined && (found === undefined || commit.seq < found.commit.seq)) {
      found = { verdict: entry, commit };
    }
  }
  if (found === undefined) return undefined;
  const running = entries.find(
    (entry) =>
      entry.step === 'running' &&
      entry.seq > found.commit.seq &&
      namesDigest(entry.detail.running, digestHex),
  );
  return { ...found, running };
}
