// `anchorpost ergo`: the wallet address of a mnemonic file (EIP-3 derived, not the root key), and
// the refusals that must not echo the phrase. Minting against a node is covered by the chains
// package's Ergo suite and the e2e scenario (on the Ergo test double).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErgoWallet } from '@anchorpost/chains';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import { assertFailure, cli } from './cli-process.ts';

const PHRASE =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

describe('anchorpost ergo', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-cli-ergo-'));
    await writeFile(join(dir, 'good'), `${PHRASE}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'bad'), PHRASE.replace('about', 'abandon'), { mode: 0o600 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('prints the EIP-3 address of the mnemonic for the network', async () => {
    const testnet = await cli(
      'ergo',
      'address',
      '--network',
      'testnet',
      '--mnemonic-file',
      join(dir, 'good'),
    );
    assert.equal(testnet.status, 0, testnet.stderr);
    const expected = ErgoWallet.fromMnemonic({ mnemonic: PHRASE, network: 'testnet' });
    assert.equal(testnet.stdout, `${expected.address}\n`);
    assert.equal(expected.derivationPath, "m/44'/429'/0'/0/0");
    const mainnet = await cli(
      'ergo',
      'address',
      '--network',
      'mainnet',
      '--mnemonic-file',
      join(dir, 'good'),
    );
    assert.match(mainnet.stdout, /^9/, 'mainnet P2PK addresses start with 9');
    // A private network's addresses carry the testnet prefix (what a devnet node takes).
    const devnet = await cli('ergo', 'address', '--network', 'devnet', '--mnemonic-file', join(dir, 'good'));
    assert.equal(devnet.stdout, testnet.stdout);
  });

  it('refuses to mint on a node of another network: BAD_CONFIG --network, nothing sent', async () => {
    const node = await startErgoDevnet({ network: 'devnet' });
    try {
      const result = await cli(
        'ergo',
        'mint-marker',
        '--node',
        node.url,
        '--network',
        'testnet',
        '--mnemonic-file',
        join(dir, 'good'),
      );
      assertFailure(result, 'BAD_CONFIG', '--network');
      assert.match(result.stderr, /the Ergo node is on devnet, configured testnet/);
      assert.deepEqual(node.mempool(), []);
    } finally {
      await node.close();
    }
  });

  it('refuses a mnemonic with a bad checksum without printing it, and bad options as usage', async () => {
    const bad = await cli('ergo', 'address', '--network', 'testnet', '--mnemonic-file', join(dir, 'bad'));
    assertFailure(bad, 'BAD_CONFIG', 'mnemonic-file');
    assert.ok(!bad.stderr.includes('abandon'), 'the phrase is never echoed');
    assertFailure(
      await cli('ergo', 'address', '--network', 'privnet', '--mnemonic-file', join(dir, 'good')),
      'USAGE',
      '-',
      2,
    );
    assertFailure(
      await cli('ergo', 'mint-marker', '--network', 'testnet', '--mnemonic-file', join(dir, 'good')),
      'USAGE',
      '-',
      2,
    );
  });

  it('reports an unreachable node as UNAVAILABLE', async () => {
    const result = await cli(
      'ergo',
      'mint-marker',
      '--node',
      'http://127.0.0.1:9',
      '--network',
      'testnet',
      '--mnemonic-file',
      join(dir, 'good'),
    );
    assertFailure(result, 'UNAVAILABLE', 'ergo');
  });
});
