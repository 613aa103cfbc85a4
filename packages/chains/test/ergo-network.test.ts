/**
 * A private Ergo network (devnet) as a first-class setting: the node's `/info` network checked
 * once, at start, against ANCHORPOST_ERGO_NETWORK, on the Ergo node test double reporting devnet.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '@anchorpost/config';
import { startErgoDevnet, type ErgoDevnet } from '@anchorpost/ergo-devnet';
import { Mnemonic } from 'ethers';
import {
  checkErgoNodeNetwork,
  ErgoChainReader,
  ergoNodeConfigFromEnv,
  ErgoNodeClient,
  ErgoWallet,
} from '../src/ergo/index.ts';

const TOKEN = 'ab'.repeat(32);

describe('Ergo devnet as a setting', () => {
  let devnet: ErgoDevnet;
  before(async () => {
    devnet = await startErgoDevnet({ network: 'devnet' });
  });
  after(() => devnet.close());

  it('reads ANCHORPOST_ERGO_NETWORK=devnet and refuses an unknown network, naming the variable', () => {
    const env = { ANCHORPOST_ERGO_NODE_URLS: devnet.url, ANCHORPOST_ERGO_NETWORK: 'devnet' };
    assert.equal(ergoNodeConfigFromEnv(env).network, 'devnet');
    assert.throws(
      () => ergoNodeConfigFromEnv({ ...env, ANCHORPOST_ERGO_NETWORK: 'privnet' }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_ERGO_NETWORK',
    );
  });

  it('accepts a node on devnet when configured devnet (what every service checks at start)', async () => {
    const reader = new ErgoChainReader({ nodeUrls: [devnet.url], network: 'devnet', tokenId: TOKEN });
    await reader.checkNetwork();
    assert.equal(reader.id, 'ergo:devnet');
  });

  it('refuses a devnet node configured testnet: BAD_CONFIG naming ANCHORPOST_ERGO_NETWORK', async () => {
    const reader = new ErgoChainReader({ nodeUrls: [devnet.url], network: 'testnet', tokenId: TOKEN });
    await assert.rejects(
      reader.checkNetwork(),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.key === 'ANCHORPOST_ERGO_NETWORK' &&
        error.message === 'ANCHORPOST_ERGO_NETWORK: the Ergo node is on devnet, configured testnet',
    );
    // Only the start-up check refuses: reads go on (a request never meets BAD_CONFIG).
    assert.equal((await reader.head()).number, devnet.height);
  });

  it('names the setting it is given (the relay and the CLI have their own)', async () => {
    const client = new ErgoNodeClient({ urls: [devnet.url] });
    await assert.rejects(
      checkErgoNodeNetwork(client, 'mainnet', 'ANCHORPOST_RELAY_ERGO_NETWORK'),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_RELAY_ERGO_NETWORK',
    );
  });

  it('gives devnet wallets testnet-prefix addresses, as a devnet node (sigma 5) takes them', () => {
    const mnemonic = Mnemonic.fromEntropy(randomBytes(16)).phrase;
    const onDevnet = ErgoWallet.fromMnemonic({ mnemonic, network: 'devnet' });
    const onTestnet = ErgoWallet.fromMnemonic({ mnemonic, network: 'testnet' });
    assert.equal(onDevnet.address, onTestnet.address);
    // The double funds only addresses of its network's prefix: a devnet wallet is fundable.
    devnet.fund(onDevnet.address, 1_000_000_000n);
  });
});
