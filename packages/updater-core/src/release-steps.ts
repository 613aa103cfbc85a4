/**
 * What the updater does for each proposal it follows, one step per run, by phase:
 *   created    a proposal that will never be queued (defeated, expired) is logged and dropped;
 *   queued     the review, and its verdict logged (during the review window);
 *   approved   while the registry is paused: held (logged once); else the release commit on the
 *              GitOps branch, after the manifest is fetched and verified again;
 *   committed  Argo CD followed until Synced and Healthy at that commit, then the running images'
 *              digests compared with the release's; a deploy that takes too long is logged stuck,
 *              one overtaken by a newer commit is closed as superseded.
 */
import type { ArgoCdApi } from './argo-cd.ts';
import type { DeployLogEntryInput } from './deploy-log.ts';
import { notify } from './updater-observer.ts';
import type { UpdaterObserver } from './updater-observer.ts';
import { reviewRelease, verifiedRelease } from './release-review.ts';
import type { ReleaseReviewDeps } from './release-review.ts';
import type { ReleaseProposalRecord, StoredVerdict, UpdaterStore } from './updater-store.ts';

export interface ReleaseStepDeps extends ReleaseReviewDeps {
  readonly store: UpdaterStore;
  readonly argoCd: ArgoCdApi;
  /** The Argo CD Application of prod (`anchorpost-prod`). */
  readonly application: string;
  readonly deployStuckAfterMs: number;
  readonly now: () => number;
  readonly observer?: UpdaterObserver;
}

const NEVER_QUEUED = new Set(['Defeated', 'Expired', 'Canceled']);

export async function stepProposal(deps: ReleaseStepDeps, record: ReleaseProposalRecord): Promise<void> {
  switch (record.phase) {
    case 'created':
      return dropIfNeverQueued(deps, record);
    case 'queued':
      await review(deps, record, record.queuedBlock!);
      return;
    case 'approved':
      return commit(deps, record);
    case 'committed':
      return followSync(deps, record);
    default:
      return;
  }
}

async function dropIfNeverQueued(deps: ReleaseStepDeps, record: ReleaseProposalRecord): Promise<void> {
  const state = await deps.chain.proposalState(record.proposalId);
  if (!NEVER_QUEUED.has(state)) return;
  await deps.store.save({ ...record, phase: 'ignored' }, [
    entry(record, 'ignored', 'ignored', state.toUpperCase(), {
      reason: `the proposal is ${state}: nothing to deploy`,
    }),
  ]);
}

function verdictEntry(record: ReleaseProposalRecord, verdict: StoredVerdict): DeployLogEntryInput {
  return entry(record, 'verdict', verdict.ok ? 'ok' : 'refused', verdict.code, {
    reason: verdict.reason,
    ...(verdict.pins === undefined ? {} : { pins: verdict.pins.join(' ') }),
  });
}

async function review(
  deps: ReleaseStepDeps,
  record: ReleaseProposalRecord,
  registryBlock: number,
): Promise<void> {
  const verdict = await reviewRelease(deps, record.approval!, registryBlock);
  await deps.store.save({ ...record, phase: verdict.ok ? 'reviewed' : 'refused', verdict }, [
    verdictEntry(record, verdict),
  ]);
}

async function commit(deps: ReleaseStepDeps, record: ReleaseProposalRecord): Promise<void> {
  const registry = await deps.chain.registry('latest');
  if (registry.paused) {
    if (record.waitingLogged !== 'held') {
      await deps.store.save({ ...record, waitingLogged: 'held' }, [
        entry(record, 'held', 'held', 'REGISTRY_PAUSED', {
          reason: 'the guardian paused the registry: no release is committed until the pause ends',
          pausedUntil: registry.pausedUntil.toString(),
        }),
      ]);
    }
    return;
  }
  // The version rule is checked against the registry before this release was approved.
  const registryBlock = record.queuedBlock ?? record.approvedBlock! - 1;
  let verdict = record.verdict;
  if (verdict === undefined) {
    // Queued and executed within one page of blocks (or before the updater started): review now.
    verdict = await reviewRelease(deps, record.approval!, registryBlock);
    if (!verdict.ok) {
      await deps.store.save({ ...record, phase: 'refused', verdict, waitingLogged: 'approved-refused' }, [
        verdictEntry(record, verdict),
        entry(record, 'commit', 'refused', verdict.code, {
          reason: 'approved on chain, but its review refused it: not deployed',
        }),
      ]);
      return;
    }
  }
  const approval = record.approval!;
  // Fetched and checked again: what is committed is what the vote approved, byte for byte.
  const { images } = await verifiedRelease(deps, approval, registryBlock);
  const result = await deps.gitops.commitRelease({
    proposalId: record.proposalId,
    manifestCid: approval.manifestCid,
    manifestSha256: approval.manifestSha256,
    version: approval.version,
    rollback: approval.rollback,
    images,
  });
  const committedAt = deps.now();
  const sinceApprovalMs = committedAt - (record.approvedSeenAt ?? committedAt);
  const rest = { ...record };
  delete rest.waitingLogged; // a hold while paused is over
  await deps.store.save({ ...rest, phase: 'committed', verdict, commit: result.commit, committedAt }, [
    entry(record, 'commit', 'ok', undefined, {
      commit: result.commit,
      manifest: approval.manifestCid,
      version: approval.version,
      pushAttempts: String(result.attempts),
      alreadyOnBranch: String(result.alreadyThere),
    }),
  ]);
  notify(deps.observer, 'committed', {
    proposalId: record.proposalId,
    commit: result.commit,
    sinceApprovalMs,
  });
  await supersede(deps, record.proposalId, result.commit);
}

/**
 * Releases committed before this one and not yet seen running never will be at their own commit:
 * Argo CD syncs the branch's tip. They are closed here instead of being followed until stuck.
 */
async function supersede(deps: ReleaseStepDeps, by: string, commit: string): Promise<void> {
  for (const older of await deps.store.openProposals()) {
    if (older.phase !== 'committed' || older.proposalId === by) continue;
    await deps.store.save({ ...older, phase: 'done' }, [
      entry(older, 'sync', 'ignored', 'SUPERSEDED', {
        reason: 'a newer release was committed before Argo CD ran this one',
        by,
        commit,
      }),
    ]);
  }
}

async function followSync(deps: ReleaseStepDeps, record: ReleaseProposalRecord): Promise<void> {
  const status = await deps.argoCd.application(deps.application);
  const commit = record.commit!;
  if (status.sync === 'Synced' && status.health === 'Healthy' && status.revision === commit) {
    const pins = record.verdict?.pins ?? [];
    const running = new Set(status.images);
    const pinnedNames = new Set(pins.map((pin) => pin.split('@')[0]!));
    const missing = pins.filter((pin) => !running.has(pin));
    const other = status.images.filter(
      (image) => pinnedNames.has(image.split('@')[0]!) && !pins.includes(image),
    );
    const match = missing.length === 0 && other.length === 0;
    await deps.store.save({ ...record, phase: 'done' }, [
      entry(record, 'sync', 'ok', undefined, {
        application: deps.application,
        revision: commit,
        health: status.health,
      }),
      entry(record, 'running', match ? 'ok' : 'mismatch', match ? undefined : 'RUNNING_DIGEST_MISMATCH', {
        running: [...status.images].sort().join(' '),
        ...(match ? {} : { missing: missing.join(' '), unexpected: other.join(' ') }),
      }),
    ]);
    return;
  }
  const waited = deps.now() - (record.committedAt ?? deps.now());
  if (waited > deps.deployStuckAfterMs && record.waitingLogged !== 'stuck') {
    await deps.store.save({ ...record, waitingLogged: 'stuck' }, [
      entry(record, 'stuck', 'stuck', 'DEPLOY_STUCK', {
        application: deps.application,
        waitedMs: String(waited),
        sync: status.sync,
        revision: status.revision ?? '',
        health: status.health,
      }),
    ]);
  }
}

function entry(
  record: ReleaseProposalRecord,
  step: DeployLogEntryInput['step'],
  outcome: DeployLogEntryInput['outcome'],
  code: string | undefined,
  detail: Record<string, string>,
): DeployLogEntryInput {
  return {
    proposalId: record.proposalId,
    step,
    outcome,
    ...(code === undefined ? {} : { code }),
    detail: { ...(record.approval === undefined ? {} : { version: record.approval.version }), ...detail },
  };
}
