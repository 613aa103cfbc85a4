/**
 * Drives a release proposal through the Governor — propose, vote, queue, execute, and the
 * guardian's cancel and pause — and reads its state and the registry's. Each step first reads
 * the proposal's state, so a step asked too early or too late fails with a code that says which
 * (NOT_YET, retryable; WRONG_STATE, final) instead of a bare revert; the contracts enforce the
 * same rules on their own.
 */
import { getAddress } from 'ethers';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import { RpcResponseError, sendTransactionAndWait } from '@anchorpost/chains';
import { decodeReleaseRevert, releaseGovernorInterface, releaseRegistryInterface } from './contracts.ts';
import { ethCall } from './eth-call.ts';
import { ReleaseGovernanceError, ReleaseGovernanceErrorCode } from './release-governance-error.ts';
import { releaseProposal } from './release-proposal.ts';
import type { ReleaseApproval, ReleaseProposal } from './release-proposal.ts';

/** The Governor's ProposalState enum, in its order. */
export const PROPOSAL_STATES = [
  'Pending',
  'Active',
  'Canceled',
  'Defeated',
  'Succeeded',
  'Queued',
  'Expired',
  'Executed',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];

export type VoteSupport = 'against' | 'for' | 'abstain';
const SUPPORT: Record<VoteSupport, number> = { against: 0, for: 1, abstain: 2 };

export interface ProposalStatus {
  readonly proposalId: string;
  readonly state: ProposalState;
  readonly proposer: string;
  /** Clock values (unix seconds: the token's clock is the timestamp). */
  readonly snapshot: bigint;
  readonly deadline: bigint;
  /** When the queued proposal may be executed; 0 before it is queued. */
  readonly eta: bigint;
  readonly votes: { readonly against: bigint; readonly for: bigint; readonly abstain: bigint };
}

export interface ApprovedRelease extends ReleaseApproval {
  readonly approvedAt: bigint;
}

export interface RegistryStatus {
  /** The release approved last; undefined before the first. */
  readonly current: ApprovedRelease | undefined;
  readonly highestVersion: bigint;
  readonly paused: boolean;
  readonly pausedUntil: bigint;
}

export interface ReleaseGovernanceClientOptions {
  readonly rpc: JsonRpcPool;
  readonly governor: string;
  readonly registry: string;
}

export class ReleaseGovernanceClient {
  readonly #rpc: JsonRpcPool;
  readonly governor: string;
  readonly registry: string;

  constructor(options: ReleaseGovernanceClientOptions) {
    this.#rpc = options.rpc;
    this.governor = getAddress(options.governor);
    this.registry = getAddress(options.registry);
  }

  proposal(approval: ReleaseApproval): ReleaseProposal {
    return releaseProposal(this.registry, approval);
  }

  async propose(signer: TransactionSigner, approval: ReleaseApproval): Promise<ReleaseProposal> {
    const proposal = this.proposal(approval);
    const existing = await this.#stateOrUndefined(proposal.proposalId);
    if (existing !== undefined) {
      throw new ReleaseGovernanceError(
        ReleaseGovernanceErrorCode.WrongState,
        `proposal ${proposal.proposalId} exists already (${existing})`,
      );
    }
    const { targets, values, calldatas, description } = proposal;
    await this.#send(signer, this.governor, 'propose', [targets, values, calldatas, description]);
    return proposal;
  }

  async castVote(signer: TransactionSigner, proposalId: string, support: VoteSupport): Promise<void> {
    await this.#require(proposalId, 'Active', ['Pending']);
    await this.#send(signer, this.governor, 'castVote', [proposalId, SUPPORT[support]]);
  }

  async queue(signer: TransactionSigner, approval: ReleaseApproval): Promise<ReleaseProposal> {
    const proposal = this.proposal(approval);
    await this.#require(proposal.proposalId, 'Succeeded', ['Pending', 'Active']);
    await this.#send(signer, this.governor, 'queue', this.#actions(proposal));
    return proposal;
  }

  async execute(signer: TransactionSigner, approval: ReleaseApproval): Promise<ReleaseProposal> {
    const proposal = this.proposal(approval);
    const status = await this.#require(proposal.proposalId, 'Queued', ['Pending', 'Active', 'Succeeded']);
    const now = await this.#latestTimestamp();
    if (status.eta > now) {
      throw new ReleaseGovernanceError(
        ReleaseGovernanceErrorCode.NotYet,
        `the review window ends at ${status.eta}, ${status.eta - now} s from the latest block`,
      );
    }
    await this.#send(signer, this.governor, 'execute', this.#actions(proposal));
    return proposal;
  }

  /** The guardian's cancel (the Governor refuses anyone else once the vote has started). */
  async cancel(signer: TransactionSigner, approval: ReleaseApproval): Promise<ReleaseProposal> {
    const proposal = this.proposal(approval);
    await this.#send(signer, this.governor, 'cancel', this.#actions(proposal));
    return proposal;
  }

  /** The guardian's one-time pause of the registry, until `until` (unix seconds). */
  async pauseRegistry(signer: TransactionSigner, until: bigint): Promise<void> {
    await this.#send(signer, this.registry, 'pause', [until], releaseRegistryInterface);
  }

  async proposalStatus(proposalId: string): Promise<ProposalStatus> {
    const state = await this.#stateOrUndefined(proposalId);
    if (state === undefined) {
      throw new ReleaseGovernanceError(
        ReleaseGovernanceErrorCode.UnknownProposal,
        `no proposal ${proposalId}`,
      );
    }
    const read = async (name: string) =>
      ethCall(this.#rpc, this.governor, releaseGovernorInterface, name, [proposalId]);
    const [[proposer], [snapshot], [deadline], [eta], [against, inFavour, abstain]] = await Promise.all([
      read('proposalProposer'),
      read('proposalSnapshot'),
      read('proposalDeadline'),
      read('proposalEta'),
      read('proposalVotes'),
    ]);
    return {
      proposalId,
      state,
      proposer: getAddress(proposer as string),
      snapshot: snapshot as bigint,
      deadline: deadline as bigint,
      eta: eta as bigint,
      votes: { against: against as bigint, for: inFavour as bigint, abstain: abstain as bigint },
    };
  }

  async registryStatus(): Promise<RegistryStatus> {
    const read = async (name: string) =>
      ethCall(this.#rpc, this.registry, releaseRegistryInterface, name, []);
    const [[current], [highestVersion], [paused], [pausedUntil]] = await Promise.all([
      read('current'),
      read('highestVersion'),
      read('paused'),
      read('pausedUntil'),
    ]);
    const release = current as {
      manifestSha256: string;
      manifestCid: string;
      version: bigint;
      rollback: boolean;
      approvedAt: bigint;
    };
    return {
      current:
        release.version === 0n
          ? undefined
          : {
              manifestSha256: release.manifestSha256.slice(2),
              manifestCid: release.manifestCid,
              version: release.version,
              rollback: release.rollback,
              approvedAt: release.approvedAt,
            },
      highestVersion: highestVersion as bigint,
      paused: paused as boolean,
      pausedUntil: pausedUntil as bigint,
    };
  }

  #actions(proposal: ReleaseProposal): unknown[] {
    return [proposal.targets, proposal.values, proposal.calldatas, proposal.descriptionHash];
  }

  async #latestTimestamp(): Promise<bigint> {
    const block = await this.#rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false]);
    return BigInt(block.timestamp);
  }

  async #stateOrUndefined(proposalId: string): Promise<ProposalState | undefined> {
    try {
      const [state] = await ethCall(this.#rpc, this.governor, releaseGovernorInterface, 'state', [
        proposalId,
      ]);
      return PROPOSAL_STATES[Number(state)];
    } catch (error) {
      if (
        error instanceof RpcResponseError &&
        decodeReleaseRevert(error.data)?.name === 'GovernorNonexistentProposal'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  /** The proposal's status, if it is in `wanted`; NOT_YET if it may still get there, else WRONG_STATE. */
  async #require(
    proposalId: string,
    wanted: ProposalState,
    earlier: readonly ProposalState[],
  ): Promise<ProposalStatus> {
    const status = await this.proposalStatus(proposalId);
    if (status.state === wanted) return status;
    const code = earlier.includes(status.state)
      ? ReleaseGovernanceErrorCode.NotYet
      : ReleaseGovernanceErrorCode.WrongState;
    throw new ReleaseGovernanceError(
      code,
      `proposal ${proposalId} is ${status.state}, this step needs ${wanted}`,
    );
  }

  async #send(
    signer: TransactionSigner,
    to: string,
    name: string,
    args: readonly unknown[],
    contract = releaseGovernorInterface,
  ): Promise<void> {
    const data = contract.encodeFunctionData(name, args);
    try {
      await sendTransactionAndWait(this.#rpc, signer, { to, data });
    } catch (error) {
      if (!(error instanceof RpcResponseError)) throw error;
      const revert = decodeReleaseRevert(error.data);
      if (revert === undefined) throw error;
      const detail = `${name} reverted: ${revert.name}(${revert.args.map(String).join(', ')})`;
      const code =
        revert.name === 'RegistryIsPaused'
          ? ReleaseGovernanceErrorCode.RegistryPaused
          : ReleaseGovernanceErrorCode.Reverted;
      throw new ReleaseGovernanceError(code, detail, { cause: error });
    }
  }
}
