// Key publishing through the SDK against a real sponsor service (PGlite) and AnchorpostKeyRegistry
// on anvil: an account holding 0 ETH registers its key with `publishKey` (the sponsor pays) and
// `lookupKey` finds it; a rotation not signed by the old key is refused by the SDK before the
// sponsor is asked (NOT_CURRENT_KEY) and, signed and posted anyway with the SDK's own forward
// request, by the sponsor (CALL_REVERTED: the registry checks the old key's signature); a rotation
// signed by the old key goes through. The CLI's commands run the same calls in
// packages/cli/test/keys-transparency.test.ts.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import type { Database } from '@anchorpost/db';
import {
  fileCid,
  fingerprintBytes32,
  keyFingerprint,
  keyRegistryAt,
  lookupKey,
  newIdentity,
  publishKey,
  rotateKey,
  rotationSignerOf,
  saveIdentity,
  SdkError,
  SdkErrorCode,
  signForwardRequest,
  SponsorClient,
} from '@anchorpost/sdk';
import type { KeyPublishing, KeyToPublish, PrivateIdentity } from '@anchorpost/sdk';
import type { RunningService } from '@anchorpost/service-kit';
import {
  anchorpostKeyRegistryInterface as registry,
  keyRegistryDomain,
  ROTATION_TYPES,
} from '@anchorpost/sponsor-contracts';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { startSponsorStage } from '@anchorpost/sponsor-service/testing';
import type { SponsorStage } from '@anchorpost/sponsor-service/testing';

let stage: SponsorStage;
let chain: SponsorTestChain;
let database: Database;
let service: RunningService;
let apiKey: string;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-sdk-keys-'));
  stage = await startSponsorStage();
  ({ chain, database, service, apiKey } = stage);
});
after(async () => {
  await stage.close();
  await rm(work, { recursive: true, force: true });
});

/** A fresh identity saved as `anchorpost keys new` would, with the CID of its public key file. */
async function keyToPublish(name: string): Promise<KeyToPublish> {
  const identity = await newIdentity();
  await saveIdentity(join(work, name), identity);
  return { identity, keyCid: await fileCid(await readFile(join(work, name, 'public-key.json'))) };
}

describe('key publishing through the SDK', { timeout: 180_000 }, () => {
  const account = Wallet.createRandom();
  let publishing: KeyPublishing;
  let first: KeyToPublish;
  let second: KeyToPublish;
  let stranger: PrivateIdentity;
  const sponsorships = () => database.prisma.sponsorship.count();

  before(async () => {
    publishing = {
      registry: keyRegistryAt(chain.anvil.rpcUrl, chain.deployment.keyRegistry),
      sponsor: new SponsorClient({ url: service.urls['http']!, apiKey, pollMs: 200 }),
      account,
      timeoutMs: 60_000,
    };
    [first, second, stranger] = [
      await keyToPublish('first'),
      await keyToPublish('second'),
      (await keyToPublish('stranger')).identity,
    ];
  });

  it('registers the key of an account holding 0 ETH, paid by the sponsor; lookupKey finds it', async () => {
    assert.equal(await chain.balanceOf(account.address), 0n);
    const submitted: string[] = [];
    const published = await publishKey(
      { ...publishing, onSubmitted: (sponsorship) => submitted.push(sponsorship.digest) },
      first,
    );
    assert.equal(published.identity, account.address);
    assert.deepEqual(submitted, [published.sponsorship.digest]);
    assert.match(published.sponsorship.txHash ?? '', /^0x[0-9a-f]{64}$/);
    const receipt = await chain.rpc.request<{ status: string; from: string }>('eth_getTransactionReceipt', [
      published.sponsorship.txHash,
    ]);
    assert.equal(receipt.status, '0x1');
    assert.equal(receipt.from.toLowerCase(), chain.sponsor.address.toLowerCase(), 'the sponsor paid');
    assert.equal(await chain.balanceOf(account.address), 0n, 'the account still holds nothing');

    const found = await lookupKey(publishing.registry, account.address);
    assert.equal(found.key.fingerprint, keyFingerprint(first.identity.public));
    assert.equal(found.key.keyCid, first.keyCid);
    assert.equal(found.key.rotationSigner, (await rotationSignerOf(first.identity)).address);
    assert.equal(found.since?.event, 'registered');
    assert.equal(found.since.txHash, published.sponsorship.txHash);
    await assert.rejects(publishKey(publishing, second), isSdkError(SdkErrorCode.KeyAlreadyRegistered));
  });

  it('refuses a rotation not signed by the old key: the SDK asks the sponsor nothing', async () => {
    const before = await sponsorships();
    await assert.rejects(rotateKey(publishing, stranger, second), isSdkError(SdkErrorCode.NotCurrentKey));
    assert.equal(await sponsorships(), before, 'nothing reached the sponsor');
  });

  it('and a forged Rotation posted anyway is refused by the sponsor, as the registry would revert it', async () => {
    const { rpc, registry: address } = publishing.registry;
    const change = {
      identity: account.address,
      oldFingerprint: fingerprintBytes32(keyFingerprint(first.identity.public)),
      newFingerprint: fingerprintBytes32(keyFingerprint(second.identity.public)),
      newSuite: second.identity.public.suite,
      newKeyCid: second.keyCid,
      newRotationSigner: (await rotationSignerOf(second.identity)).address,
      rotation: 0n,
    };
    const forged = await (
      await rotationSignerOf(stranger)
    ).signTypedData(keyRegistryDomain(chain.deployment.chainId, address), ROTATION_TYPES, change);
    const args = [change.newFingerprint, change.newSuite, change.newKeyCid, change.newRotationSigner, forged];
    const body = await signForwardRequest(rpc, account, {
      forwarder: chain.deployment.forwarder,
      to: address,
      data: registry.encodeFunctionData('rotate', args),
      gas: 300_000n,
      ttlSeconds: 600n,
    });
    await assert.rejects(
      publishing.sponsor.submit(body),
      (error: unknown) =>
        error instanceof SdkError && error.code === SdkErrorCode.Refused && error.apiCode === 'CALL_REVERTED',
    );
    const still = await lookupKey(publishing.registry, account.address);
    assert.equal(still.key.fingerprint, keyFingerprint(first.identity.public), 'the key did not change');
  });

  it('rotates with the old key’s signature; lookupKey follows it from the old fingerprint', async () => {
    const rotated = await rotateKey(publishing, first.identity, second);
    assert.equal(rotated.action, 'rotate');
    assert.equal(await chain.balanceOf(account.address), 0n);
    const found = await lookupKey(publishing.registry, account.address, {
      expect: keyFingerprint(first.identity.public),
    });
    assert.equal(found.key.fingerprint, keyFingerprint(second.identity.public));
    assert.equal(found.since?.event, 'rotated');
    assert.match(found.note ?? '', /rotations the old key signed/);
  });
});

function isSdkError(code: SdkErrorCode): (error: unknown) => boolean {
  return (error: unknown) => error instanceof SdkError && error.code === code;
}
