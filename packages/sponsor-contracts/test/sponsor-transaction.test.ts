/**
 * Sending through the one engine on anvil: an accepted sponsorship goes out through
 * SponsorTransactionEngine (RequestEngine + EvmDriver with the sponsor's body) with exactly the
 * reserved gas limit and fee cap, is followed to MINED, and is settled from its receipt — the
 * sponsor's balance drops by exactly the charge. A reverted sponsored transaction is charged and
 * stays mined: it is never sent again.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { AnchorState, MemoryAnchorRequestStore } from '@anchorpost/chains';
import { SponsorDesk } from '@anchorpost/sponsor-core';
import type { TenantPolicy } from '@anchorpost/sponsor-core';
import { MemorySponsorshipStoreDouble } from '@anchorpost/sponsor-core/testing';
import { anchorpostKeyRegistryInterface as registry } from '../src/contracts.ts';
import { RpcSponsorChain } from '../src/rpc-sponsor-chain.ts';
import { SponsorTransactionEngine } from '../src/sponsor-transaction.ts';
import type { SponsorTransactionRecord } from '../src/sponsor-transaction.ts';
import { startSponsorTestChain } from '../src/testing/index.ts';
import type { SponsorTestChain } from '../src/testing/index.ts';
import { forwardRequestBody } from './forwarded.ts';

describe('sponsored transactions through the one engine on anvil', () => {
  let chain: SponsorTestChain;
  let sponsorships: MemorySponsorshipStoreDouble;
  let desk: SponsorDesk;
  let engine: SponsorTransactionEngine;
  let now: bigint;

  before(async () => {
    chain = await startSponsorTestChain();
    sponsorships = new MemorySponsorshipStoreDouble();
    const { keyRegistry, forwarder, chainId } = chain.deployment;
    const policy: TenantPolicy = {
      tenant: 'acme',
      allow: new Map([[keyRegistry, new Set([registry.getFunction('register')!.selector])]]),
      maxGas: 500_000n,
      periodSeconds: 86_400,
      tenantBudget: { wei: 10n ** 17n, count: 100 },
      userBudget: { wei: 10n ** 16n, count: 10 },
      minDeadlineSeconds: 30,
    };
    desk = new SponsorDesk({
      network: { chainId, forwarder, governors: new Map(), ballotTtlSeconds: 3600 },
      store: sponsorships,
      chain: new RpcSponsorChain(chain.rpc),
      policyOf: () => policy,
      sponsorAccount: chain.sponsor.address,
      now: () => now,
    });
    engine = await SponsorTransactionEngine.open({
      rpcUrls: [chain.anvil.rpcUrl],
      chainId: Number(chainId),
      forwarder,
      signer: chain.sponsor,
      store: new MemoryAnchorRequestStore<SponsorTransactionRecord>(),
      confirmations: 1,
      finalityDepth: 3,
    });
  });
  after(async () => {
    await chain.close();
  });

  /** Ticks until the request is mined (anvil mines each transaction at once). */
  async function mined(sequence: number): Promise<SponsorTransactionRecord> {
    for (let i = 0; i < 5; i++) {
      await engine.tick();
      const record = await engine.status(sequence);
      if (record !== undefined && record.inclusion !== null) return record;
    }
    return assert.fail(`sequence ${sequence} was not mined`);
  }

  it('sends an accepted sponsorship with the reserved gas limit and fee cap; the settled charge is what the sponsor paid', async () => {
    const user = new Wallet(Wallet.createRandom().privateKey);
    now = await chain.latestTimestamp();
    const body = await forwardRequestBody(chain, user, chain.deployment.keyRegistry, registry, 'register', [
      keccak256(toUtf8Bytes('engine key')),
      'ed25519',
      'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
      user.address,
    ]);
    const { record: accepted } = await desk.accept('acme', body);
    const before = await chain.balanceOf(chain.sponsor.address);
    await engine.submit({
      sequence: 1,
      digest: accepted.digest,
      to: accepted.to,
      data: accepted.data,
      gasLimit: accepted.gasLimit.toString(),
      maxFeePerGas: accepted.maxFeePerGas.toString(),
    });
    const record = await mined(1);
    const [attempt] = record.attempts;
    assert.ok(attempt);
    assert.equal(attempt.fees.gasLimit, accepted.gasLimit.toString());
    assert.ok(BigInt(attempt.fees.maxFeePerGas ?? '0') <= accepted.maxFeePerGas);
    const charge = await engine.charge(record);
    assert.equal(charge.succeeded, true);
    await sponsorships.markSent(accepted.digest, charge.txHash);
    const settled = await sponsorships.settle(accepted.digest, charge);
    assert.equal(before - (await chain.balanceOf(chain.sponsor.address)), settled?.chargedWei);
    assert.equal(await chain.balanceOf(user.address), 0n);
    assert.ok(settled !== null && settled.chargedWei! <= accepted.reservedWei, 'within the reservation');
  });

  it('charges a reverted sponsored transaction and never sends it again', async () => {
    const before = await chain.balanceOf(chain.sponsor.address);
    // `revoke` straight from the sponsor account, which has no key registered, reverts (NoKeyRegistered).
    await engine.submit({
      sequence: 2,
      digest: `0x${'ee'.repeat(32)}`,
      to: chain.deployment.keyRegistry,
      data: registry.encodeFunctionData('revoke', []),
      gasLimit: '60000',
      maxFeePerGas: (10n ** 11n).toString(),
    });
    const record = await mined(2);
    const charge = await engine.charge(record);
    assert.equal(charge.succeeded, false);
    assert.equal(
      before - (await chain.balanceOf(chain.sponsor.address)),
      charge.gasUsed * charge.effectiveGasPrice,
    );
    await engine.tick();
    await engine.tick();
    const later = await engine.status(2);
    assert.ok(
      later !== undefined &&
        ([AnchorState.Mined, AnchorState.Confirmed, AnchorState.Finalized] as string[]).includes(later.state),
    );
    assert.equal(later.attempts.length, 1, 'one transaction, never re-sent');
  });
});
