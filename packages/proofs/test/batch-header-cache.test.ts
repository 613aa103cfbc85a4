import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { BatchRecord } from '@anchorpost/db-port';
import { BatchHeaderCache } from '../src/batch-header-cache.ts';
import type { CheckedBatchHeader } from '../src/batch-header-cache.ts';

/** The row without its root block (indexed before the index kept them). */
function withoutRootBlock(record: BatchRecord): BatchRecord {
  const copied = { ...record };
  delete copied.rootBlock;
  return copied;
}

function row(cid: string, rootBlock = new Uint8Array([1, 2, 3])): BatchRecord {
  return {
    cid,
    platform: 'p',
    sequence: 1,
    previousCid: null,
    sealedAt: '2026-12-07T00:00:00.000Z',
    merkleRoot: 'a'.repeat(64),
    count: 3,
    rootBlock,
  };
}

function header(record: BatchRecord): CheckedBatchHeader {
  return {
    cid: record.cid,
    platform: record.platform,
    sequence: record.sequence,
    count: record.count,
    merkleRoot: record.merkleRoot,
    sealedAt: record.sealedAt,
    previous: record.previousCid,
    rootBlock: 'AQID',
  };
}

it('keeps at most its capacity, dropping the least recently used batch', () => {
  const cache = new BatchHeaderCache(2);
  for (const cid of ['b0', 'b1']) cache.set(row(cid), header(row(cid)));
  assert.deepEqual(cache.get(row('b0')), header(row('b0'))); // now the most recent
  cache.set(row('b2'), header(row('b2')));
  assert.equal(cache.size, 2);
  assert.equal(cache.get(row('b1')), undefined);
  assert.deepEqual(cache.get(row('b0')), header(row('b0')));
  assert.deepEqual(cache.get(row('b2')), header(row('b2')));
});

it('serves a header only for the very row it was checked from', () => {
  const cache = new BatchHeaderCache();
  cache.set(row('b'), header(row('b')));
  const changes: Partial<BatchRecord>[] = [
    { platform: 'q' },
    { sequence: 2 },
    { previousCid: 'b-1' },
    { sealedAt: '2026-12-07T00:00:00.001Z' },
    { merkleRoot: 'b'.repeat(64) },
    { count: 4 },
    { rootBlock: new Uint8Array([1, 2, 4]) },
    { rootBlock: new Uint8Array([1, 2]) },
  ];
  for (const change of changes) {
    assert.equal(cache.get({ ...row('b'), ...change }), undefined, JSON.stringify(change));
    cache.set(row('b'), header(row('b')));
  }
  assert.equal(cache.get(withoutRootBlock(row('b'))), undefined);
  // A changed row drops the entry: the unchanged one is checked afresh, too.
  assert.equal(cache.get(row('b')), undefined);
});

it('hands out copies, keeps the bytes it was given, and never keeps a row without a root block', () => {
  const cache = new BatchHeaderCache();
  const bytes = new Uint8Array([1, 2, 3]);
  cache.set(row('b', bytes), header(row('b')));
  bytes[0] = 9;
  const first = cache.get(row('b'))!;
  first.count = 99;
  assert.equal(cache.get(row('b'))?.count, 3);
  cache.set(withoutRootBlock(row('c')), header(row('c')));
  assert.equal(cache.size, 1);
});

it('keeps nothing with capacity 0 and refuses a negative one', () => {
  const cache = new BatchHeaderCache(0);
  cache.set(row('b'), header(row('b')));
  assert.equal(cache.size, 0);
  assert.throws(() => new BatchHeaderCache(-1), RangeError);
});
