/**
 * `anchorpost release vote … --sponsor URL`: the gasless vote. The voter signs the Governor's
 * EIP-712 Ballot (its nonce read from the Governor), the sponsor sends `castVoteBySig` and pays,
 * and the vote is reported as the chain has it (the VoteCast event of the mined transaction).
 * Before anything is posted the Governor is read, and a ballot it would refuse is refused here with
 * its own code (an unknown proposal, voting not open, a voter who has voted): the sponsor is not asked.
 */
import type { Wallet } from 'ethers';
import type { JsonRpcPool } from '@anchorpost/chains';
import {
  ReleaseGovernanceError,
  ReleaseGovernanceErrorCode,
  releaseGovernorInterface as governorAbi,
} from '@anchorpost/release-governance';
import type { ReleaseGovernanceClient, VoteSupport } from '@anchorpost/release-governance';
import { BALLOT_TYPES, governorDomain } from '@anchorpost/sponsor-core';
import type { BallotRequestBody, SponsorClient, Sponsorship } from '@anchorpost/sdk';
import { CliError } from '../../failure.ts';

const SUPPORT: Record<VoteSupport, number> = { against: 0, for: 1, abstain: 2 };

export interface SponsoredVote {
  readonly rpc: JsonRpcPool;
  readonly governance: ReleaseGovernanceClient;
  readonly sponsor: SponsorClient;
  readonly voter: Wallet;
  readonly proposalId: string;
  readonly support: VoteSupport;
  readonly timeoutMs: number;
}

/** The vote as the Governor recorded it. */
export interface CastVote {
  readonly proposalId: string;
  readonly voter: string;
  readonly support: VoteSupport;
  readonly weight: bigint;
  readonly sponsorship: Sponsorship;
}

async function read(rpc: JsonRpcPool, governor: string, name: string, args: readonly unknown[]) {
  const data = governorAbi.encodeFunctionData(name, args);
  const result = await rpc.request<string>('eth_call', [{ to: governor, data }, 'latest']);
  return governorAbi.decodeFunctionResult(name, result);
}

/** What the Governor would refuse, refused before the sponsor is asked. */
async function checkBallot(vote: SponsoredVote): Promise<void> {
  const { governance, proposalId, voter } = vote;
  const status = await governance.proposalStatus(proposalId);
  if (status.state !== 'Active') {
    const code =
      status.state === 'Pending' ? ReleaseGovernanceErrorCode.NotYet : ReleaseGovernanceErrorCode.WrongState;
    throw new ReleaseGovernanceError(code, `proposal ${proposalId} is ${status.state}, a vote needs Active`);
  }
  const [voted] = await read(vote.rpc, governance.governor, 'hasVoted', [proposalId, voter.address]);
  if (voted === true) {
    throw new CliError('ALREADY_VOTED', 'key-file', `${voter.address} has voted on proposal ${proposalId}`);
  }
}

/** The sponsor's request body: the voter's Ballot, signed for the Governor's own EIP-712 domain. */
async function ballotBody(vote: SponsoredVote): Promise<BallotRequestBody> {
  const { rpc, voter } = vote;
  const governor = vote.governance.governor;
  const chainId = BigInt(await rpc.request<string>('eth_chainId', []));
  const [[name], [version], [nonce]] = await Promise.all([
    read(rpc, governor, 'name', []),
    read(rpc, governor, 'version', []),
    read(rpc, governor, 'nonces', [voter.address]),
  ]);
  const ballot = {
    proposalId: BigInt(vote.proposalId),
    support: SUPPORT[vote.support],
    voter: voter.address,
    nonce: nonce as bigint,
  };
  const domain = governorDomain(chainId, governor, String(name), String(version));
  const signature = await voter.signTypedData(domain, BALLOT_TYPES, ballot);
  return {
    kind: 'ballot',
    governor,
    ballot: {
      proposalId: vote.proposalId,
      support: String(ballot.support),
      voter: voter.address,
      nonce: ballot.nonce.toString(),
      signature,
    },
  };
}

interface ReceiptLog {
  readonly address: string;
  readonly topics: string[];
  readonly data: string;
}

/** The VoteCast event of the mined transaction: the vote as the chain has it. */
async function voteCast(vote: SponsoredVote, sponsorship: Sponsorship): Promise<CastVote> {
  const receipt = await vote.rpc.request<{ logs: ReceiptLog[] } | null>('eth_getTransactionReceipt', [
    sponsorship.txHash,
  ]);
  const governor = vote.governance.governor.toLowerCase();
  for (const log of receipt?.logs ?? []) {
    if (log.address.toLowerCase() !== governor) continue;
    const event = governorAbi.parseLog(log);
    if (event?.name !== 'VoteCast') continue;
    const [voter, proposalId, support, weight] = event.args as unknown as [string, bigint, bigint, bigint];
    if (voter !== vote.voter.address || proposalId.toString() !== vote.proposalId) continue;
    const name = (Object.keys(SUPPORT) as VoteSupport[]).find((key) => SUPPORT[key] === Number(support))!;
    return { proposalId: vote.proposalId, voter, support: name, weight, sponsorship };
  }
  throw new CliError(
    'VOTE_NOT_FOUND',
    'governor',
    `transaction ${sponsorship.txHash} cast no vote of ${vote.voter.address} on proposal ${vote.proposalId}`,
  );
}

export async function sponsoredVote(vote: SponsoredVote): Promise<CastVote> {
  await checkBallot(vote);
  const posted = await vote.sponsor.submit(await ballotBody(vote));
  const mined = await vote.sponsor.untilMined(posted.digest, {
    timeoutMs: vote.timeoutMs,
    callee: 'the Governor',
  });
  return voteCast(vote, mined);
}
