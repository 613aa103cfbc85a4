/**
 * Following a peer platform's anchors (ADR 0031): the same parser on the peer's contract, with the
 * peer's submitters, its own cursor and the origin of what it indexes; and what it refuses.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChainAnchor } from '@anchorpost/chains';
import { encodeBatchFile, toHex } from '@anchorpost/protocol';
import { isStorageError, type ContentAddress } from '@anchorpost/storage-port';
import { isParserError } from '../src/parser-error.ts';
import type { PeerFollowing } from '../src/parser-options.ts';
import { PLATFORM, startWorld } from './environment.ts';
import type { World } from './environment.ts';

const PEER = 'platform-b';

describe('Parser following a peer', { timeout: 240_000 }, () => {
  let world: World | undefined;
  const w = (): World => world!;

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    await world?.close();
  });
  beforeEach(async () => {
    await w().db.index.truncateAll();
    await w().db.peers.removePeer(PEER);
    await w().db.peers.addPeer({ name: PEER, trustRoots: { version: 1 }, addedAt: new Date() });
  });

  function peer(submitters = [w().chain.owner.address]): PeerFollowing {
    return { name: PEER, submitters, store: w().db.peers };
  }

  function rejections() {
    const rejected: { anchor: ChainAnchor; error: Error }[] = [];
    return { rejected, observer: { anchorRejected: (e: (typeof rejected)[number]) => rejected.push(e) } };
  }

  it("indexes the peer's batch at the trusted depth with its origin, on the peer's own cursor", async () => {
    const contract = await w().deployContract();
    const batch = await w().sealBatch(0, await w().sendTxFiles(3), null, PEER);
    const anchored = await w().anchor(contract.address, 0, batch.root, batch.cid);
    const parser = w().parser(contract, { trustedDepth: 3, peer: peer() });

    await w().chain.mine(1);
    assert.equal((await parser.runOnce()).anchorsIndexed, 0, 'below the trusted depth');
    assert.equal(await w().db.index.getBatch(batch.cid), null);

    await w().chain.mine(1);
    const run = await parser.runOnce();
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 3);
    assert.equal((await w().db.index.getBatch(batch.cid))?.platform, PEER);
    assert.deepEqual(await w().db.peers.peerBatch(batch.cid), {
      batchCid: batch.cid,
      peer: PEER,
      chain: 'evm',
      chainId: '31337',
    });
    const proof = await w().db.index.getProof(batch.txFiles[0]!.cid);
    assert.equal(
      proof?.anchors[0]?.contract,
      contract.address.toLowerCase(),
      "anchored on the peer's contract",
    );
    const cursor = await w().db.peers.getPeerCursor(PEER, 'evm', '31337');
    assert.ok(cursor !== null && cursor.lastBlock >= anchored.blockNumber, "the peer's cursor moved");
    assert.equal(await w().db.index.getChainCursor('evm', '31337'), null, "the platform's own did not");

    const again = await w().parser(contract, { trustedDepth: 3, peer: peer() }).runOnce();
    assert.equal(again.anchorsIndexed, 0, 'a restart resumes from the peer cursor: nothing twice');
  });

  it('refuses anchors outside its submitters, roots it never anchored, other platforms and our own batches', async () => {
    const contract = await w().deployContract();
    // A root the peer did not anchor: the anchor names the batch but another root.
    const forged = await w().sealBatch(0, await w().sendTxFiles(1), null, PEER);
    await w().anchor(contract.address, 0, 'ab'.repeat(32), forged.cid);
    // A batch-file that names another platform (it would take that platform's place in the index).
    const impostor = await w().sealBatch(1, await w().sendTxFiles(1), forged.cid, PLATFORM);
    await w().anchor(contract.address, 1, impostor.root, impostor.cid);
    // A batch this platform indexed as its own, anchored again by the peer.
    const ownContract = await w().deployContract();
    const own = await w().sealBatch(7, await w().sendTxFiles(1), forged.cid, PLATFORM);
    await w().anchor(ownContract.address, 7, own.root, own.cid);
    await w().anchor(contract.address, 2, own.root, own.cid);
    const valid = await w().sealBatch(3, await w().sendTxFiles(1), forged.cid, PEER);
    await w().anchor(contract.address, 3, valid.root, valid.cid);
    await w().chain.mine(3);
    assert.equal((await w().parser(ownContract, { trustedDepth: 3 }).runOnce()).anchorsIndexed, 1);

    const { rejected, observer } = rejections();
    const run = await w().parser(contract, { trustedDepth: 3, peer: peer(), observer }).runOnce();
    assert.deepEqual(
      rejected.map((e) => [e.anchor.sequence, isParserError(e.error) ? e.error.code : e.error.name]),
      [
        [0, 'BATCH_MISMATCH'],
        [1, 'BATCH_MISMATCH'],
        [2, 'BATCH_CONFLICT'],
      ],
    );
    assert.match(rejected[1]!.error.message, /names platform anchorpost-test, anchored by peer platform-b/);
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(await w().db.peers.peerBatch(own.cid), null, 'our own batch stays ours');
    assert.equal(await w().db.index.getBatch(forged.cid), null);
    assert.equal(await w().db.index.getBatch(impostor.cid), null);

    // The same contract followed with roots that name another submitter: nothing counts.
    await w().db.index.truncateAll();
    const strangers = rejections();
    const other = `0x${'12'.repeat(20)}`;
    const untrusted = await w()
      .parser(contract, { trustedDepth: 3, peer: peer([other]), observer: strangers.observer })
      .runOnce();
    assert.equal(untrusted.anchorsIndexed, 0);
    assert.equal(strangers.rejected.length, 4);
    assert.ok(strangers.rejected.every((e) => isParserError(e.error, 'UNTRUSTED_ANCHOR')));
    assert.equal(await w().db.index.getBatch(valid.cid), null);
  });

  it("holds the peer's cursor before a batch-file out of its storage's reach (PEER_CONTENT_UNREACHABLE), then indexes it once reachable", async () => {
    const contract = await w().deployContract();
    const txFiles = await w().sendTxFiles(2);
    // The peer seals and anchors a batch-file whose blocks stay on the peer's side.
    const blocks: { cid: ContentAddress; bytes: Uint8Array }[] = [];
    let batchCid = '';
    let root = '';
    const header = { platform: PEER, sequence: 0, previous: null, sealedAt: new Date().toISOString() };
    for await (const block of encodeBatchFile(
      header,
      txFiles.map((f) => f.cid),
    )) {
      blocks.push(block);
      if (block.kind === 'root') {
        batchCid = block.cid.toString();
        root = toHex(block.root.merkleRoot);
      }
    }
    const anchored = await w().anchor(contract.address, 0, root, batchCid);
    await w().chain.mine(3);
    const unreachable: { anchor: ChainAnchor; error: Error }[] = [];
    const { rejected, observer } = rejections();
    const parser = w().parser(contract, {
      trustedDepth: 3,
      peer: peer(),
      observer: { ...observer, contentUnreachable: (e) => unreachable.push(e) },
    });

    for (let attempt = 1; attempt <= 2; attempt++) {
      await assert.rejects(
        parser.runOnce(),
        (error: unknown) =>
          isParserError(error, 'PEER_CONTENT_UNREACHABLE') &&
          error.retryable &&
          isStorageError(error.cause, 'NOT_FOUND') &&
          error.message.includes(batchCid),
      );
      assert.equal(unreachable.length, attempt, 'reported on every try');
      assert.equal(unreachable[attempt - 1]!.anchor.txHash, anchored.txHash);
      const cursor = await w().db.peers.getPeerCursor(PEER, 'evm', '31337');
      assert.ok(
        cursor === null || cursor.lastBlock < anchored.blockNumber,
        'the cursor stays before the anchor',
      );
    }
    assert.deepEqual(rejected, [], 'not refused for good');
    assert.equal(await w().db.index.getBatch(batchCid), null);

    // The peer's batch-file comes within reach (the peer leaves private mode): nothing was skipped.
    for (const block of blocks) await w().store.putBlock(block.cid, block.bytes);
    const run = await parser.runOnce();
    assert.deepEqual([run.anchorsIndexed, run.txFilesIndexed], [1, 2]);
    assert.equal((await w().db.index.getBatch(batchCid))?.platform, PEER);
  });

  it('refuses a peer without submitters, naming the option', () => {
    assert.throws(
      () => w().parser({ address: `0x${'34'.repeat(20)}`, blockNumber: 0 }, { peer: peer([]) }),
      (error: unknown) => isParserError(error, 'BAD_CONFIG') && /peer\.submitters/.test(error.message),
    );
    const contract = { address: `0x${'34'.repeat(20)}`, blockNumber: 0 };
    assert.throws(
      () => w().parser(contract, { peer: { name: PEER, store: w().db.peers } }),
      (error: unknown) =>
        isParserError(error, 'BAD_CONFIG') && /peer\.submitters: required/.test(error.message),
      'an EVM peer without submitters',
    );
    // On Ergo the peer's marker token is the authority: submitters there are a wiring mistake.
    assert.throws(
      () => w().parser(contract, { peer: peer(), chain: 'ergo', chainId: 'testnet' }),
      (error: unknown) => isParserError(error, 'BAD_CONFIG') && /not on Ergo/.test(error.message),
    );
    assert.doesNotThrow(() =>
      w().parser(contract, { peer: { name: PEER, store: w().db.peers }, chain: 'ergo', chainId: 'testnet' }),
    );
  });
});
