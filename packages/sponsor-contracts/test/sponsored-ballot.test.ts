/**
 * A gasless DAO vote on anvil: a voter signs a Governor ballot (EIP-712, OpenZeppelin 5), the
 * sponsor checks it through SponsorDesk + RpcSponsorChain against the release Governor and sends
 * `castVoteBySig`; the vote counts for the voter, whose balance does not move. A replay is the
 * first answer; a ballot signed by someone else for the voter is BAD_SIGNATURE.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Interface, Wallet } from 'ethers';
import type { Result } from 'ethers';
import { BALLOT_TYPES, SponsorDesk, SponsorError, governorDomain } from '@anchorpost/sponsor-core';
import type { TenantPolicy } from '@anchorpost/sponsor-core';
import { MemorySponsorshipStoreDouble } from '@anchorpost/sponsor-core/testing';
import { startReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import type { ReleaseGovernanceTestChain } from '@anchorpost/release-governance/testing';
import { RpcSponsorChain } from '../src/rpc-sponsor-chain.ts';
import { sendAccepted } from './forwarded.ts';

const governorReads = new Interface([
  'function name() view returns (string)',
  'function version() view returns (string)',
  'function nonces(address owner) view returns (uint256)',
  'function hasVoted(uint256 proposalId, address account) view returns (bool)',
  'function castVoteBySig(uint256 proposalId, uint8 support, address voter, bytes signature) returns (uint256)',
]);

describe('sponsored Governor ballot on anvil', () => {
  let chain: ReleaseGovernanceTestChain;
  let desk: SponsorDesk;
  let proposalId: string;
  let domain: { name: string; version: string };
  let now: bigint;

  async function read(name: string, args: readonly unknown[]): Promise<Result> {
    const data = governorReads.encodeFunctionData(name, args);
    const result = await chain.rpc.request<string>('eth_call', [
      { to: chain.deployment.governor, data },
      'latest',
    ]);
    return governorReads.decodeFunctionResult(name, result);
  }

  before(async () => {
    chain = await startReleaseGovernanceTestChain();
    const { governor, chainId } = chain.deployment;
    domain = { name: String((await read('name', []))[0]), version: String((await read('version', []))[0]) };
    const policy: TenantPolicy = {
      tenant: 'dao',
      allow: new Map([[governor, new Set([governorReads.getFunction('castVoteBySig')!.selector])]]),
      maxGas: 500_000n,
      periodSeconds: 86_400,
      tenantBudget: { wei: 10n ** 17n, count: 100 },
      userBudget: { wei: 10n ** 16n, count: 10 },
      minDeadlineSeconds: 30,
    };
    desk = new SponsorDesk({
      network: {
        chainId: BigInt(chainId),
        forwarder: '0x0000000000000000000000000000000000000001',
        governors: new Map([[governor, domain]]),
        ballotTtlSeconds: 3600,
      },
      store: new MemorySponsorshipStoreDouble(),
      chain: new RpcSponsorChain(chain.rpc),
      policyOf: (tenant) => (tenant === 'dao' ? policy : undefined),
      sponsorAccount: chain.stranger.address,
      now: () => now,
    });
    const release = {
      manifestSha256: 'ab'.repeat(32),
      manifestCid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      version: 1n,
      rollback: false,
    };
    ({ proposalId } = await chain.client.propose(chain.voters[0], release));
    await chain.advanceTime(chain.parameters.votingDelay + 1);
  });
  after(async () => {
    await chain.close();
  });

  async function ballotBody(voter: Wallet, signer: Wallet = voter): Promise<Record<string, unknown>> {
    const { governor, chainId } = chain.deployment;
    const nonce = (await read('nonces', [voter.address]))[0] as bigint;
    const ballot = { proposalId: BigInt(proposalId), support: 1, voter: voter.address, nonce };
    const signature = await signer.signTypedData(
      governorDomain(BigInt(chainId), governor, domain.name, domain.version),
      BALLOT_TYPES,
      ballot,
    );
    return {
      kind: 'ballot',
      governor,
      ballot: { proposalId, support: '1', voter: voter.address, nonce: nonce.toString(), signature },
    };
  }

  it('refuses a ballot signed by someone else for the voter (BAD_SIGNATURE)', async () => {
    now = await chain.latestTimestamp();
    await assert.rejects(
      desk.accept('dao', await ballotBody(chain.voters[1], chain.voters[2])),
      (error: unknown) => {
        assert.ok(error instanceof SponsorError);
        assert.equal(error.code, 'BAD_SIGNATURE');
        return true;
      },
    );
  });

  it('casts the voter’s vote paid by the sponsor; the voter’s balance does not move; a replay is the first answer', async () => {
    const voter = chain.voters[1];
    now = await chain.latestTimestamp();
    const body = await ballotBody(voter);
    const { record } = await desk.accept('dao', body);
    const voterBalance = await chain.rpc.request<string>('eth_getBalance', [voter.address, 'latest']);
    const receipt = await sendAccepted(chain.rpc, chain.stranger, BigInt(chain.deployment.chainId), record);
    assert.equal(receipt.status, true);
    assert.equal((await read('hasVoted', [proposalId, voter.address]))[0], true);
    assert.equal(await chain.rpc.request<string>('eth_getBalance', [voter.address, 'latest']), voterBalance);
    const replay = await desk.accept('dao', body);
    assert.equal(replay.firstTime, false);
    assert.deepEqual(replay.record, record);
  });
});
