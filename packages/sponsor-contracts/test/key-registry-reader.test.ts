/**
 * KeyRegistryReader on anvil: a key is current from its registration until it is rotated away or
 * revoked, whoever registered it; a key nobody registered, and a malformed fingerprint, are not.
 * The identities call the registry directly (funded dev accounts): how a key got there does not
 * matter to the reader.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { keccak256, toUtf8Bytes } from 'ethers';
import type { Wallet } from 'ethers';
import { sendTransactionAndWait } from '@anchorpost/chains';
import {
  ROTATION_TYPES,
  anchorpostKeyRegistryInterface as registry,
  keyRegistryDomain,
} from '../src/contracts.ts';
import { KeyRegistryReader } from '../src/key-registry-reader.ts';
import { startSponsorTestChain } from '../src/testing/index.ts';
import type { SponsorTestChain } from '../src/testing/index.ts';

const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy';
/** A key file's id: 64 hex characters; on chain the bytes32 `0x` + it. */
const keyId = (text: string): string => keccak256(toUtf8Bytes(text)).slice(2);

describe('KeyRegistryReader', () => {
  let chain: SponsorTestChain;
  let reader: KeyRegistryReader;
  let identity: Wallet;

  const send = async (from: Wallet, name: string, args: readonly unknown[]) => {
    await sendTransactionAndWait(chain.rpc, from, {
      to: chain.deployment.keyRegistry,
      data: registry.encodeFunctionData(name, args),
    });
  };

  before(async () => {
    chain = await startSponsorTestChain();
    identity = chain.stranger;
    reader = new KeyRegistryReader({
      rpc: chain.rpc,
      registry: chain.deployment.keyRegistry,
      deployBlock: chain.deployment.deployBlock,
    });
  });
  after(async () => {
    await chain.close();
  });

  it('knows no key before any is registered, and refuses to look up a malformed fingerprint', async () => {
    assert.equal(await reader.isCurrentKey(keyId('key 1')), false);
    assert.equal(await reader.isCurrentKey('not hex'), false);
  });

  it('finds a registered key current, and after a rotation the new key only', async () => {
    await send(identity, 'register', [`0x${keyId('key 1')}`, 'ed25519', CID, identity.address]);
    assert.equal(await reader.isCurrentKey(keyId('key 1')), true);
    assert.equal(await reader.isCurrentKey(keyId('key 2')), false);

    const change = {
      identity: identity.address,
      oldFingerprint: `0x${keyId('key 1')}`,
      newFingerprint: `0x${keyId('key 2')}`,
      newSuite: 'ed25519',
      newKeyCid: CID,
      newRotationSigner: identity.address,
      rotation: 0n,
    };
    const { chainId, keyRegistry } = chain.deployment;
    const signature = await identity.signTypedData(
      keyRegistryDomain(chainId, keyRegistry),
      ROTATION_TYPES,
      change,
    );
    await send(identity, 'rotate', [
      change.newFingerprint,
      change.newSuite,
      change.newKeyCid,
      change.newRotationSigner,
      signature,
    ]);
    assert.equal(await reader.isCurrentKey(keyId('key 1')), false, 'rotated away');
    assert.equal(await reader.isCurrentKey(keyId('key 2')), true, 'rotated to');
  });

  it('finds a revoked key not current, and the same key under another identity current', async () => {
    await send(identity, 'revoke', []);
    assert.equal(await reader.isCurrentKey(keyId('key 2')), false, 'revoked');
    await send(chain.deployer, 'register', [`0x${keyId('key 2')}`, 'ed25519', CID, chain.deployer.address]);
    assert.equal(await reader.isCurrentKey(keyId('key 2')), true, 'registered again, by another identity');
  });
});
