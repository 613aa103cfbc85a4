/**
 * Follows the Governor and the registry from a persisted cursor, reading only blocks at
 * confirmation depth (the parser's trusted depth): an event in a newer block — an execute that a
 * reorg may still undo — is not seen yet, so a reorg above that depth changes nothing. A deeper
 * reorg shows as the cursor's block hash no longer canonical; the follower then steps back and
 * reads again. Applying an event only moves a proposal forward, so reading a block twice (after a
 * crash before the cursor was saved, or a rewind) changes nothing either.
 */
import type { GovernanceChain, GovernanceEvent } from './governance-chain.ts';
import { notify } from './updater-observer.ts';
import type { UpdaterObserver } from './updater-observer.ts';
import type { ReleaseProposalRecord, StoredApproval, UpdaterStore } from './updater-store.ts';

export interface FollowOptions {
  readonly chain: GovernanceChain;
  readonly store: UpdaterStore;
  readonly startBlock: number;
  /** Blocks a log needs under it… a log in block n is read once head ≥ n + trustedDepth − 1. */
  readonly trustedDepth: number;
  readonly pageBlocks: number;
  readonly reorgRewindBlocks: number;
  readonly now: () => number;
  readonly observer?: UpdaterObserver;
}

/** Reads from the cursor to the newest block at depth, page by page, saving the cursor after each. */
export async function followGovernance(o: FollowOptions): Promise<void> {
  const head = await o.chain.head();
  const trustedHead = head - o.trustedDepth + 1;
  const cursor = await o.store.cursor();
  let from = o.startBlock;
  if (cursor !== undefined) {
    if ((await o.chain.blockHash(cursor.block)) === cursor.blockHash) {
      from = cursor.block + 1;
    } else {
      from = Math.max(o.startBlock, cursor.block - o.reorgRewindBlocks + 1);
      notify(o.observer, 'reorg', { cursor, fromBlock: from });
    }
  }
  while (from <= trustedHead) {
    const to = Math.min(from + o.pageBlocks - 1, trustedHead);
    const events = await o.chain.events(from, to);
    for (const event of events) await applyEvent(o, event);
    const blockHash = await o.chain.blockHash(to);
    if (blockHash === undefined) return; // the chain shrank under us: the next run rechecks
    await o.store.saveCursor({ block: to, blockHash });
    notify(o.observer, 'followed', {
      fromBlock: from,
      toBlock: to,
      events: events.length,
      headLag: head - to,
    });
    from = to + 1;
  }
}

const stored = (a: {
  manifestSha256: string;
  manifestCid: string;
  version: bigint;
  rollback: boolean;
}): StoredApproval => ({
  manifestSha256: a.manifestSha256,
  manifestCid: a.manifestCid,
  version: a.version.toString(),
  rollback: a.rollback,
});

async function applyEvent(o: FollowOptions, event: GovernanceEvent): Promise<void> {
  const { store } = o;
  switch (event.kind) {
    case 'ProposalCreated': {
      if ((await store.proposal(event.proposalId)) !== undefined) return;
      if (event.approval === undefined) {
        await store.save({ proposalId: event.proposalId, phase: 'ignored' }, [
          {
            proposalId: event.proposalId,
            step: 'ignored',
            outcome: 'ignored',
            code: 'NOT_A_RELEASE_PROPOSAL',
            detail: { reason: event.notRelease ?? 'not one call to the registry' },
          },
        ]);
        return;
      }
      await store.save({ proposalId: event.proposalId, phase: 'created', approval: stored(event.approval) });
      return;
    }
    case 'ProposalQueued': {
      const record = await store.proposal(event.proposalId);
      if (record?.phase !== 'created') return;
      await store.save({ ...record, phase: 'queued', queuedBlock: event.block });
      return;
    }
    case 'ProposalCanceled': {
      const record = await store.proposal(event.proposalId);
      if (record === undefined || !['created', 'queued', 'reviewed', 'refused'].includes(record.phase))
        return;
      await store.save({ ...record, phase: 'ignored' }, [
        {
          proposalId: record.proposalId,
          step: 'ignored',
          outcome: 'ignored',
          code: 'CANCELED',
          detail: {
            reason: `cancelled on chain while ${record.phase}`,
            ...(record.approval === undefined ? {} : { manifest: record.approval.manifestCid }),
          },
        },
      ]);
      return;
    }
    case 'ReleaseApproved':
      await applyApproval(o, event);
      return;
    case 'ProposalExecuted':
      return; // its ReleaseApproved, in the same transaction, carries what matters
  }
}

async function applyApproval(
  o: FollowOptions,
  event: Extract<GovernanceEvent, { kind: 'ReleaseApproved' }>,
): Promise<void> {
  const record: ReleaseProposalRecord = (await o.store.proposal(event.proposalId)) ?? {
    // Proposed before the updater's start block: known from the approval alone.
    proposalId: event.proposalId,
    phase: 'created',
    approval: stored(event.approval),
  };
  if (['created', 'queued', 'reviewed'].includes(record.phase)) {
    await o.store.save({ ...record, phase: 'approved', approvedBlock: event.block, approvedSeenAt: o.now() });
  } else if (record.phase === 'refused' && record.waitingLogged !== 'approved-refused') {
    await o.store.save({ ...record, waitingLogged: 'approved-refused' }, [
      {
        proposalId: record.proposalId,
        step: 'commit',
        outcome: 'refused',
        code: record.verdict?.code ?? 'VERDICT_FAILED',
        detail: { reason: 'approved on chain, but its review refused it: not deployed' },
      },
    ]);
  }
}
