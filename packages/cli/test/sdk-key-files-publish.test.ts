// The SDK's publishKey / rotateKey store the key file themselves (`keyFiles`: the relay), before
// the sponsor is asked, run from the browser entry (@anchorpost/sdk/browser-keys, in Node) against
// a real relay (embedded adapters), a real sponsor (PGlite) and AnchorpostKeyRegistry on anvil.
// Failure and retry: a store the relay refuses sends nothing (no sponsorship, nothing registered)
// and the same call then succeeds; a file that is not `keyCid`'s bytes is refused before anything
// (KEY_FILE_MISMATCH); a key registered without its file (a caller without `keyFiles`) gets it by
// publishing the same key again — KEY_ALREADY_REGISTERED, the file stored, no second sponsorship.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Wallet } from 'ethers';
import type { Database } from '@anchorpost/db';
import { fetchKeyFile, isSdkError, newIdentity } from '@anchorpost/sdk';
import {
  currentKey,
  keyHistory,
  keyRegistryAt,
  keyToPublishWeb,
  publishKey,
  rotateKey,
  SdkErrorCode,
  SponsorClient,
} from '@anchorpost/sdk/browser-keys';
import type { KeyPublishing, KeyToPublish } from '@anchorpost/sdk/browser-keys';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { startSponsorStage, type SponsorStage } from '@anchorpost/sponsor-service/testing';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let stage: SponsorStage;
let chain: SponsorTestChain;
let database: Database;
let relay: RelayFixture;

before(async () => {
  [stage, relay] = await Promise.all([startSponsorStage(), openRelayFixture()]);
  ({ chain, database } = stage);
  await relay.admitApiKey(stage.apiKey);
});
after(() => Promise.all([stage.close(), relay.close()]));

const refusedWith = (code: string, apiCode?: string) => (error: unknown) =>
  isSdkError(error) && error.code === code && (apiCode === undefined || error.apiCode === apiCode);

describe('publishKey and rotateKey store the key file first (keyFiles)', { timeout: 240_000 }, () => {
  const sponsorships = () => database.prisma.sponsorship.count();
  const registry = () => keyRegistryAt(chain.anvil.rpcUrl, chain.deployment.keyRegistry);
  const keyFiles = () => ({ url: relay.url, apiKey: stage.apiKey });
  const newKey = async (): Promise<KeyToPublish> => keyToPublishWeb(await newIdentity());

  function publishingFor(
    account: KeyPublishing['account'],
    withFiles: KeyPublishing['keyFiles'],
  ): KeyPublishing {
    return {
      registry: registry(),
      sponsor: new SponsorClient({ url: stage.service.urls['http']!, apiKey: stage.apiKey, pollMs: 200 }),
      account,
      timeoutMs: 60_000,
      ...(withFiles === undefined ? {} : { keyFiles: withFiles }),
    };
  }

  /** The key file the registry names for `account` now, fetched from the relay and checked. */
  async function registeredFile(account: KeyPublishing['account']) {
    const key = await currentKey(registry(), account.address);
    assert.ok(key !== undefined, 'a key is registered');
    return fetchKeyFile({ url: relay.url }, key);
  }

  it('sends nothing when the store fails; the same call then stores and registers', async () => {
    const account = Wallet.createRandom();
    const key = await newKey();
    const before = await sponsorships();
    const refused = publishingFor(account, { url: relay.url, apiKey: `ap_${'x'.repeat(40)}` });
    await assert.rejects(publishKey(refused, key), refusedWith(SdkErrorCode.Refused, 'UNAUTHENTICATED'));
    assert.equal(await sponsorships(), before, 'the sponsor was not asked');
    assert.equal(await currentKey(registry(), account.address), undefined);

    const other = await newKey();
    const mismatched = { ...key, publicKeyFile: other.publicKeyFile };
    await assert.rejects(
      publishKey(publishingFor(account, keyFiles()), mismatched),
      refusedWith(SdkErrorCode.KeyFileMismatch),
    );
    assert.equal(await sponsorships(), before);

    const published = await publishKey(publishingFor(account, keyFiles()), key);
    assert.match(published.sponsorship.txHash ?? '', /^0x[0-9a-f]{64}$/);
    assert.deepEqual((await registeredFile(account)).bytes, key.publicKeyFile);
  });

  it('repairs a registration without its file: publishing the same key again stores it, sends nothing', async () => {
    const account = Wallet.createRandom();
    const key = await newKey();
    await publishKey(publishingFor(account, undefined), key);
    await assert.rejects(registeredFile(account), refusedWith(SdkErrorCode.NotFound, 'KEY_FILE_NOT_FOUND'));
    const before = await sponsorships();
    await assert.rejects(
      publishKey(publishingFor(account, keyFiles()), key),
      (error: unknown) =>
        refusedWith(SdkErrorCode.KeyAlreadyRegistered)(error) &&
        /is stored, nothing was sent/.test(String(error)),
    );
    assert.equal(await sponsorships(), before, 'no second sponsorship');
    assert.equal((await keyHistory(registry(), account.address, 0n)).length, 1, 'registered once');
    assert.deepEqual((await registeredFile(account)).bytes, key.publicKeyFile);

    const another = await newKey();
    await assert.rejects(
      publishKey(publishingFor(account, keyFiles()), another),
      (error: unknown) =>
        refusedWith(SdkErrorCode.KeyAlreadyRegistered)(error) && /rotate it/.test(String(error)),
    );
    await assert.rejects(
      fetchKeyFile(
        { url: relay.url },
        { ...(await currentKey(registry(), account.address))!, keyCid: another.keyCid },
      ),
      refusedWith(SdkErrorCode.NotFound),
      'another key’s file is not stored on the way',
    );
  });

  it('rotateKey stores the next key’s file before the rotation', async () => {
    const account = Wallet.createRandom();
    const first = await newKey();
    const next = await newKey();
    await publishKey(publishingFor(account, keyFiles()), first);
    await rotateKey(publishingFor(account, keyFiles()), first.identity, next);
    assert.deepEqual((await registeredFile(account)).bytes, next.publicKeyFile);
  });
});
