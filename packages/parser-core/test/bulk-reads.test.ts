/**
 * The parser reads a batch's tx-files from one DAG stream (ADR 0036) and parses them on a worker
 * thread — and refuses exactly what it refused before: a tx-file whose stored block does not
 * match its CID, a tx-file storage does not have, a batch missing a page. Real anvil, Helia, PGlite.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { cidBytesToText, encodeBatchFile, toHex } from '@anchorpost/protocol';
import { isStorageError } from '@anchorpost/storage';
import type { ContentStore } from '@anchorpost/storage';
import { isParserError } from '../src/parser-error.ts';
import type { ParserObserver } from '../src/parser-observer.ts';
import { startWorld } from './environment.ts';
import type { SentTxFile, World } from './environment.ts';

interface Seen {
  reads: { bulk: number; single: number; bulkFailure: unknown }[];
  rejectedFiles: { index: number; code: string; cause: string }[];
  rejectedAnchors: string[];
}

function watcher(): { seen: Seen; observer: ParserObserver } {
  const seen: Seen = { reads: [], rejectedFiles: [], rejectedAnchors: [] };
  return {
    seen,
    observer: {
      txFilesRead: (e) => seen.reads.push(e),
      txFileRejected: (e) =>
        seen.rejectedFiles.push({
          index: e.index,
          code: isParserError(e.error) ? e.error.code : e.error.name,
          cause: isStorageError(e.error.cause) ? e.error.cause.code : '',
        }),
      anchorRejected: (e) => seen.rejectedAnchors.push(isParserError(e.error) ? e.error.code : e.error.name),
    },
  };
}

/** A test double over the real store: counts getBlock calls per CID, forwards everything. */
function countingStore(store: ContentStore): { store: ContentStore; blockReads: Map<string, number> } {
  const blockReads = new Map<string, number>();
  const counted = new Proxy(store, {
    get(target, key) {
      if (key === 'getBlock') {
        return (cid: string, options?: Parameters<ContentStore['getBlock']>[1]) => {
          blockReads.set(cid, (blockReads.get(cid) ?? 0) + 1);
          return target.getBlock(cid, options);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
  return { store: counted, blockReads };
}

function ghost(name: string): SentTxFile {
  const digest = createHash('sha256').update(name).digest();
  return { cid: cidBytesToText(Uint8Array.from([0x01, 0x55, 0x12, 0x20, ...digest])) } as SentTxFile;
}

describe('Parser bulk reads against anvil, Helia and PGlite', { timeout: 240_000 }, () => {
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

  async function runOn(files: SentTxFile[], store?: ContentStore) {
    const contract = await w().deployContract();
    const batch = await w().sealBatch(0, files);
    await w().anchor(contract.address, 0, batch.root, batch.cid);
    await w().chain.mine(2);
    const { seen, observer } = watcher();
    const parser = w().parser(contract, {
      trustedDepth: 2,
      observer,
      parseThreads: 1,
      ...(store ? { store } : {}),
    });
    const run = await parser.runOnce();
    return { run, seen, batch, dump: await w().db.index.dumpAll() };
  }

  it("reads every tx-file from the batch's one DAG stream (no read of its own) and parses it on a thread", async () => {
    const files = await w().sendTxFiles(6);
    const { store, blockReads } = countingStore(w().store);
    const { run, seen, dump } = await runOn(files, store);
    assert.equal(run.txFilesIndexed, 6);
    assert.deepEqual(
      seen.reads.map(({ bulk, single, bulkFailure }) => [bulk, single, bulkFailure]),
      [[6, 0, undefined]],
    );
    for (const file of files) assert.equal(blockReads.get(file.cid), undefined, `getBlock ${file.cid}`);
    assert.deepEqual(
      dump.txFiles.map((row) => [row.cid, row.batchIndex, row.recipientHash, row.stateAfter]).sort(),
      files.map((file, i) => [file.cid, i, file.recipientHash, file.stateAfter]).sort(),
    );
  });

  it('refuses a tx-file whose stored block does not match its CID (the stream ends there, the rest is read on its own)', async () => {
    const files = await w().sendTxFiles(4);
    await w().damageBlock(files[2]!.cid);
    const { run, seen, dump } = await runOn(files);
    assert.equal(run.anchorsIndexed, 1);
    assert.equal(run.txFilesIndexed, 3);
    assert.deepEqual(seen.rejectedFiles, [{ index: 2, code: 'TX_FILE_INVALID', cause: 'CID_MISMATCH' }]);
    const [reads] = seen.reads;
    assert.deepEqual([reads?.bulk, reads?.single], [2, 2]);
    assert.ok(isStorageError(reads?.bulkFailure) && reads.bulkFailure.code === 'CID_MISMATCH');
    assert.deepEqual(dump.txFiles.map((row) => row.batchIndex).sort(), [0, 1, 3]);
  });

  it('leaves out a tx-file storage does not have, as before, and indexes the rest', async () => {
    const files = await w().sendTxFiles(2);
    const { run, seen, dump } = await runOn([files[0]!, ghost('bulk/missing'), files[1]!]);
    assert.equal(run.txFilesIndexed, 2);
    assert.deepEqual(seen.rejectedFiles, [{ index: 1, code: 'TX_FILE_INVALID', cause: 'NOT_FOUND' }]);
    const [reads] = seen.reads;
    assert.deepEqual([reads?.bulk, reads?.single], [1, 2]);
    assert.ok(isStorageError(reads?.bulkFailure) && reads.bulkFailure.code === 'NOT_FOUND');
    assert.deepEqual(dump.txFiles.map((row) => row.batchIndex).sort(), [0, 2]);
  });

  it('rejects a batch missing a page (BATCH_UNAVAILABLE), as before', async () => {
    const files = await w().sendTxFiles(2);
    const contract = await w().deployContract();
    const header = {
      platform: 'anchorpost-test',
      sequence: 0,
      previous: null,
      sealedAt: '2026-11-22T04:00:00.000Z',
    };
    let rootCid = '';
    let root = '';
    for await (const block of encodeBatchFile(
      header,
      files.map((file) => file.cid),
    )) {
      if (block.kind !== 'root') continue; // the page is never stored
      await w().store.putBlock(block.cid, block.bytes);
      rootCid = block.cid.toString();
      root = toHex(block.root.merkleRoot);
    }
    await w().anchor(contract.address, 0, root, rootCid);
    await w().chain.mine(2);
    const { seen, observer } = watcher();
    const run = await w().parser(contract, { trustedDepth: 2, observer }).runOnce();
    assert.equal(run.anchorsRejected, 1);
    assert.deepEqual(seen.rejectedAnchors, ['BATCH_UNAVAILABLE']);
    assert.equal((await w().db.index.dumpAll()).txFiles.length, 0);
  });
});
