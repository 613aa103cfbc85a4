/**
 * The whole vote on anvil: deployment wiring, propose → vote → queue → review window → execute
 * (time moved with evm_increaseTime/anvil_mine), a defeated proposal that cannot be queued, the
 * guardian cancelling a queued proposal, and an execution held back by the guardian's pause.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toBeHex } from 'ethers';
import {
  releaseGovernorInterface,
  releaseTimelockInterface,
  releaseVotesInterface,
} from '../src/contracts.ts';
import { checkWiring } from '../src/deploy.ts';
import { ethCall } from '../src/eth-call.ts';
import { ReleaseGovernanceError } from '../src/release-governance-error.ts';
import type { ReleaseApproval } from '../src/release-proposal.ts';
import { startReleaseGovernanceTestChain } from '../src/testing/index.ts';
import type { ReleaseGovernanceTestChain } from '../src/testing/index.ts';
import { revertOf, send } from './revert.ts';

const approval = (version: bigint, rollback = false): ReleaseApproval => ({
  manifestSha256: version.toString(16).padStart(64, 'a'),
  manifestCid: `bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52${version}`,
  version,
  rollback,
});

async function rejects(promise: Promise<unknown>, code: string, retryable: boolean): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ReleaseGovernanceError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.retryable, retryable);
    return true;
  });
}

describe('release governance on anvil', () => {
  let chain: ReleaseGovernanceTestChain;
  before(async () => {
    chain = await startReleaseGovernanceTestChain();
  });
  after(async () => {
    await chain.close();
  });

  /** Calls the Governor's queue or execute straight (no client pre-checks) and returns its revert. */
  function governorRefusal(step: 'queue' | 'execute', release: ReleaseApproval): Promise<string> {
    const { targets, values, calldatas, descriptionHash } = chain.client.proposal(release);
    const args = [targets, values, calldatas, descriptionHash];
    return revertOf(
      send(chain.rpc, chain.stranger, chain.deployment.governor, releaseGovernorInterface, step, args),
    );
  }

  /** Proposes and runs the vote to its end: `for`/`against` name which voters vote which way. */
  async function voted(release: ReleaseApproval, votes: readonly ('for' | 'against')[]): Promise<string> {
    const { proposalId } = await chain.client.propose(chain.voters[0], release);
    await rejects(chain.client.castVote(chain.voters[0], proposalId, 'for'), 'NOT_YET', true);
    await chain.advanceTime(chain.parameters.votingDelay + 1);
    for (const [i, support] of votes.entries())
      await chain.client.castVote(chain.voters[i]!, proposalId, support);
    await chain.advanceTime(chain.parameters.votingPeriod + 1);
    return proposalId;
  }

  it('is deployed wired as intended: the Governor alone proposes, cancels and executes; no admin', async () => {
    const { rpc, deployment } = chain;
    await checkWiring(rpc, deployment, chain.deployer.address);
    const adminRole = (
      await ethCall(rpc, deployment.timelock, releaseTimelockInterface, 'DEFAULT_ADMIN_ROLE', [])
    )[0] as string;
    for (const account of [
      chain.deployer.address,
      chain.guardian.address,
      ...chain.voters.map((v) => v.address),
    ]) {
      const [isAdmin] = await ethCall(rpc, deployment.timelock, releaseTimelockInterface, 'hasRole', [
        adminRole,
        account,
      ]);
      assert.equal(isAdmin, false);
    }
    const [delay] = await ethCall(rpc, deployment.timelock, releaseTimelockInterface, 'getMinDelay', []);
    assert.equal(delay, BigInt(chain.parameters.reviewWindow));
    const [guardian] = await ethCall(
      rpc,
      deployment.governor,
      releaseGovernorInterface,
      'proposalGuardian',
      [],
    );
    assert.equal(guardian, chain.guardian.address);
    const [mode] = await ethCall(rpc, deployment.token, releaseVotesInterface, 'CLOCK_MODE', []);
    assert.equal(mode, 'mode=timestamp');
    const [votes] = await ethCall(rpc, deployment.token, releaseVotesInterface, 'getVotes', [
      chain.voters[0].address,
    ]);
    assert.equal(votes, 40n * 10n ** 18n);
  });

  it('runs a release through propose, vote, queue, the review window and execute', async () => {
    const release = approval(1n);
    const proposalId = await voted(release, ['for', 'for', 'against']);
    const passed = await chain.client.proposalStatus(proposalId);
    assert.equal(passed.state, 'Succeeded');
    assert.equal(passed.votes.for, 75n * 10n ** 18n);
    assert.equal(passed.votes.against, 25n * 10n ** 18n);
    await rejects(chain.client.execute(chain.stranger, release), 'NOT_YET', true);
    await chain.client.queue(chain.stranger, release);
    const queued = await chain.client.proposalStatus(proposalId);
    assert.equal(queued.state, 'Queued');
    assert.equal(queued.eta, (await chain.latestTimestamp()) + BigInt(chain.parameters.reviewWindow));
    await rejects(chain.client.execute(chain.stranger, release), 'NOT_YET', true);
    // The timelock itself refuses too, not only the client's check.
    assert.equal(await governorRefusal('execute', release), 'TimelockUnexpectedOperationState');
    await chain.advanceTime(chain.parameters.reviewWindow);
    await chain.client.execute(chain.stranger, release);
    assert.equal((await chain.client.proposalStatus(proposalId)).state, 'Executed');
    const registry = await chain.client.registryStatus();
    assert.deepEqual({ ...registry.current, approvedAt: undefined }, { ...release, approvedAt: undefined });
    assert.equal(registry.highestVersion, 1n);
    await rejects(chain.client.execute(chain.stranger, release), 'WRONG_STATE', false);
    await rejects(chain.client.propose(chain.voters[0], release), 'WRONG_STATE', false);
  });

  it('refuses to queue a defeated proposal, in the client and in the Governor', async () => {
    const release = approval(2n);
    const proposalId = await voted(release, ['against', 'against', 'for']);
    assert.equal((await chain.client.proposalStatus(proposalId)).state, 'Defeated');
    await rejects(chain.client.queue(chain.stranger, release), 'WRONG_STATE', false);
    assert.equal(await governorRefusal('queue', release), 'GovernorUnexpectedProposalState');
  });

  it('lets the guardian cancel a queued proposal during the review window, and no one else', async () => {
    const release = approval(3n);
    const proposalId = await voted(release, ['for', 'for', 'for']);
    await chain.client.queue(chain.stranger, release);
    await rejects(chain.client.cancel(chain.stranger, release), 'REVERTED', false);
    await rejects(chain.client.cancel(chain.voters[0], release), 'REVERTED', false);
    await chain.client.cancel(chain.guardian, release);
    assert.equal((await chain.client.proposalStatus(proposalId)).state, 'Canceled');
    await chain.advanceTime(chain.parameters.reviewWindow + 1);
    await rejects(chain.client.execute(chain.stranger, release), 'WRONG_STATE', false);
    // The timelock operation is gone too: nobody can run it around the Governor.
    const proposal = chain.client.proposal(release);
    const [operationId] = await ethCall(
      chain.rpc,
      chain.deployment.timelock,
      releaseTimelockInterface,
      'hashOperationBatch',
      [
        proposal.targets,
        proposal.values,
        proposal.calldatas,
        '0x' + '0'.repeat(64),
        // GovernorTimelockControl's salt: bytes20(governor) ^ descriptionHash (the address left-aligned).
        toBeHex((BigInt(chain.deployment.governor) << 96n) ^ BigInt(proposal.descriptionHash), 32),
      ],
    );
    const [exists] = await ethCall(
      chain.rpc,
      chain.deployment.timelock,
      releaseTimelockInterface,
      'isOperation',
      [operationId],
    );
    assert.equal(exists, false);
    assert.equal((await chain.client.registryStatus()).highestVersion, 1n);
  });

  it('holds an execution back while the guardian has paused the registry, then lets it through', async () => {
    const release = approval(4n);
    await voted(release, ['for', 'for', 'for']);
    await chain.client.queue(chain.stranger, release);
    await chain.advanceTime(chain.parameters.reviewWindow + 1);
    const until = (await chain.latestTimestamp()) + 3_600n;
    await chain.client.pauseRegistry(chain.guardian, until);
    assert.equal((await chain.client.registryStatus()).paused, true);
    await rejects(chain.client.execute(chain.stranger, release), 'REGISTRY_PAUSED', true);
    await rejects(chain.client.pauseRegistry(chain.guardian, until + 60n), 'REVERTED', false);
    await chain.advanceTime(3_601);
    await chain.client.execute(chain.stranger, release);
    assert.equal((await chain.client.registryStatus()).current?.version, 4n);
  });

  it('rolls back through a vote only to a version approved before (after the releases above)', async () => {
    const passAndQueue = async (release: ReleaseApproval) => {
      await voted(release, ['for', 'for', 'for']);
      await chain.client.queue(chain.stranger, release);
      await chain.advanceTime(chain.parameters.reviewWindow + 1);
    };
    // Version 3 was cancelled, never approved: the registry refuses it even after a passed vote.
    const toCancelled = approval(3n, true);
    await passAndQueue(toCancelled);
    await assert.rejects(chain.client.execute(chain.stranger, toCancelled), (error: unknown) => {
      assert.ok(error instanceof ReleaseGovernanceError && error.code === 'REVERTED', String(error));
      assert.match(error.message, /UnknownRollbackTarget\(3\)/);
      return true;
    });
    const back = approval(1n, true);
    await passAndQueue(back);
    await chain.client.execute(chain.stranger, back);
    const registry = await chain.client.registryStatus();
    assert.equal(registry.current?.version, 1n);
    assert.equal(registry.current.rollback, true);
    assert.equal(registry.highestVersion, 4n);
  });

  it('reports an unknown proposal by its code', async () => {
    await rejects(chain.client.proposalStatus('12345'), 'UNKNOWN_PROPOSAL', false);
  });
});
