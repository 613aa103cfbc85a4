/**
 * The port to the release vote on chain, as the updater reads it: decoded Governor and registry
 * events of a block range (read by polling logs, never by subscription), block hashes to notice a
 * reorg below the cursor, and the registry's and a proposal's state. The EVM adapter lives in the
 * service (it needs the contracts' ABI and the RPC client, which a core package may not).
 */

/** What a release proposal approves, as decoded from its one call to the registry. */
export interface ProposedApproval {
  /** 64 lower-case hex digits. */
  readonly manifestSha256: string;
  readonly manifestCid: string;
  readonly version: bigint;
  readonly rollback: boolean;
}

interface At {
  readonly block: number;
  readonly logIndex: number;
}

export type GovernanceEvent =
  | (At & {
      readonly kind: 'ProposalCreated';
      readonly proposalId: string;
      /** Undefined when the proposal is not a release (then `notRelease` says why). */
      readonly approval: ProposedApproval | undefined;
      readonly notRelease?: string;
    })
  | (At & { readonly kind: 'ProposalQueued'; readonly proposalId: string; readonly eta: bigint })
  | (At & { readonly kind: 'ProposalCanceled'; readonly proposalId: string })
  | (At & { readonly kind: 'ProposalExecuted'; readonly proposalId: string })
  | (At & {
      readonly kind: 'ReleaseApproved';
      /** The proposal executed in the same transaction (its ProposalExecuted log). */
      readonly proposalId: string;
      readonly approval: ProposedApproval;
    });

export interface RegistryState {
  readonly currentVersion: bigint;
  readonly highestVersion: bigint;
  readonly paused: boolean;
  readonly pausedUntil: bigint;
}

/** The Governor's ProposalState names. */
export type GovernorProposalState =
  'Pending' | 'Active' | 'Canceled' | 'Defeated' | 'Succeeded' | 'Queued' | 'Expired' | 'Executed';

export interface GovernanceChain {
  /** The newest block number. */
  head(): Promise<number>;
  /** The canonical hash at `block` (lower-case), undefined above the head. */
  blockHash(block: number): Promise<string | undefined>;
  /** Both contracts' events in [fromBlock, toBlock], in chain order. */
  events(fromBlock: number, toBlock: number): Promise<readonly GovernanceEvent[]>;
  /** The registry as it was after `block` ('latest' for now). */
  registry(block: number | 'latest'): Promise<RegistryState>;
  proposalState(proposalId: string): Promise<GovernorProposalState>;
  /** The manifest the registry approved, forward, as `version` (as of `block`); undefined if none. */
  approvedRelease(
    version: bigint,
    block: number,
  ): Promise<{ readonly manifestSha256: string; readonly manifestCid: string } | undefined>;
}
