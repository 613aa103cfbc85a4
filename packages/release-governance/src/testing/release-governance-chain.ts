/**
 * A private anvil with the release governance deployed by dev account 0: three voters holding
 * 40, 35 and 25 votes (accounts 1–3), a guardian (account 4), a stranger (account 5). Short
 * settings so tests move time by seconds: vote opens 60 s after a proposal and lasts an hour,
 * quorum 20 %, review window a day, longest pause a week. Used by this package's tests and the CLI's.
 */
import { Wallet } from 'ethers';
import { JsonRpcPool, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { deployReleaseGovernance } from '../deploy.ts';
import type { ReleaseGovernanceDeployment, ReleaseGovernanceParameters } from '../deploy.ts';
import { ReleaseGovernanceClient } from '../release-governance-client.ts';

const VOTE = 10n ** 18n;

export interface ReleaseGovernanceTestChain {
  readonly anvil: Anvil;
  readonly rpc: JsonRpcPool;
  readonly deployer: Wallet;
  /** 40, 35 and 25 votes: any two are a majority, each alone meets the 20 % quorum. */
  readonly voters: readonly [Wallet, Wallet, Wallet];
  readonly guardian: Wallet;
  readonly stranger: Wallet;
  readonly parameters: ReleaseGovernanceParameters;
  readonly deployment: ReleaseGovernanceDeployment;
  readonly client: ReleaseGovernanceClient;
  /** Moves the chain's clock forward and mines a block at the new time. */
  advanceTime(seconds: number): Promise<void>;
  latestTimestamp(): Promise<bigint>;
  close(): Promise<void>;
}

export async function startReleaseGovernanceTestChain(
  overrides: Partial<ReleaseGovernanceParameters> = {},
): Promise<ReleaseGovernanceTestChain> {
  const anvil = await startAnvil();
  try {
    const rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    const wallets = anvil.privateKeys.slice(0, 6).map((key) => new Wallet(key));
    const [deployer, voter1, voter2, voter3, guardian, stranger] = wallets as [
      Wallet,
      Wallet,
      Wallet,
      Wallet,
      Wallet,
      Wallet,
    ];
    const parameters: ReleaseGovernanceParameters = {
      tokenName: 'Anchorpost Release Votes (test)',
      tokenSymbol: 'APRV',
      holders: [
        { address: voter1.address, amount: 40n * VOTE },
        { address: voter2.address, amount: 35n * VOTE },
        { address: voter3.address, amount: 25n * VOTE },
      ],
      votingDelay: 60,
      votingPeriod: 3600,
      proposalThreshold: 0n,
      quorumPercent: 20,
      reviewWindow: 86_400,
      guardian: guardian.address,
      maxPauseSeconds: 7 * 86_400,
      ...overrides,
    };
    const deployment = await deployReleaseGovernance(rpc, deployer, parameters);
    const client = new ReleaseGovernanceClient({
      rpc,
      governor: deployment.governor,
      registry: deployment.registry,
    });
    const latestTimestamp = async (): Promise<bigint> =>
      BigInt((await rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false])).timestamp);
    return {
      anvil,
      rpc,
      deployer,
      voters: [voter1, voter2, voter3],
      guardian,
      stranger,
      parameters,
      deployment,
      client,
      advanceTime: async (seconds) => {
        await rpc.request('evm_increaseTime', [seconds]);
        await rpc.request('anvil_mine', ['0x1']);
      },
      latestTimestamp,
      close: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
