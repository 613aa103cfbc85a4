/**
 * The sponsor's contracts on anvil, driven through sponsor-core's SponsorDesk with RpcSponsorChain:
 * a user holding 0 ETH registers, rotates (with the old key's signature) and revokes a key, the
 * sponsor paying; the events name the user; the sponsor's balance drops by exactly what is settled.
 * The attacks: a replay, a used forwarder nonce, an expired request, a rotation without the old
 * key's signature, and a direct caller appending a user's address to pose as them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Wallet, id, keccak256, toUtf8Bytes, zeroPadValue } from 'ethers';
import type { Result } from 'ethers';
import { sendTransactionAndWait } from '@anchorpost/chains';
import { SponsorDesk, SponsorError } from '@anchorpost/sponsor-core';
import type { SponsorshipRecord, TenantPolicy } from '@anchorpost/sponsor-core';
import { MemorySponsorshipStoreDouble } from '@anchorpost/sponsor-core/testing';
import {
  ROTATION_TYPES,
  anchorpostKeyRegistryInterface as registry,
  decodeSponsorRevert,
  keyRegistryDomain,
} from '../src/contracts.ts';
import { RpcSponsorChain } from '../src/rpc-sponsor-chain.ts';
import { startSponsorTestChain } from '../src/testing/index.ts';
import type { SponsorTestChain } from '../src/testing/index.ts';
import { forwardRequestBody, sendAccepted } from './forwarded.ts';

const CID_1 = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const CID_2 = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
const fingerprint = (text: string): string => keccak256(toUtf8Bytes(text));

describe('sponsored key registry on anvil', () => {
  let chain: SponsorTestChain;
  let store: MemorySponsorshipStoreDouble;
  let desk: SponsorDesk;
  let now: bigint;
  const user = new Wallet(Wallet.createRandom().privateKey);
  const rotationKey1 = new Wallet(Wallet.createRandom().privateKey);
  const rotationKey2 = new Wallet(Wallet.createRandom().privateKey);

  before(async () => {
    chain = await startSponsorTestChain();
    store = new MemorySponsorshipStoreDouble();
    const { keyRegistry, forwarder, chainId } = chain.deployment;
    const policy: TenantPolicy = {
      tenant: 'acme',
      allow: new Map([
        [
          keyRegistry,
          new Set(['register', 'rotate', 'revoke'].map((name) => registry.getFunction(name)!.selector)),
        ],
      ]),
      maxGas: 500_000n,
      periodSeconds: 86_400,
      tenantBudget: { wei: 10n ** 17n, count: 100 },
      userBudget: { wei: 10n ** 16n, count: 10 },
      minDeadlineSeconds: 30,
    };
    desk = new SponsorDesk({
      network: { chainId, forwarder, governors: new Map(), ballotTtlSeconds: 3600 },
      store,
      chain: new RpcSponsorChain(chain.rpc),
      policyOf: (tenant) => (tenant === 'acme' ? policy : undefined),
      sponsorAccount: chain.sponsor.address,
      now: () => now,
    });
  });
  after(async () => {
    await chain.close();
  });

  /** Accepts the body through the desk, sends what was accepted, settles it from the receipt. */
  async function sponsored(
    body: Record<string, unknown>,
  ): Promise<{ record: SponsorshipRecord; topics: string[][] }> {
    now = await chain.latestTimestamp();
    const { record } = await desk.accept('acme', body);
    assert.equal(record.state, 'reserved');
    const before = await chain.balanceOf(chain.sponsor.address);
    const receipt = await sendAccepted(chain.rpc, chain.sponsor, chain.deployment.chainId, record);
    const settled = await store.settle(record.digest, { ...receipt, succeeded: receipt.status });
    assert.ok(settled);
    assert.equal(
      before - (await chain.balanceOf(chain.sponsor.address)),
      settled.chargedWei,
      'charged exactly',
    );
    assert.equal(await chain.balanceOf(user.address), 0n, 'the user never holds or pays anything');
    return {
      record: settled,
      topics: receipt.logs
        .filter((log) => log.address.toLowerCase() === chain.deployment.keyRegistry.toLowerCase())
        .map((log) => [...log.topics]),
    };
  }

  async function refused(body: Record<string, unknown>, code: string): Promise<void> {
    now = await chain.latestTimestamp();
    const sponsorNonce = await chain.rpc.request<string>('eth_getTransactionCount', [
      chain.sponsor.address,
      'pending',
    ]);
    await assert.rejects(desk.accept('acme', body), (error: unknown) => {
      assert.ok(error instanceof SponsorError, String(error));
      assert.equal(error.code, code, error.message);
      return true;
    });
    const after = await chain.rpc.request<string>('eth_getTransactionCount', [
      chain.sponsor.address,
      'pending',
    ]);
    assert.equal(after, sponsorNonce, 'nothing was sent');
  }

  async function keyOf(
    identity: string,
  ): Promise<{ fingerprint: string; suite: string; keyCid: string; rotationSigner: string }> {
    const data = registry.encodeFunctionData('keyOf', [identity]);
    const result = await chain.rpc.request<string>('eth_call', [
      { to: chain.deployment.keyRegistry, data },
      'latest',
    ]);
    const [fingerprint, suite, keyCid, rotationSigner] = (
      registry.decodeFunctionResult('keyOf', result)[0] as Result
    ).toArray() as [string, string, string, string];
    return { fingerprint, suite, keyCid, rotationSigner };
  }

  let registerBody: Record<string, unknown>;

  it('registers the key of a user holding 0 ETH; the event names the user; a replay is the first answer and sends nothing', async () => {
    const { keyRegistry } = chain.deployment;
    assert.equal(await chain.balanceOf(user.address), 0n);
    registerBody = await forwardRequestBody(chain, user, keyRegistry, registry, 'register', [
      fingerprint('key 1'),
      'ed25519',
      CID_1,
      rotationKey1.address,
    ]);
    const { record, topics } = await sponsored(registerBody);
    assert.deepEqual(topics, [
      [
        id('KeyRegistered(address,bytes32,string,string,address)'),
        zeroPadValue(user.address.toLowerCase(), 32),
        fingerprint('key 1'),
      ],
    ]);
    assert.deepEqual(await keyOf(user.address), {
      fingerprint: fingerprint('key 1'),
      suite: 'ed25519',
      keyCid: CID_1,
      rotationSigner: rotationKey1.address,
    });
    const sponsorNonce = await chain.rpc.request<string>('eth_getTransactionCount', [
      chain.sponsor.address,
      'pending',
    ]);
    const replay = await desk.accept('acme', registerBody);
    assert.equal(replay.firstTime, false);
    assert.deepEqual(replay.record, record);
    assert.equal(
      await chain.rpc.request<string>('eth_getTransactionCount', [chain.sponsor.address, 'pending']),
      sponsorNonce,
    );
  });

  it('refuses a second request on a used forwarder nonce (FORWARDER_REFUSED) and an expired one (EXPIRED)', async () => {
    const { keyRegistry } = chain.deployment;
    const reusedNonce = await forwardRequestBody(chain, user, keyRegistry, registry, 'revoke', [], {
      nonce: 0n,
    });
    await refused(reusedNonce, 'FORWARDER_REFUSED');
    const expired = await forwardRequestBody(chain, user, keyRegistry, registry, 'revoke', [], {
      deadline: (await chain.latestTimestamp()) - 1n,
    });
    await refused(expired, 'EXPIRED');
  });

  /** The rotation to key 2, signed by `signer` as the current key's rotation signer. */
  async function rotation(signer: Wallet): Promise<unknown[]> {
    const { chainId, keyRegistry } = chain.deployment;
    const change = {
      identity: user.address,
      oldFingerprint: fingerprint('key 1'),
      newFingerprint: fingerprint('key 2'),
      newSuite: 'ed25519',
      newKeyCid: CID_2,
      newRotationSigner: rotationKey2.address,
      rotation: 0n,
    };
    const signature = await signer.signTypedData(
      keyRegistryDomain(chainId, keyRegistry),
      ROTATION_TYPES,
      change,
    );
    return [change.newFingerprint, change.newSuite, change.newKeyCid, change.newRotationSigner, signature];
  }

  it('refuses a rotation not signed by the old key (CALL_REVERTED: BadRotationSignature), sponsors one that is', async () => {
    const { keyRegistry } = chain.deployment;
    const forged = await rotation(user);
    // Straight from the user, the registry's own verdict is visible.
    const direct = chain.rpc.request('eth_call', [
      { from: user.address, to: keyRegistry, data: registry.encodeFunctionData('rotate', forged) },
      'latest',
    ]);
    await assert.rejects(
      direct,
      (error: { data?: unknown }) => decodeSponsorRevert(error.data)?.name === 'BadRotationSignature',
    );
    await refused(
      await forwardRequestBody(chain, user, keyRegistry, registry, 'rotate', forged),
      'CALL_REVERTED',
    );

    const { topics } = await sponsored(
      await forwardRequestBody(chain, user, keyRegistry, registry, 'rotate', await rotation(rotationKey1)),
    );
    assert.deepEqual(topics, [
      [
        id('KeyRotated(address,bytes32,bytes32,string,string,address)'),
        zeroPadValue(user.address.toLowerCase(), 32),
        fingerprint('key 1'),
        fingerprint('key 2'),
      ],
    ]);
    assert.equal((await keyOf(user.address)).rotationSigner, rotationKey2.address);
  });

  it('revokes; the identity’s whole history is read back from events alone', async () => {
    const { keyRegistry, deployBlock } = chain.deployment;
    await sponsored(await forwardRequestBody(chain, user, keyRegistry, registry, 'revoke', []));
    assert.equal((await keyOf(user.address)).fingerprint, `0x${'00'.repeat(32)}`);
    const logs = await chain.rpc.request<{ topics: string[]; data: string }[]>('eth_getLogs', [
      {
        address: keyRegistry,
        fromBlock: `0x${deployBlock.toString(16)}`,
        toBlock: 'latest',
        topics: [null, zeroPadValue(user.address.toLowerCase(), 32)],
      },
    ]);
    const history = logs.map((log) => {
      const event = registry.parseLog(log)!;
      return [event.name, ...event.args.map(String)];
    });
    assert.deepEqual(history, [
      ['KeyRegistered', user.address, fingerprint('key 1'), 'ed25519', CID_1, rotationKey1.address],
      [
        'KeyRotated',
        user.address,
        fingerprint('key 1'),
        fingerprint('key 2'),
        'ed25519',
        CID_2,
        rotationKey2.address,
      ],
      ['KeyRevoked', user.address, fingerprint('key 2')],
    ]);
  });

  it('ignores a user address appended by a caller that is not the trusted forwarder', async () => {
    const { keyRegistry } = chain.deployment;
    const args = [fingerprint('spoofed'), 'ed25519', CID_1, chain.stranger.address];
    const data = registry.encodeFunctionData('register', args) + user.address.slice(2).toLowerCase();
    await sendTransactionAndWait(chain.rpc, chain.stranger, { to: keyRegistry, data });
    assert.equal((await keyOf(user.address)).fingerprint, `0x${'00'.repeat(32)}`, 'the user has no key');
    assert.equal(
      (await keyOf(chain.stranger.address)).fingerprint,
      fingerprint('spoofed'),
      'the caller registered itself',
    );
  });
});
