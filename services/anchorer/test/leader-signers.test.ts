// The anchorer's keys sign only while the replica leads: an EVM signer and an Ergo wallet that
// refuse (a retryable ChainError, nothing signed) the moment the term ends, and sign again when
// it comes back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChainError, ChainErrorCode, ErgoWallet } from '@anchorpost/chains';
import { ergoWalletWhileLeading, signerWhileLeading } from '../src/leader-signers.ts';

/** The BIP-39 test vector; the key of no one. */
const PHRASE =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

const refused = (error: unknown) =>
  error instanceof ChainError && error.code === ChainErrorCode.Unavailable && error.retryable;

describe('signers while leading', () => {
  it('an EVM signer signs only while the replica leads', async () => {
    const address = '0x00000000000000000000000000000000000a11ce';
    let leading = true;
    let signed = 0;
    const signer = signerWhileLeading(
      {
        getAddress: () => Promise.resolve(address),
        signTransaction: () => {
          signed += 1;
          return Promise.resolve(`0x02signed${signed}`);
        },
      },
      () => leading,
    );
    const tx = { type: 2, chainId: 31337n, nonce: 0, to: address, value: 0n, gasLimit: 21_000n };
    assert.equal(await signer.signTransaction(tx), '0x02signed1');
    leading = false;
    await assert.rejects(signer.signTransaction(tx), refused);
    assert.equal(signed, 1, 'the key was not used');
    assert.equal(await signer.getAddress(), address, 'the address is still known');
    leading = true;
    assert.equal(await signer.signTransaction({ ...tx, nonce: 1 }), '0x02signed2');
  });

  it('an Ergo wallet signs only while the replica leads, and is otherwise the same wallet', () => {
    const wallet = ErgoWallet.fromMnemonic({ mnemonic: PHRASE, network: 'testnet' });
    let leading = false;
    const guarded = ergoWalletWhileLeading(wallet, () => leading);
    assert.equal(guarded.address, wallet.address);
    assert.equal(guarded.ergoTree, wallet.ergoTree);
    assert.equal(guarded.derivationPath, wallet.derivationPath);
    assert.throws(() => guarded.sign(undefined as never, [], []), refused);
    leading = true;
    // Leading, the call reaches the wallet (which refuses the empty transaction itself).
    assert.throws(
      () => guarded.sign(undefined as never, [], []),
      (error) => !refused(error),
    );
  });
});
