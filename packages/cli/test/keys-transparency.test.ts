// Key transparency end to end on anvil, the CLI as child processes against a real sponsor service
// (PGlite): an account holding 0 ETH publishes its key through the sponsor, `keys lookup` and
// `keys history` read it back from the registry, a rotation signed by the old key shows in the
// history, a revoke and a new registration are caught by `lookup --expect` (KEY_CHANGED_UNSIGNED).
// Attacks: a rotation signed by a key that is not the current one is refused before anything
// reaches the sponsor (NOT_CURRENT_KEY), and the sponsor is never asked. The key files go to the
// platform's storage through a real relay (embedded adapters) and `lookup --relay` fetches and
// checks them: a registration naming another key's file is caught (KEY_FILE_MISMATCH).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from '@anchorpost/db';
import type { RunningService } from '@anchorpost/service-kit';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { anchorpostKeyRegistryInterface } from '@anchorpost/sponsor-contracts';
import { startSponsorStage } from '@anchorpost/sponsor-service/testing';
import type { SponsorStage } from '@anchorpost/sponsor-service/testing';
import { Contract, JsonRpcProvider } from 'ethers';
import { assertFailure, cli } from './cli-process.ts';
import { mined } from './mined.ts';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let stage: SponsorStage;
let chain: SponsorTestChain;
let database: Database;
let service: RunningService;
let apiKey: string;
let work: string;
let relay: RelayFixture;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-keys-'));
  [stage, relay] = await Promise.all([startSponsorStage(), openRelayFixture()]);
  ({ chain, database, service, apiKey } = stage);
  await relay.admitApiKey(apiKey);
});
after(async () => {
  await Promise.all([stage.close(), relay.close()]);
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost keys publish | rotate | revoke | lookup | history', { timeout: 240_000 }, () => {
  const chainAt = () => ['--registry', chain.deployment.keyRegistry, '--rpc', chain.anvil.rpcUrl];
  const sponsorAt = () => [
    ...chainAt(),
    '--sponsor',
    service.urls['http']!,
    '--api-key',
    apiKey,
    '--account-key',
    join(work, 'account.key'),
    '--relay',
    relay.url,
  ];
  let account: string;
  const fingerprints: Record<string, string> = {};

  async function newKey(name: string): Promise<void> {
    const made = await cli('keys', 'new', '--out', join(work, name));
    assert.equal(made.status, 0, made.stderr);
    fingerprints[name] = made.stdout.trim();
  }

  async function sponsorships(): Promise<number> {
    return database.prisma.sponsorship.count();
  }

  async function history(): Promise<{ event: string; fingerprint: string; block: number }[]> {
    const read = await cli('keys', 'history', account, ...chainAt(), '--json');
    assert.equal(read.status, 0, read.stderr);
    return (JSON.parse(read.stdout) as { history: { event: string; fingerprint: string; block: number }[] })
      .history;
  }

  before(async () => {
    const made = await cli('keys', 'account', '--out', join(work, 'account.key'));
    assert.equal(made.status, 0, made.stderr);
    account = made.stdout.trim();
    for (const name of ['first', 'second', 'stranger', 'third']) await newKey(name);
  });

  it('publishes the key of an account holding 0 ETH; lookup and history read it back', async () => {
    assert.equal(await chain.balanceOf(account), 0n);
    const published = await cli('keys', 'publish', '--key', join(work, 'first'), ...sponsorAt());
    assert.equal(published.status, 0, published.stderr);
    assert.match(published.stdout, /^0x[0-9a-f]{64}\n$/);
    const receipt = await chain.rpc.request<{ status: string; from: string }>('eth_getTransactionReceipt', [
      published.stdout.trim(),
    ]);
    assert.equal(receipt.status, '0x1');
    assert.equal(receipt.from.toLowerCase(), chain.sponsor.address.toLowerCase(), 'the sponsor paid');
    assert.equal(await chain.balanceOf(account), 0n, 'the account still holds nothing');

    const cid = await cli('cid', join(work, 'first', 'public-key.json'));
    const lookup = await cli('keys', 'lookup', account, ...chainAt(), '--json');
    assert.equal(lookup.status, 0, lookup.stderr);
    const found = JSON.parse(lookup.stdout) as Record<string, unknown>;
    assert.equal(found.fingerprint, fingerprints.first);
    assert.equal(found.suite, 'modern');
    assert.equal(found.keyCid, cid.stdout.trim());
    assert.equal(typeof found.block, 'number');
    const text = await cli('keys', 'lookup', account, ...chainAt());
    assert.match(text.stdout, new RegExp(`^fingerprint ${fingerprints.first}\nsuite modern\nkey-file `));
    assert.deepEqual(
      (await history()).map(({ event, fingerprint }) => [event, fingerprint]),
      [['registered', fingerprints.first]],
    );
    assertFailure(
      await cli('keys', 'publish', '--key', join(work, 'second'), ...sponsorAt()),
      'KEY_ALREADY_REGISTERED',
    );
  });

  it('refuses a rotation signed by a key that is not the current one, asking the sponsor nothing', async () => {
    const before = await sponsorships();
    const forged = await cli(
      'keys',
      'rotate',
      '--old-key',
      join(work, 'stranger'),
      '--key',
      join(work, 'second'),
      ...sponsorAt(),
    );
    assertFailure(forged, 'NOT_CURRENT_KEY', 'old-key');
    assert.equal(await sponsorships(), before, 'nothing reached the sponsor');
    assert.equal((await history()).length, 1);
  });

  it('rotates with the old key’s signature; the history shows it and --expect accepts the old key', async () => {
    const rotated = await cli(
      'keys',
      'rotate',
      '--old-key',
      join(work, 'first'),
      '--key',
      join(work, 'second'),
      ...sponsorAt(),
    );
    assert.equal(rotated.status, 0, rotated.stderr);
    assert.equal(await chain.balanceOf(account), 0n);
    const events = await history();
    assert.deepEqual(
      events.map(({ event, fingerprint }) => [event, fingerprint]),
      [
        ['registered', fingerprints.first],
        ['rotated', fingerprints.second],
      ],
    );
    assert.ok(events[0]!.block < events[1]!.block);
    const expectOld = await cli('keys', 'lookup', account, ...chainAt(), '--expect', fingerprints.first!);
    assert.equal(expectOld.status, 0, expectOld.stderr);
    assert.match(expectOld.stdout, /^note: rotated from [0-9a-f]{64} by rotations the old key signed$/m);
    assertFailure(
      await cli('keys', 'lookup', account, ...chainAt(), '--expect', fingerprints.stranger!),
      'EXPECTED_KEY_UNKNOWN',
    );
  });

  it('flags a key that changed by revoke and a new registration: KEY_CHANGED_UNSIGNED', async () => {
    const revoked = await cli('keys', 'revoke', '--key', join(work, 'second'), ...sponsorAt());
    assert.equal(revoked.status, 0, revoked.stderr);
    assertFailure(
      await cli('keys', 'lookup', account, ...chainAt(), '--expect', fingerprints.second!),
      'KEY_REVOKED',
    );
    const again = await cli('keys', 'publish', '--key', join(work, 'third'), ...sponsorAt());
    assert.equal(again.status, 0, again.stderr);
    assertFailure(
      await cli('keys', 'lookup', account, ...chainAt(), '--expect', fingerprints.second!),
      'KEY_CHANGED_UNSIGNED',
    );
    const current = await cli('keys', 'lookup', account, ...chainAt(), '--expect', fingerprints.third!);
    assert.equal(current.status, 0, current.stderr);
    assert.deepEqual(
      (await history()).map(({ event, fingerprint }) => [event, fingerprint]),
      [
        ['registered', fingerprints.first],
        ['rotated', fingerprints.second],
        ['revoked', fingerprints.second],
        ['registered', fingerprints.third],
      ],
    );
    assert.equal(await chain.balanceOf(account), 0n, 'four changes, and the account never paid');
  });

  it('stores each key file on the platform; lookup --relay fetches it by CID and checks it', async () => {
    const published = await readFile(join(work, 'third', 'public-key.json'));
    const fetched = await cli('keys', 'lookup', account, ...chainAt(), '--relay', relay.url, '--json');
    assert.equal(fetched.status, 0, fetched.stderr);
    const found = JSON.parse(fetched.stdout) as { keyFile: { id: string } };
    assert.equal(found.keyFile.id, fingerprints.third);
    const text = await cli('keys', 'lookup', account, ...chainAt(), '--relay', relay.url);
    assert.match(text.stdout, /^key-file checked: its CID and fingerprint match\n\{/m);
    const out = join(work, 'fetched.json');
    assert.equal(
      (await cli('keys', 'lookup', account, ...chainAt(), '--relay', relay.url, '--out', out)).status,
      0,
    );
    assert.deepEqual(await readFile(out), published, 'the exact bytes published');
  });

  it('refuses a registration whose CID names another key’s file, or a file never stored', async () => {
    // A funded stranger registers the fingerprint of `stranger` with the CID of `first`'s key file
    // (stored on the relay earlier): the registry cannot tell, the reader must.
    const provider = new JsonRpcProvider(chain.anvil.rpcUrl, undefined, { staticNetwork: true });
    const registry = new Contract(
      chain.deployment.keyRegistry,
      anchorpostKeyRegistryInterface,
      chain.stranger.connect(provider),
    );
    const firstCid = (await cli('cid', join(work, 'first', 'public-key.json'))).stdout.trim();
    const register = registry.getFunction('register');
    await mined(register(`0x${fingerprints.stranger}`, 'modern', firstCid, chain.stranger.address));
    assertFailure(
      await cli('keys', 'lookup', chain.stranger.address, ...chainAt(), '--relay', relay.url),
      'KEY_FILE_MISMATCH',
      'keyCid',
    );
    const lone = chain.newUser().connect(provider);
    await chain.rpc.request('anvil_setBalance', [lone.address, '0xde0b6b3a7640000']);
    const neverStored = (await cli('cid', join(work, 'stranger', 'private-key.json'))).stdout.trim();
    const lonely = new Contract(chain.deployment.keyRegistry, anchorpostKeyRegistryInterface, lone);
    await mined(
      lonely.getFunction('register')(`0x${fingerprints.stranger}`, 'modern', neverStored, lone.address),
    );
    assertFailure(
      await cli('keys', 'lookup', lone.address, ...chainAt(), '--relay', relay.url),
      'KEY_FILE_NOT_FOUND',
    );
    provider.destroy();
  });
});
