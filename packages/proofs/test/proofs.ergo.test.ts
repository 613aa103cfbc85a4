/**
 * Checking an Ergo anchor of a proof against a node, trusting nothing else: a real anchoring
 * transaction (ErgoChain on the Ergo node test double), then every way a proof can lie about it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ErgoChain,
  ErgoNodeClient,
  ErgoWallet,
  MemoryAnchorRequestStore,
  mintMarker,
} from '@anchorpost/chains';
import { sampleAnchorRequest } from '@anchorpost/chains/testing';
import { startErgoDevnet } from '@anchorpost/ergo-devnet';
import type { ErgoDevnet } from '@anchorpost/ergo-devnet';
import { Mnemonic } from 'ethers';
import { checkErgoAnchor } from '../src/ergo-anchor-check.ts';
import { checkTrustedBlock } from '../src/trusted-block-check.ts';
import { ProofError } from '../src/proof-error.ts';
import type { ErgoAnchorProof, ProofBatch } from '../src/tx-file-proof.ts';

describe('checkErgoAnchor on the Ergo node test double', () => {
  let devnet: ErgoDevnet;
  let client: ErgoNodeClient;
  let anchor: ErgoAnchorProof;
  let batch: ProofBatch;
  const request = sampleAnchorRequest(7);

  before(async () => {
    devnet = await startErgoDevnet();
    client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
    const wallet = ErgoWallet.fromMnemonic({
      mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase,
      network: 'testnet',
    });
    devnet.fund(wallet.address, 10_000_000_000n);
    const { tokenId, startHeight } = await mintMarker({ client, wallet, float: 1_000_000_000n });
    devnet.mine(1);
    const chain = new ErgoChain({
      nodeUrls: [devnet.url],
      network: 'testnet',
      tokenId,
      startHeight,
      wallet,
      store: new MemoryAnchorRequestStore(),
      confirmations: 2,
    });
    await chain.anchor(request);
    await chain.tick();
    devnet.mine(3);
    await chain.tick();
    const inclusion = (await chain.status(7))!.inclusion!;
    anchor = {
      chain: 'ergo',
      chainId: 'testnet',
      tokenId,
      txId: inclusion.txHash,
      height: inclusion.blockNumber,
      headerId: inclusion.blockHash,
      blockTime: inclusion.blockTime,
      confirmations: 1,
      status: 'final',
    };
    batch = {
      cid: request.batchCid,
      platform: 'p',
      sequence: request.sequence,
      count: 1,
      merkleRoot: request.root,
      sealedAt: '2026-11-22T00:00:00.000Z',
      previous: 'bafyreiccw2xuvl22li46plrqcs7d5ml5eh3jx6l4oq7w6c7dkoilwgccj4',
    };
  });
  after(() => devnet.close());

  const check = (a: Partial<ErgoAnchorProof> = {}, b: Partial<ProofBatch> = {}, minConfirmations = 1) =>
    checkErgoAnchor(
      client,
      { ...anchor, ...a },
      { ...batch, ...b },
      { field: 'anchors[1]', minConfirmations },
    );

  const fails = async (promise: Promise<unknown>, code: string, field: string) => {
    const error = await promise.then(
      () => assert.fail(`expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProofError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.field, field, error.message);
  };

  it('accepts the real anchor and counts its confirmations from the node', async () => {
    const verified = await check();
    assert.equal(verified.txId, anchor.txId);
    assert.equal(verified.head, devnet.height);
    assert.equal(verified.confirmations, devnet.height - anchor.height + 1);
  });

  it('refuses a proof that claims another root, batch or sequence', async () => {
    await fails(check({}, { merkleRoot: 'ab'.repeat(32) }), 'ANCHOR_MISMATCH', 'batch.merkleRoot');
    await fails(check({}, { cid: sampleAnchorRequest(8).batchCid }), 'ANCHOR_MISMATCH', 'batch.cid');
    await fails(check({}, { sequence: 8 }), 'ANCHOR_MISMATCH', 'batch.sequence');
  });

  it('refuses another token, transaction, header, time or network', async () => {
    await fails(check({ tokenId: 'cd'.repeat(32) }), 'ANCHOR_NOT_FOUND', 'anchors[1].tokenId');
    await fails(check({ txId: 'ef'.repeat(32) }), 'ANCHOR_NOT_FOUND', 'anchors[1].txId');
    await fails(check({ headerId: '12'.repeat(32) }), 'NOT_CANONICAL', 'anchors[1].headerId');
    await fails(check({ height: anchor.height - 1 }), 'NOT_CANONICAL', 'anchors[1].headerId');
    await fails(check({ blockTime: '2001-01-01T00:00:00.000Z' }), 'ANCHOR_MISMATCH', 'anchors[1].blockTime');
    await fails(check({ chainId: 'mainnet' }), 'WRONG_CHAIN', 'anchors[1].chainId');
    await fails(check({}, {}, 1000), 'TOO_FEW_CONFIRMATIONS', 'anchors[1].height');
  });

  it('finds the trustedblock on the chain by height and id, takes its time, and refuses any other', async () => {
    const height = anchor.height - 2;
    const blockId = (await client.bestHeaderIdAt(height))!;
    const header = (await client.header(blockId))!;
    const time = await checkTrustedBlock(client, { height, blockId });
    assert.equal(time, new Date(header.timestamp).toISOString());
    assert.equal(await checkTrustedBlock(client, { height, blockId, time }), time);
    await fails(
      checkTrustedBlock(client, { height, blockId, time: '2001-01-01T00:00:00.000Z' }),
      'ANCHOR_MISMATCH',
      'timeBound.notBefore.time',
    );
    // A garbage id, a real block named at another height, a height above the tip.
    for (const claim of [
      { height, blockId: 'ab'.repeat(32) },
      { height: height - 1, blockId },
      { height: devnet.height + 5, blockId },
    ]) {
      await fails(
        checkTrustedBlock(client, claim),
        'TRUSTEDBLOCK_NOT_ON_CHAIN',
        'timeBound.notBefore.blockId',
      );
    }
  });

  it('RPC_UNAVAILABLE (retryable) when the node cannot be reached: never an unchecked bound', async () => {
    const down = new ErgoNodeClient({ urls: ['http://127.0.0.1:9'], retries: 0, timeoutMs: 500 });
    const error = await checkTrustedBlock(down, { height: 1, blockId: 'ab'.repeat(32) }).then(
      () => assert.fail('expected RPC_UNAVAILABLE'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof ProofError && error.code === 'RPC_UNAVAILABLE', String(error));
    assert.equal(error.retryable, true);
  });

  it('refuses the anchor once its block is rolled back', async () => {
    devnet.rollback(devnet.height - anchor.height + 1, { dropTransactions: true });
    devnet.mine(5);
    await fails(check(), 'NOT_CANONICAL', 'anchors[1].headerId');
  });
});
