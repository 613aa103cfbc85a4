// The contact list and the check on `send --to`, end to end on anvil with the real registry and
// sponsor (PGlite) and a real relay (embedded adapters), the CLI as child processes. A contact's
// key is pinned on first use; a rotation signed by the pinned key is accepted and moves the pin;
// a key revoked and registered again, or the pinned fingerprint registered again under another
// rotation signer by whoever holds the account key and rotated away from with it (the attack the
// fingerprint alone would not see), is refused with KEY_CHANGED_UNSIGNED and nothing is sent;
// `--expect` naming the new key accepts it. The file must also be sealed to exactly the contacts'
// checked keys (and the sender's own): a group made before a rotation (GROUP_MISSES_CONTACT), one
// with another key or a contact's old key in it (GROUP_HAS_OTHER_KEY) and a file built for another
// group than `--group` (FILE_NOT_FOR_GROUP) are refused, nothing sent and no pin moved.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Contract, JsonRpcProvider, NonceManager, Wallet } from 'ethers';
import { createGroup, parsePublicKeyFile, type GroupKeys } from '@anchorpost/protocol';
import { saveGroup, saveIdentity } from '@anchorpost/sdk';
import type { RunningService } from '@anchorpost/service-kit';
import {
  anchorpostKeyRegistryInterface,
  keyRegistryDomain,
  ROTATION_TYPES,
} from '@anchorpost/sponsor-contracts';
import type { SponsorTestChain } from '@anchorpost/sponsor-contracts/testing';
import { startSponsorStage, type SponsorStage } from '@anchorpost/sponsor-service/testing';
import { assertFailure, cli } from './cli-process.ts';
import { mined } from './mined.ts';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let stage: SponsorStage;
let chain: SponsorTestChain;
let service: RunningService;
let relay: RelayFixture;
let group: GroupKeys;
let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-contacts-'));
  process.env.ANCHORPOST_CONFIG_DIR = join(work, 'config');
  [stage, relay] = await Promise.all([startSponsorStage(), openRelayFixture()]);
  ({ chain, service } = stage);
  group = await relay.group();
  await relay.admitApiKey(stage.apiKey);
});
after(async () => {
  await Promise.all([stage.close(), relay.close()]);
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost contact add | list | remove, and send --to', { timeout: 300_000 }, () => {
  const chainAt = () => ['--registry', chain.deployment.keyRegistry, '--rpc', chain.anvil.rpcUrl];
  const fingerprints: Record<string, string> = {};
  const accounts: Record<string, string> = {};
  let sent = 0;

  const keyFolder = (name: string) => join(work, name);
  const sponsorAt = (account: string) => [
    ...chainAt(),
    '--sponsor',
    service.urls['http']!,
    '--api-key',
    stage.apiKey,
    '--account-key',
    join(work, `${account}.key`),
    '--relay',
    relay.url,
  ];

  async function ok(...args: string[]): Promise<string> {
    const run = await cli(...args);
    assert.equal(run.status, 0, `${args.slice(0, 2).join(' ')}: ${run.stderr}`);
    return run.stdout;
  }

  interface SealedGroup {
    readonly path: string;
    readonly keys: GroupKeys;
  }

  /** A group of the key folders `members` and the sender, its bundle written for `--group`. */
  async function groupOf(...members: string[]): Promise<SealedGroup> {
    const keys = await Promise.all(
      members.map(async (name) =>
        parsePublicKeyFile(JSON.parse(await readFile(join(keyFolder(name), 'public-key.json'), 'utf8'))),
      ),
    );
    const made = await createGroup('modern', [...keys, relay.sender.public]);
    const path = join(work, `group-${members.join('-')}-${made.bundle.id.slice(0, 8)}.json`);
    await saveGroup(path, made.bundle);
    return { path, keys: made.keys };
  }

  /** A tx-file to `to`, written to disk for `send`. */
  async function txFile(to: GroupKeys): Promise<string> {
    const path = join(work, `tx-${++sent}.yaml`);
    await writeFile(path, relay.txFile(`message ${sent}`, to));
    return path;
  }

  const senderKey = () => join(work, 'sender', 'private-key.json');
  let lastFile = '';
  /** Sends a file sealed to `to` (its bundle named by `--group`, unless `flags` name another). */
  async function send(to: SealedGroup | undefined, ...flags: string[]) {
    lastFile = await txFile(to?.keys ?? group);
    const sealed = to === undefined ? [] : ['--group', to.path, '--key', senderKey()];
    return cli(
      'send',
      lastFile,
      '--relay',
      relay.url,
      '--api-key',
      relay.apiKey,
      ...chainAt(),
      ...sealed,
      ...flags,
    );
  }

  /** Whether the relay holds a receipt for the last file `send` was given. */
  async function lastFileReached(): Promise<boolean> {
    const cid = (await ok('cid', lastFile)).trim();
    const response = await fetch(`${relay.url}/v1/receipts/${cid}`);
    await response.body?.cancel();
    return response.status === 200;
  }

  async function pinOf(name: string): Promise<string> {
    const listed = JSON.parse(await ok('contact', 'list', '--json')) as {
      contacts: Record<string, { fingerprint: string }>;
    };
    return listed.contacts[name]!.fingerprint;
  }

  before(async () => {
    await saveIdentity(join(work, 'sender'), relay.sender);
    for (const name of ['a1', 'a2', 'b1', 'b2', 'c1', 'c2', 'c3'])
      fingerprints[name] = (await ok('keys', 'new', '--out', keyFolder(name))).trim();
    for (const account of ['alice', 'bob', 'carol'])
      accounts[account] = (await ok('keys', 'account', '--out', join(work, `${account}.key`))).trim();
    await ok('keys', 'publish', '--key', keyFolder('a1'), ...sponsorAt('alice'));
    await ok('keys', 'publish', '--key', keyFolder('b1'), ...sponsorAt('bob'));
    await ok('keys', 'publish', '--key', keyFolder('c1'), ...sponsorAt('carol'));
  });

  it('pins each contact’s registered key in an owner-only file; send --to passes while it is unchanged', async () => {
    for (const name of ['alice', 'bob', 'carol'])
      await ok('contact', 'add', name, accounts[name]!, ...chainAt());
    const file = join(work, 'config', 'contacts.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await pinOf('alice'), fingerprints.a1);
    assertFailure(await cli('contact', 'add', 'alice', accounts.alice!, ...chainAt()), 'CONTACT_EXISTS');
    assertFailure(
      await cli('contact', 'add', 'x', accounts.bob!, '--fingerprint', fingerprints.a1!, ...chainAt()),
      'FINGERPRINT_MISMATCH',
    );
    const passed = await send(await groupOf('a1', 'b1'), '--to', 'alice', '--to', 'bob');
    assert.equal(passed.status, 0, passed.stderr);
    assert.equal(passed.stderr, '', 'nothing changed: no notice');
    assert.equal(await lastFileReached(), true);
  });

  it('refuses a file whose group is not exactly the contacts’ keys, sending nothing', async () => {
    assertFailure(await send(undefined, '--to', 'alice'), 'USAGE', '-', 2);
    assertFailure(
      await send(await groupOf('a1'), '--to', 'alice', '--to', 'bob'),
      'GROUP_MISSES_CONTACT',
      '--group',
    );
    assert.equal(await lastFileReached(), false);
    assertFailure(
      await send(await groupOf('a1', 'b1', 'c1'), '--to', 'alice', '--to', 'bob'),
      'GROUP_HAS_OTHER_KEY',
    );
    assert.equal(await lastFileReached(), false);
    const theirs = await groupOf('a1');
    lastFile = await txFile((await groupOf('a1')).keys);
    const elsewhere = await cli(
      'send',
      lastFile,
      '--relay',
      relay.url,
      '--api-key',
      relay.apiKey,
      ...chainAt(),
      '--group',
      theirs.path,
      '--key',
      senderKey(),
      '--to',
      'alice',
    );
    assertFailure(elsewhere, 'FILE_NOT_FOR_GROUP', lastFile);
    assert.equal(await lastFileReached(), false);
  });

  it('accepts a rotation the pinned key signed and moves the pin, with a notice', async () => {
    await ok('keys', 'rotate', '--old-key', keyFolder('a1'), '--key', keyFolder('a2'), ...sponsorAt('alice'));
    // A group made before the rotation lacks alice's key now; one holding both has her old key too.
    const stale = await send(await groupOf('a1'), '--to', 'alice');
    assertFailure(stale, 'GROUP_MISSES_CONTACT', '--group');
    assert.match(stale.stderr, new RegExp(fingerprints.a2!));
    assertFailure(await send(await groupOf('a1', 'a2'), '--to', 'alice'), 'GROUP_HAS_OTHER_KEY');
    assert.equal(await lastFileReached(), false);
    assert.equal(await pinOf('alice'), fingerprints.a1, 'refused: the pin has not moved');
    const passed = await send(await groupOf('a2'), '--to', 'alice');
    assert.equal(passed.status, 0, passed.stderr);
    assert.match(
      passed.stderr,
      new RegExp(`^notice: alice: rotated from ${fingerprints.a1} .*pin updated to ${fingerprints.a2}\n$`),
    );
    assert.equal(await pinOf('alice'), fingerprints.a2);
    const again = await send(await groupOf('a2'), '--to', 'alice');
    assert.equal(again.stderr, '', 'the pin moved once');
  });

  it('refuses a key revoked and registered again, sending nothing; --expect names it and moves the pin', async () => {
    await ok('keys', 'revoke', '--key', keyFolder('b1'), ...sponsorAt('bob'));
    await ok('keys', 'publish', '--key', keyFolder('b2'), ...sponsorAt('bob'));
    const before = sent;
    const refused = await send(await groupOf('a2', 'b2'), '--to', 'alice', '--to', 'bob');
    assertFailure(refused, 'KEY_CHANGED_UNSIGNED', accounts.bob);
    assert.equal(refused.stdout, '', 'no receipt printed');
    assert.equal(await lastFileReached(), false, 'nothing was sent');
    assert.equal(await pinOf('bob'), fingerprints.b1, 'the pin stays');
    assertFailure(
      await send(await groupOf('b1'), '--to', 'bob', '--expect', fingerprints.b1!),
      'KEY_CHANGED_UNSIGNED',
    );
    const expected = await send(await groupOf('b2'), '--to', 'bob', '--expect', fingerprints.b2!);
    assert.equal(expected.status, 0, expected.stderr);
    assert.match(expected.stderr, /^notice: bob: changed from .* accepted as expected; pin updated to /);
    assert.equal(await pinOf('bob'), fingerprints.b2);
    assert.equal(await lastFileReached(), true);
    assert.equal(sent, before + 3);
  });

  it('refuses the pinned fingerprint registered again under another rotation signer and rotated away', async () => {
    // Whoever holds carol's account key (not her key folder): revoke, register her fingerprint
    // again with a rotation signer of their own, rotate to their key with it — every step valid.
    const provider = new JsonRpcProvider(chain.anvil.rpcUrl, undefined, { staticNetwork: true });
    const stolen = new Wallet((await readFile(join(work, 'carol.key'), 'utf8')).trim(), provider);
    await chain.rpc.request('anvil_setBalance', [stolen.address, '0xde0b6b3a7640000']);
    // One nonce after another: the provider's cached count would hand the same nonce twice.
    const registry = new Contract(
      chain.deployment.keyRegistry,
      anchorpostKeyRegistryInterface,
      new NonceManager(stolen),
    );
    const current = (await registry.getFunction('keyOf')(stolen.address)) as [string, string, string, string];
    const forger = Wallet.createRandom();
    await mined(registry.getFunction('revoke')());
    await mined(registry.getFunction('register')(current[0], current[1], current[2], forger.address));
    const change = {
      identity: stolen.address,
      oldFingerprint: current[0],
      newFingerprint: `0x${fingerprints.c3}`,
      newSuite: 'modern',
      newKeyCid: current[2],
      newRotationSigner: forger.address,
      rotation: (await registry.getFunction('rotations')(stolen.address)) as bigint,
    };
    const chainId = BigInt(await chain.rpc.request<string>('eth_chainId', []));
    const signature = await forger.signTypedData(
      keyRegistryDomain(chainId, chain.deployment.keyRegistry),
      ROTATION_TYPES,
      change,
    );
    await mined(
      registry.getFunction('rotate')(change.newFingerprint, 'modern', current[2], forger.address, signature),
    );
    provider.destroy();

    assertFailure(await send(await groupOf('c1'), '--to', 'carol'), 'KEY_CHANGED_UNSIGNED', accounts.carol);
    assert.equal(await lastFileReached(), false);
    assert.equal(await pinOf('carol'), fingerprints.c1);
    assertFailure(
      await cli('keys', 'lookup', accounts.carol!, ...chainAt(), '--expect', fingerprints.c1!),
      'KEY_CHANGED_UNSIGNED',
    );
  });

  it('removes a contact; a file others can write is refused', async () => {
    await ok('contact', 'remove', 'carol');
    assertFailure(await send(await groupOf('c1'), '--to', 'carol'), 'CONTACT_NOT_FOUND', 'carol');
    assertFailure(await cli('contact', 'remove', 'carol'), 'CONTACT_NOT_FOUND');
    await chmod(join(work, 'config', 'contacts.json'), 0o666);
    assertFailure(await cli('contact', 'list'), 'CONTACTS_FILE_MODE');
    await chmod(join(work, 'config', 'contacts.json'), 0o600);
  });
});
