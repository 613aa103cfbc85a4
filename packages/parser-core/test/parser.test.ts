import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChainAnchor } from '@anchorpost/chains';
import { sampleAnchorRequest } from '@anchorpost/chains/testing';
import {
  AnchorpostError,
  BATCH_PAGE_SIZE,
  cidBytesToText,
  dagCborCid,
  decodeBatchRoot,
} from '@anchorpost/protocol';
import { StorageError, StorageErrorCode } from '@anchorpost/storage';
import type { ContentStore } from '@anchorpost/storage';
import { isParserError } from '../src/parser-error.ts';
import { Parser } from '../src/parser.ts';
import type { ParserObserver } from '../src/parser-observer.ts';
import { PLATFORM, startWorld } from './environment.ts';
import type { SealedBatch, World } from './environment.ts';

/** The real Helia store, made to fail as an unreachable IPFS node would while `down` is set. */
function switchableStore(store: ContentStore): ContentStore & { down: boolean; failures: number } {
  const wrapper = {
    down: false,
    failures: 0,
  } as ContentStore & { down: boolean; failures: number };
  for (const method of ['getBlock', 'getFile'] as const) {
    (wrapper as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (wrapper.down) {
        wrapper.failures += 1;
        return Promise.reject(new StorageError(StorageErrorCode.Unavailable, 'IPFS node unreachable'));
      }
      return (store[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  (wrapper as { exportDag: ContentStore['exportDag'] }).exportDag = (...args) => {
    if (!wrapper.down) return store.exportDag(...args);
    return (async function* () {
      wrapper.failures += 1;
      await Promise.resolve();
      yield* [];
      throw new StorageError(StorageErrorCode.Unavailable, 'IPFS node unreachable');
    })();
  };
  return new Proxy(wrapper, {
    get(target, key, receiver) {
      if (key in target) return Reflect.get(target, key, receiver) as unknown;
      const value = Reflect.get(store, key) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(store) : value;
    },
  });
}

function recorder() {
  const events = {
    indexed: [] as ChainAnchor[],
    rejected: [] as { anchor: ChainAnchor; error: Error }[],
    retries: 0,
    reorgs: 0,
    lags: [] as number[],
  };
  const observer: ParserObserver = {
    anchorIndexed: (e) => events.indexed.push(e.anchor),
    anchorRejected: (e) => events.rejected.push(e),
    retry: () => (events.retries += 1),
    reorg: () => (events.reorgs += 1),
    headLag: (lag) => events.lags.push(lag),
  };
  return { events, observer };
}

describe('Parser against anvil, Helia and PGlite', { timeout: 240_000 }, () => {
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
  });

  async function anchoredBatch(
    contract: { address: string },
    sequence: number,
    files: number,
    previous: string | null = null,
  ): Promise<SealedBatch & { anchorTx: Awaited<ReturnType<World['anchor']>> }> {
    const batch = await w().sealBatch(sequence, await w().sendTxFiles(files), previous);
    const anchorTx = await w().anchor(contract.address, sequence, batch.root, batch.cid);
    return { ...batch, anchorTx };
  }

  it('indexes an anchor only at the trusted depth: batch, entries, tx-files and anchor', async () => {
    const contract = await w().deployContract();
    const batch = await anchoredBatch(contract, 0, 5);
    const { events, observer } = recorder();
    const parser = w().parser(contract, { observer });
    assert.equal(parser.trustedDepth, 10, 'the seed default');

    // The anchor's block plus 8 on top: 9 confirmations, one short.
    await w().chain.mine(8);
    const early = await parser.runOnce();
    assert.equal(early.anchorsIndexed, 0);
    assert.equal(await w().db.index.getBatch(batch.cid), null, 'below trusted depth: not indexed yet');
    const cursor = await w().db.index.getChainCursor('evm', '31337');
    assert.ok(cursor === null || cursor.lastBlock < batch.anchorTx.blockNumber);

    await w().chain.mine(1);
    const run = await parser.runOnce();
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 5);
    assert.equal(run.anchorsRejected, 0);
    assert.equal(events.indexed.length, 1);
    assert.equal(run.headLag, parser.trustedDepth - 1, 'caught up to the trusted head');

    const indexed = await w().db.index.getBatch(batch.cid);
    assert.ok(indexed?.rootBlock !== undefined, 'the root block is kept');
    assert.equal(dagCborCid(indexed.rootBlock).toString(), batch.cid, 'as read: it hashes to the batch CID');
    assert.deepEqual(indexed, {
      cid: batch.cid,
      platform: PLATFORM,
      sequence: 0,
      previousCid: null,
      sealedAt: batch.sealedAt,
      merkleRoot: batch.root,
      count: 5,
      rootBlock: indexed.rootBlock,
    });
    const entries: string[] = [];
    for await (const cid of w().db.index.batchEntries(batch.cid)) entries.push(cid);
    assert.deepEqual(
      entries,
      batch.txFiles.map((f) => f.cid),
      'entries in batch order',
    );

    const dump = await w().db.index.dumpAll();
    const byCid = new Map(dump.txFiles.map((row) => [row.cid, row]));
    for (const [i, file] of batch.txFiles.entries()) {
      assert.deepEqual(byCid.get(file.cid), {
        cid: file.cid,
        batchSequence: 0,
        batchIndex: i,
        recipientHash: file.recipientHash,
        senderHashes: file.senderHashes,
        clientId: file.clientId,
        suite: 'modern',
        stateBefore: file.stateBefore,
        stateAfter: file.stateAfter,
        size: file.size,
        lastblockHeight: dump.txFiles.find((r) => r.cid === file.cid)!.lastblockHeight,
        trustedblockHeight: dump.txFiles.find((r) => r.cid === file.cid)!.trustedblockHeight,
        trustedblockId: file.trustedblockId,
      });
      assert.equal(byCid.get(file.cid)!.lastblockHeight - byCid.get(file.cid)!.trustedblockHeight, 10);
    }
    const recipient = batch.txFiles[0]!.recipientHash;
    const page = await w().db.index.messagesByRecipient(recipient, null, 100);
    assert.deepEqual(
      page.items.map((row) => row.cid),
      batch.txFiles.filter((f) => f.recipientHash === recipient).map((f) => f.cid),
    );

    const block = await w().chain.call<{ timestamp: string }>('eth_getBlockByNumber', [
      `0x${batch.anchorTx.blockNumber.toString(16)}`,
      false,
    ]);
    assert.deepEqual(dump.anchors, [
      {
        chain: 'evm',
        chainId: '31337',
        batchCid: batch.cid,
        contract: contract.address,
        sequence: 0,
        root: batch.root,
        txHash: batch.anchorTx.txHash,
        blockNumber: batch.anchorTx.blockNumber,
        blockHash: batch.anchorTx.blockHash,
        blockTime: new Date(Number(BigInt(block.timestamp)) * 1000).toISOString(),
        status: 'confirmed',
      },
    ]);
    const proof = await w().db.index.getProof(batch.txFiles[3]!.cid);
    assert.ok(proof !== null);
    assert.equal(proof.index, 3);
    assert.equal(proof.anchors.length, 1);
  });

  it("indexes an anchor whose batch the other chain's parser indexed meanwhile (no false conflict)", async () => {
    const contract = await w().deployContract();
    const batch = await anchoredBatch(contract, 0, 3);
    await w().chain.mine(9);
    // The other parser (standing for the second chain's) indexes the batch just after this one
    // looked it up and found nothing: the interleaving two chains' parsers meet in one process.
    const other = w().parser(contract);
    let interleaved = false;
    const index = new Proxy(w().db.index, {
      get(target, key, receiver) {
        if (key === 'getBatch' && !interleaved) {
          return async (cid: string) => {
            interleaved = true;
            await other.runOnce();
            assert.notEqual(await target.getBatch(cid), null, 'the other parser indexed it');
            return null;
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const { events, observer } = recorder();
    const run = await w().parser(contract, { index, observer }).runOnce();
    assert.ok(interleaved);
    assert.deepEqual(
      events.rejected.map((e) => e.error.message),
      [],
      'the same batch indexed meanwhile is no conflict',
    );
    assert.equal(run.anchorsIndexed, 1);
    const dump = await w().db.index.dumpAll();
    assert.deepEqual(
      dump.anchors.map((a) => [a.batchCid, a.sequence]),
      [[batch.cid, 0]],
    );
  });

  it('saves its cursor, resumes from it after a restart and indexes each anchor once', async () => {
    const contract = await w().deployContract();
    const first = await anchoredBatch(contract, 0, 2);
    await w().chain.mine(3);
    const parser = w().parser(contract, { trustedDepth: 3 });
    assert.equal((await parser.runOnce()).anchorsIndexed, 1);
    const cursor = await w().db.index.getChainCursor('evm', '31337');
    const head = await w().chain.call<{ number: string; hash: string }>('eth_getBlockByNumber', [
      'latest',
      false,
    ]);
    assert.ok(cursor !== null);
    assert.equal(cursor.lastBlock, Number(BigInt(head.number)) - 2, 'cursor at the trusted head');

    const again = await parser.runOnce();
    assert.equal(again.anchorsIndexed, 0, 'nothing new');
    assert.ok(again.fromBlock > again.toBlock);

    const second = await anchoredBatch(contract, 1, 3, first.cid);
    await w().chain.mine(5);
    const restarted = w().parser(contract, { trustedDepth: 3 });
    const run = await restarted.runOnce();
    assert.equal(run.fromBlock, cursor.lastBlock + 1, 'resumes after the saved cursor');
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 3);
    const dump = await w().db.index.dumpAll();
    assert.deepEqual(
      dump.batches.map((b) => [b.sequence, b.cid, b.previousCid]),
      [
        [0, first.cid, null],
        [1, second.cid, first.cid],
      ],
    );
    // The root block as read from storage, so the proof API can hand it out without storage.
    for (const batch of dump.batches) {
      assert.ok(batch.rootBlock !== undefined, `root block of ${batch.cid} kept`);
      assert.equal(dagCborCid(batch.rootBlock).toString(), batch.cid);
      assert.equal(decodeBatchRoot(batch.rootBlock).sequence, batch.sequence);
    }
    assert.equal(dump.txFiles.length, 5);
    assert.equal(dump.anchors.length, 2);
  });

  it('rebuild() empties the index and gives back an identical one from chain + storage alone', async () => {
    const contract = await w().deployContract();
    let previous: string | null = null;
    for (let sequence = 0; sequence < 3; sequence++) {
      previous = (await anchoredBatch(contract, sequence, 2 + sequence, previous)).cid;
      await w().chain.mine(2);
    }
    await w().chain.mine(4);
    const parser = w().parser(contract, { trustedDepth: 4 });
    await parser.runOnce();
    const original = await w().db.index.dumpAll();
    assert.equal(original.batches.length, 3);
    assert.equal(original.txFiles.length, 9);

    const rebuilt = await parser.rebuild();
    assert.equal(rebuilt.anchorsIndexed, 3);
    assert.equal(rebuilt.fromBlock, contract.blockNumber);
    assert.deepEqual(await w().db.index.dumpAll(), original);
  });

  it('does not index a batch whose root or CID does not match its anchor, and goes on', async () => {
    const contract = await w().deployContract();
    const good = await w().sealBatch(0, await w().sendTxFiles(2));
    const forged = 'ab'.repeat(32);
    await w().anchor(contract.address, 0, forged, good.cid);
    // A batch CID whose blocks storage never had.
    const missing = await w().sealBatch(1, await w().sendTxFiles(1), good.cid);
    const absent = sampleAnchorRequest(1, 'never-stored').batchCid;
    await w().anchor(contract.address, 1, missing.root, absent);
    const valid = await anchoredBatch(contract, 2, 2, missing.cid);
    await w().chain.mine(3);
    const { events, observer } = recorder();
    const run = await w().parser(contract, { trustedDepth: 3, observer }).runOnce();

    assert.equal(run.anchorsRejected, 2);
    assert.equal(run.anchorsIndexed, 1);
    assert.deepEqual(
      events.rejected.map((e) => [e.anchor.sequence, isParserError(e.error) ? e.error.code : e.error.name]),
      [
        [0, 'BATCH_MISMATCH'],
        [1, 'BATCH_UNAVAILABLE'],
      ],
    );
    assert.match(events.rejected[0]!.error.message, /Merkle root/);
    assert.ok(isParserError(events.rejected[0]!.error) && !events.rejected[0]!.error.retryable);
    const dump = await w().db.index.dumpAll();
    assert.deepEqual(
      dump.batches.map((b) => b.cid),
      [valid.cid],
    );
    assert.equal(await w().db.index.getBatch(good.cid), null, 'never indexed as valid');
    assert.deepEqual(
      dump.anchors.map((a) => a.batchCid),
      [valid.cid],
    );
    assert.ok(!dump.txFiles.some((row) => good.txFiles.some((f) => f.cid === row.cid)));
  });

  it('backs off while storage is unavailable, keeps the cursor, and indexes once when it is back', async () => {
    const contract = await w().deployContract();
    const batch = await anchoredBatch(contract, 0, 4);
    await w().chain.mine(3);
    const store = switchableStore(w().store);
    const sleeps: number[] = [];
    const { events, observer } = recorder();
    const parser = w().parser(contract, {
      trustedDepth: 3,
      store,
      observer,
      storageRetry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 250 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    });

    store.down = true;
    await assert.rejects(parser.runOnce(), (error: unknown) => {
      assert.ok(error instanceof AnchorpostError);
      assert.equal(error.code, 'UNAVAILABLE');
      assert.equal(error.retryable, true);
      return true;
    });
    assert.deepEqual(sleeps, [100, 200, 250], 'exponential back-off, capped');
    assert.equal(events.retries, 3);
    const cursor = await w().db.index.getChainCursor('evm', '31337');
    assert.ok(
      cursor === null || cursor.lastBlock < batch.anchorTx.blockNumber,
      'cursor did not pass the anchor',
    );
    assert.equal(await w().db.index.getBatch(batch.cid), null);

    // Back up after one failing read: the retry inside the same run succeeds.
    store.failures = 0;
    sleeps.length = 0;
    let left = 1;
    store.down = true;
    const up = w().parser(contract, {
      trustedDepth: 3,
      store,
      storageRetry: { attempts: 4, initialDelayMs: 100, maxDelayMs: 250 },
      sleep: (ms) => {
        sleeps.push(ms);
        left -= 1;
        if (left === 0) store.down = false;
        return Promise.resolve();
      },
    });
    const run = await up.runOnce();
    assert.equal(store.failures, 1);
    assert.deepEqual(sleeps, [100]);
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 4, 'every tx-file, none skipped');
    const dump = await w().db.index.dumpAll();
    assert.equal(dump.batches.length, 1);
    assert.equal(dump.batchEntries.length, 4);
    assert.equal(dump.txFiles.length, 4);
    assert.equal(dump.anchors.length, 1);
    assert.equal((await up.runOnce()).anchorsIndexed, 0, 'indexed once');
  });

  it('follows the canonical chain when a reorg drops an anchor before the trusted depth', async () => {
    const contract = await w().deployContract();
    const dropped = await anchoredBatch(contract, 0, 2);
    await w().chain.mine(1);
    const parser = w().parser(contract, { trustedDepth: 4 });
    assert.equal((await parser.runOnce()).anchorsIndexed, 0);
    await w().chain.reorg(2); // replaces the anchor's block and the one on top, without their transactions

    const canonical = await anchoredBatch(contract, 0, 3);
    assert.notEqual(canonical.cid, dropped.cid);
    await w().chain.mine(4);
    const run = await parser.runOnce();
    assert.equal(run.anchorsIndexed, 1);
    const dump = await w().db.index.dumpAll();
    assert.deepEqual(
      dump.batches.map((b) => b.cid),
      [canonical.cid],
    );
    assert.deepEqual(
      dump.anchors.map((a) => [a.batchCid, a.txHash, a.blockHash]),
      [[canonical.cid, canonical.anchorTx.txHash, canonical.anchorTx.blockHash]],
    );
  });

  it('steps back when a deeper reorg replaces the cursor block, and re-records the moved anchor', async () => {
    const contract = await w().deployContract();
    const batch = await anchoredBatch(contract, 0, 2);
    await w().chain.mine(3);
    const { events, observer } = recorder();
    const parser = w().parser(contract, { trustedDepth: 3, observer });
    assert.equal((await parser.runOnce()).anchorsIndexed, 1);
    const before = await w().db.index.getChainCursor('evm', '31337');

    // Drop everything from the anchor's block up: below the cursor, deeper than the trusted depth.
    const head = Number(
      BigInt((await w().chain.call<{ number: string }>('eth_getBlockByNumber', ['latest', false])).number),
    );
    await w().chain.reorg(head - batch.anchorTx.blockNumber + 1);
    const moved = await w().anchor(contract.address, 0, batch.root, batch.cid);
    await w().chain.mine(4);
    const run = await parser.runOnce();
    assert.equal(run.reorg, true);
    assert.equal(events.reorgs, 1);
    assert.ok(run.fromBlock <= batch.anchorTx.blockNumber, 'stepped back below the moved anchor');
    assert.equal(run.anchorsIndexed, 1);
    const dump = await w().db.index.dumpAll();
    assert.equal(dump.batches.length, 1);
    assert.equal(dump.txFiles.length, 2);
    assert.deepEqual(
      dump.anchors.map((a) => [a.txHash, a.blockNumber, a.blockHash]),
      [[moved.txHash, moved.blockNumber, moved.blockHash]],
    );
    const after = await w().db.index.getChainCursor('evm', '31337');
    assert.notEqual(after?.lastBlockHash, before?.lastBlockHash);
  });

  it('indexes a multi-page batch page by page; a tx-file storage cannot give is left out with an event', async () => {
    const contract = await w().deployContract();
    const real = await w().sendTxFiles(2);
    // One page holds BATCH_PAGE_SIZE entries: fill it with tx-files nobody stored, so the batch spans two pages.
    const ghosts = Array.from({ length: BATCH_PAGE_SIZE }, (_, i) => {
      const digest = createHash('sha256').update(`ghost/${i}`).digest();
      return { cid: cidBytesToText(Uint8Array.from([0x01, 0x55, 0x12, 0x20, ...digest])) };
    });
    const entries = [real[0]!, ...ghosts, real[1]!] as typeof real;
    const batch = await w().sealBatch(0, entries);
    await w().anchor(contract.address, 0, batch.root, batch.cid);
    await w().chain.mine(2);
    const rejected: { index: number; cid: string; code: string }[] = [];
    const run = await w()
      .parser(contract, {
        trustedDepth: 2,
        txFileConcurrency: 16,
        txFileChunk: 4_000,
        observer: {
          txFileRejected: (e) =>
            rejected.push({ index: e.index, cid: e.cid, code: isParserError(e.error) ? e.error.code : '' }),
        },
      })
      .runOnce();
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 2);
    assert.equal(rejected.length, BATCH_PAGE_SIZE);
    // Fetches run 16 at a time, so rejections arrive in completion order, not index order.
    rejected.sort((a, b) => a.index - b.index);
    assert.deepEqual(rejected[0], { index: 1, cid: ghosts[0]!.cid, code: 'TX_FILE_INVALID' });
    const dump = await w().db.index.dumpAll();
    assert.equal(dump.batches[0]?.count, BATCH_PAGE_SIZE + 2);
    assert.equal(dump.batchEntries.length, BATCH_PAGE_SIZE + 2);
    assert.equal(dump.batchEntries.at(-1)?.txFileCid, real[1]!.cid);
    assert.deepEqual(
      dump.txFiles.map((row) => [row.cid, row.batchIndex]).sort(),
      [
        [real[0]!.cid, 0],
        [real[1]!.cid, BATCH_PAGE_SIZE + 1],
      ].sort(),
    );
  });

  it('start() runs in the background until stop(), with the injected sleep', async () => {
    const contract = await w().deployContract();
    const { events, observer } = recorder();
    let naps = 0;
    const parser = w().parser(contract, {
      trustedDepth: 2,
      observer,
      pollIntervalMs: 10,
      sleep: (ms) => {
        naps += 1;
        return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 10)));
      },
    });
    parser.start();
    assert.equal(parser.running, true);
    const batch = await anchoredBatch(contract, 0, 1);
    await w().chain.mine(2);
    for (let i = 0; i < 500 && events.indexed.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await parser.stop();
    assert.equal(parser.running, false);
    assert.deepEqual(
      events.indexed.map((a) => a.batchCid),
      [batch.cid],
    );
    assert.ok(naps > 0);
    // Stopped: a run by hand still works.
    const next = await anchoredBatch(contract, 1, 1, batch.cid);
    await w().chain.mine(2);
    assert.equal((await parser.runOnce()).anchorsIndexed, 1);
    assert.equal((await w().db.index.getBatch(next.cid))?.sequence, 1);
  });

  it('refuses bad options, naming the key', () => {
    const base = w().parser({ address: '0x' + '1'.repeat(40), blockNumber: 0 });
    assert.ok(base instanceof Parser);
    for (const [key, options] of [
      ['trustedDepth', { trustedDepth: 0 }],
      ['startBlock', { startBlock: -1 }],
      ['contract', { contract: '' }],
      ['storageRetry.attempts', { storageRetry: { attempts: 0 } }],
      ['duplicateCheck', { duplicateCheck: 'none' as 'page' }],
      ['chain', { chain: 'bitcoin' as 'evm' }],
    ] as const) {
      assert.throws(
        () => w().parser({ address: '0x' + '1'.repeat(40), blockNumber: 0 }, options),
        (error: unknown) => isParserError(error, 'BAD_CONFIG') && error.message.startsWith(`${key}:`),
        key,
      );
    }
  });
});
