// `anchorpost peer …` as child processes against a real relay's admin API: peers added from their
// trust roots, listed, removed; a bad trust file, the platform's own name and an unknown peer refused.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertFailure, cli } from './cli-process.ts';
import { openRelayFixture, type RelayFixture } from './relay-fixture.ts';

let relay: RelayFixture;
let work: string;

const roots = (platform: string) => ({
  version: 1,
  platform,
  evm: [
    {
      chainId: '31337',
      contract: `0x${'AB'.repeat(20)}`,
      submitters: [`0x${'cd'.repeat(20)}`],
    },
  ],
});

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'anchorpost-cli-peer-test-'));
  relay = await openRelayFixture();
});
after(async () => {
  await relay.close();
  await rm(work, { recursive: true, force: true });
});

describe('anchorpost peer', { timeout: 120_000 }, () => {
  const admin = () => ['--admin', relay.adminUrl, '--admin-key-file', relay.adminKeyFile];
  const trustFile = async (name: string, body: unknown) => {
    const path = join(work, `${name}.json`);
    await writeFile(path, JSON.stringify(body));
    return path;
  };

  it('adds a peer from its trust roots once, lists it and removes it', async () => {
    const file = await trustFile('b', roots('platform-b'));
    assert.equal((await cli('peer', 'add', file, ...admin())).stdout, 'added platform-b\n');
    assert.equal(
      (await cli('peer', 'add', file, ...admin())).stdout,
      'platform-b is a peer already (unchanged)\n',
    );
    const listed = await cli('peer', 'list', ...admin());
    assert.match(listed.stdout, /^platform-b added \S+Z\n {2}evm 31337 0x(ab){20} submitters 0x(cd){20}\n$/);
    const json = JSON.parse((await cli('peer', 'list', '--json', ...admin())).stdout) as {
      peers: { name: string; addedAt: string; trustRoots: unknown }[];
    };
    assert.deepEqual(json.peers, [
      {
        name: 'platform-b',
        addedAt: json.peers[0]!.addedAt,
        // Stored as parsed: lower-case hex, every key present.
        trustRoots: {
          ...roots('platform-b'),
          evm: [{ ...roots('platform-b').evm[0], contract: `0x${'ab'.repeat(20)}` }],
          ergo: [],
        },
      },
    ]);
    assert.equal((await cli('peer', 'remove', 'platform-b', ...admin())).stdout, 'removed platform-b\n');
    assertFailure(await cli('peer', 'remove', 'platform-b', ...admin()), 'PEER_NOT_FOUND');
    assert.equal((await cli('peer', 'list', ...admin())).stdout, '');
  });

  it('refuses a bad trust file and the platform itself', async () => {
    const noSubmitters = await trustFile('bad', {
      ...roots('platform-c'),
      evm: [{ ...roots('c').evm[0], submitters: [] }],
    });
    assertFailure(await cli('peer', 'add', noSubmitters, ...admin()), 'INVALID_TRUST_ROOTS');
    const itself = await trustFile('self', roots('anchorpost-local'));
    assertFailure(await cli('peer', 'add', itself, ...admin()), 'BAD_ARGUMENT');
    assertFailure(await cli('peer', 'add', ...admin()), 'USAGE', undefined, 2);
    assert.equal((await cli('peer', 'list', ...admin())).stdout, '', 'nothing was added');
  });
});
