/**
 * ReleaseRegistry's own rules, on anvil, with an ordinary account standing in for the timelock as
 * owner (the governance tests show the timelock path): only the owner approves, versions only go
 * up, a rollback only goes back to a version approved before, the guardian pauses once and briefly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAddress, Wallet } from 'ethers';
import { JsonRpcPool, sendTransactionAndWait, startAnvil } from '@anchorpost/chains';
import type { Anvil } from '@anchorpost/chains';
import { releaseRegistryInterface } from '../src/contracts.ts';
import { ethCall } from '../src/eth-call.ts';
import { releaseRegistryBytecode } from '../src/generated/release-registry.ts';
import { revertOf, send } from './revert.ts';

const SHA = (n: number): string => `0x${n.toString(16).padStart(64, '0')}`;
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
const MAX_PAUSE = 7 * 86_400;

describe('ReleaseRegistry', () => {
  let anvil: Anvil;
  let rpc: JsonRpcPool;
  let owner: Wallet;
  let guardian: Wallet;
  let stranger: Wallet;
  let registry: string;
  const approve = (name: string, sha: string, version: number, signer = owner) =>
    send(rpc, signer, registry, releaseRegistryInterface, name, [sha, CID, version]);
  const refusal = (name: string, args: readonly unknown[], signer = owner) =>
    revertOf(send(rpc, signer, registry, releaseRegistryInterface, name, args));
  const read = async (name: string): Promise<unknown> =>
    (await ethCall(rpc, registry, releaseRegistryInterface, name, []))[0] as unknown;
  const advance = async (seconds: number) => {
    await rpc.request('evm_increaseTime', [seconds]);
    await rpc.request('anvil_mine', ['0x1']);
  };
  const now = async () =>
    BigInt((await rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false])).timestamp);

  before(async () => {
    anvil = await startAnvil();
    rpc = new JsonRpcPool({ urls: [anvil.rpcUrl] });
    [owner, guardian, stranger] = [0, 1, 2].map((i) => new Wallet(anvil.privateKeys[i]!)) as [
      Wallet,
      Wallet,
      Wallet,
    ];
    const data =
      releaseRegistryBytecode +
      releaseRegistryInterface.encodeDeploy([owner.address, guardian.address, MAX_PAUSE]).slice(2);
    const receipt = await sendTransactionAndWait(rpc, owner, { to: null, data });
    registry = getAddress(receipt.contractAddress!);
  });
  after(async () => {
    await anvil.stop();
  });

  it('refuses approvals from anyone but its owner (the timelock)', async () => {
    for (const signer of [stranger, guardian]) {
      assert.equal(await refusal('approve', [SHA(1), CID, 1], signer), 'OwnableUnauthorizedAccount');
      assert.equal(await refusal('approveRollback', [SHA(1), CID, 1], signer), 'OwnableUnauthorizedAccount');
    }
  });

  it('refuses an empty digest and an empty or oversized CID', async () => {
    assert.equal(await refusal('approve', [SHA(0), CID, 1]), 'EmptyManifestDigest');
    assert.equal(await refusal('approve', [SHA(1), '', 1]), 'BadManifestCid');
    assert.equal(await refusal('approve', [SHA(1), 'b'.repeat(129), 1]), 'BadManifestCid');
  });

  it('approves increasing versions only, and records the current release', async () => {
    assert.equal(await refusal('approve', [SHA(1), CID, 0]), 'VersionNotIncreasing');
    await approve('approve', SHA(1), 1);
    assert.equal(await refusal('approve', [SHA(9), CID, 1]), 'VersionNotIncreasing');
    await approve('approve', SHA(2), 2);
    const current = (await read('current')) as { manifestSha256: string; version: bigint; rollback: boolean };
    assert.equal(current.manifestSha256, SHA(2));
    assert.equal(current.version, 2n);
    assert.equal(current.rollback, false);
  });

  it('rolls back only to an earlier version it approved, and never reuses a version number forward', async () => {
    assert.equal(await refusal('approveRollback', [SHA(3), CID, 2]), 'NotARollback');
    assert.equal(await refusal('approveRollback', [SHA(3), CID, 5]), 'NotARollback');
    await approve('approveRollback', SHA(11), 1);
    const current = (await read('current')) as { version: bigint; rollback: boolean };
    assert.equal(current.version, 1n);
    assert.equal(current.rollback, true);
    assert.equal(await read('highestVersion'), 2n);
    // Forward again: above the highest ever approved, not above the rolled-back-to version.
    assert.equal(await refusal('approve', [SHA(12), CID, 2]), 'VersionNotIncreasing');
    await approve('approve', SHA(5), 5);
    assert.equal(await refusal('approveRollback', [SHA(13), CID, 4]), 'UnknownRollbackTarget');
  });

  it('lets the guardian pause once, for at most the maximum, and refuses approvals meanwhile', async () => {
    const start = await now();
    assert.equal(await refusal('pause', [start + 60n], stranger), 'NotGuardian');
    assert.equal(await refusal('pause', [start + BigInt(MAX_PAUSE) + 60n], guardian), 'PauseOutOfRange');
    assert.equal(await refusal('pause', [start - 1n], guardian), 'PauseOutOfRange');
    const until = start + 3_600n;
    await send(rpc, guardian, registry, releaseRegistryInterface, 'pause', [until]);
    assert.equal(await read('paused'), true);
    assert.equal(await refusal('approve', [SHA(6), CID, 6]), 'RegistryIsPaused');
    assert.equal(await refusal('approveRollback', [SHA(6), CID, 2]), 'RegistryIsPaused');
    assert.equal(await refusal('pause', [until + 60n], guardian), 'PauseAlreadyUsed');
    await advance(3_601);
    assert.equal(await read('paused'), false);
    assert.equal(await refusal('pause', [(await now()) + 60n], guardian), 'PauseAlreadyUsed');
    await approve('approve', SHA(6), 6);
    assert.equal(await read('highestVersion'), 6n);
  });
});
