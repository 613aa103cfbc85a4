/**
 * Deploys the four contracts from one account, in an order that needs no admin step afterwards:
 * the votes token, the timelock (told the Governor's address before it exists, from the
 * deployer's next nonce), the Governor, the registry (owned by the timelock). Nothing is left for
 * the deployer to renounce, and the wiring is read back from the chain before it is reported.
 */
import { getAddress, getCreateAddress } from 'ethers';
import type { JsonRpcPool, TransactionSigner } from '@anchorpost/chains';
import { deployContract as deploy } from '@anchorpost/chains';
import {
  releaseGovernorInterface,
  releaseRegistryInterface,
  releaseTimelockInterface,
  releaseVotesInterface,
} from './contracts.ts';
import { releaseGovernorBytecode } from './generated/release-governor.ts';
import { releaseRegistryBytecode } from './generated/release-registry.ts';
import { releaseTimelockBytecode } from './generated/release-timelock.ts';
import { releaseVotesBytecode } from './generated/release-votes.ts';
import { ethCall } from './eth-call.ts';
import { ReleaseGovernanceError, ReleaseGovernanceErrorCode } from './release-governance-error.ts';

export interface ReleaseGovernanceParameters {
  readonly tokenName: string;
  readonly tokenSymbol: string;
  /** The founding holders and their votes (in the token's smallest unit). */
  readonly holders: readonly { readonly address: string; readonly amount: bigint }[];
  /** Seconds between a proposal and the start of its vote. */
  readonly votingDelay: number;
  /** Seconds the vote is open. */
  readonly votingPeriod: number;
  /** Votes an account needs to propose (0: anyone). */
  readonly proposalThreshold: bigint;
  /** Quorum as a percentage of the supply at the proposal's snapshot (1–100). */
  readonly quorumPercent: number;
  /** The timelock's minimum delay: the review window, in seconds. */
  readonly reviewWindow: number;
  /** May cancel any proposal before execution, and pause the registry once. */
  readonly guardian: string;
  /** The longest pause the guardian may set, in seconds. */
  readonly maxPauseSeconds: number;
}

export interface ReleaseGovernanceDeployment {
  readonly chainId: number;
  readonly token: string;
  readonly timelock: string;
  readonly governor: string;
  readonly registry: string;
  /** Where to start reading the contracts' events. */
  readonly deployBlock: number;
}

export async function deployReleaseGovernance(
  rpc: JsonRpcPool,
  deployer: TransactionSigner,
  parameters: ReleaseGovernanceParameters,
): Promise<ReleaseGovernanceDeployment> {
  const from = await deployer.getAddress();
  const nonce = Number(BigInt(await rpc.request<string>('eth_getTransactionCount', [from, 'pending'])));
  const predictedGovernor = getCreateAddress({ from, nonce: nonce + 2 });
  const token = await deploy(
    rpc,
    deployer,
    releaseVotesBytecode +
      releaseVotesInterface
        .encodeDeploy([
          parameters.tokenName,
          parameters.tokenSymbol,
          parameters.holders.map((h) => h.address),
          parameters.holders.map((h) => h.amount),
        ])
        .slice(2),
  );
  const timelock = await deploy(
    rpc,
    deployer,
    releaseTimelockBytecode +
      releaseTimelockInterface.encodeDeploy([parameters.reviewWindow, predictedGovernor]).slice(2),
  );
  const governor = await deploy(
    rpc,
    deployer,
    releaseGovernorBytecode +
      releaseGovernorInterface
        .encodeDeploy([
          token.address,
          timelock.address,
          parameters.votingDelay,
          parameters.votingPeriod,
          parameters.proposalThreshold,
          parameters.quorumPercent,
          parameters.guardian,
        ])
        .slice(2),
  );
  const registry = await deploy(
    rpc,
    deployer,
    releaseRegistryBytecode +
      releaseRegistryInterface
        .encodeDeploy([timelock.address, parameters.guardian, parameters.maxPauseSeconds])
        .slice(2),
  );
  const chainId = Number(BigInt(await rpc.request<string>('eth_chainId', [])));
  const deployment = {
    chainId,
    token: token.address,
    timelock: timelock.address,
    governor: governor.address,
    registry: registry.address,
    deployBlock: token.blockNumber,
  };
  await checkWiring(rpc, deployment, from);
  return deployment;
}

/**
 * Reads the wiring back: the Governor is the timelock's only proposer, canceller and executor
 * (of these accounts), the deployer holds no timelock role, the registry belongs to the timelock.
 * Another transaction from the deployer between the four would have moved the Governor's address.
 */
export async function checkWiring(
  rpc: JsonRpcPool,
  deployment: ReleaseGovernanceDeployment,
  deployer: string,
): Promise<void> {
  const fail = (why: string): never => {
    throw new ReleaseGovernanceError(ReleaseGovernanceErrorCode.BadDeployment, why);
  };
  const role = async (name: string, account: string): Promise<boolean> => {
    const roleId = (await ethCall(rpc, deployment.timelock, releaseTimelockInterface, name, []))[0] as string;
    return (
      await ethCall(rpc, deployment.timelock, releaseTimelockInterface, 'hasRole', [roleId, account])
    )[0] as boolean;
  };
  for (const name of ['PROPOSER_ROLE', 'CANCELLER_ROLE', 'EXECUTOR_ROLE']) {
    if (!(await role(name, deployment.governor))) fail(`the Governor lacks the timelock's ${name}`);
    if (await role(name, deployer)) fail(`the deployer holds the timelock's ${name}`);
  }
  if (await role('DEFAULT_ADMIN_ROLE', deployer)) fail('the deployer is an admin of the timelock');
  const [owner] = await ethCall(rpc, deployment.registry, releaseRegistryInterface, 'owner', []);
  if (getAddress(owner as string) !== deployment.timelock) fail('the registry is not owned by the timelock');
  const [timelock] = await ethCall(rpc, deployment.governor, releaseGovernorInterface, 'timelock', []);
  if (getAddress(timelock as string) !== deployment.timelock) fail('the Governor does not use this timelock');
}
