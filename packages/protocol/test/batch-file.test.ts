/**
 * Batch-file v1: the exact bytes (checked against a DAG-CBOR encoder written here from RFC 8949
 * §4.2 and the DAG-CBOR spec, not @ipld/dag-cbor), determinism, paging, duplicate and header
 * rules, strict decoding and full verification.
 */
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import {
  BATCH_PAGE_SIZE,
  decodeBatchPage,
  decodeBatchRoot,
  encodeBatchFile,
  MAX_BATCH_BLOCK_SIZE,
  verifyBatchFile,
  writeBatchFile,
} from '../src/batch-file/index.ts';
import type { BatchFileBlock, BatchHeader, BatchRootBlock } from '../src/batch-file/index.ts';
import { CidSet } from '../src/batch-file/cid-set.ts';
import { ErrorCode, ProtocolError } from '../src/errors.ts';

// ---- independent reference: a minimal DAG-CBOR encoder ----

type Cbor = number | string | Uint8Array | null | Cbor[] | { [key: string]: Cbor } | { link: Uint8Array };

function head(major: number, n: number): number[] {
  if (n < 24) return [(major << 5) | n];
  if (n < 0x100) return [(major << 5) | 24, n];
  if (n < 0x10000) return [(major << 5) | 25, n >> 8, n & 0xff];
  if (n < 0x100000000)
    return [(major << 5) | 26, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  throw new Error('too big for this test encoder');
}

function cbor(value: Cbor): number[] {
  if (value === null) return [0xf6];
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') {
    const bytes = [...Buffer.from(value, 'utf8')];
    return [...head(3, bytes.length), ...bytes];
  }
  if (value instanceof Uint8Array) return [...head(2, value.length), ...value];
  if (Array.isArray(value)) return [...head(4, value.length), ...value.flatMap(cbor)];
  if ('link' in value && value.link instanceof Uint8Array) {
    // Tag 42, bytes of 0x00 (identity multibase) ‖ binary CID.
    return [0xd8, 0x2a, ...cbor(Uint8Array.from([0, ...value.link]))];
  }
  // DAG-CBOR map order: shorter keys first, then bytewise.
  const keys = Object.keys(value).sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return [
    ...head(5, keys.length),
    ...keys.flatMap((k) => [...cbor(k), ...cbor((value as Record<string, Cbor>)[k]!)]),
  ];
}

const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());
const dagCborCidOf = (bytes: Uint8Array): CID => CID.createV1(0x71, Digest.create(0x12, sha256(bytes)));

/** Naive RFC 6962 MTH over CID bytes. */
function refMth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return sha256(Uint8Array.from([0, ...leaves[0]!]));
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Uint8Array.from([1, ...refMth(leaves.slice(0, k)), ...refMth(leaves.slice(k))]));
}

// ---- fixtures ----

function txCids(n: number, salt = 0, codec = 0x55): CID[] {
  return Array.from({ length: n }, (_, i) =>
    CID.createV1(codec, Digest.create(0x12, sha256(Uint8Array.of(salt, i >> 16, (i >> 8) & 255, i & 255)))),
  );
}

const previousCid = dagCborCidOf(Uint8Array.of(1, 2, 3));
const header: BatchHeader = {
  platform: 'anchorpost-test',
  sequence: 7,
  previous: previousCid,
  sealedAt: '2026-11-22T03:00:00.000Z',
};

async function encodeAll(
  h: BatchHeader,
  entries: Iterable<CID | string> | AsyncIterable<CID | string>,
  global = false,
) {
  const blocks: BatchFileBlock[] = [];
  const root = await writeBatchFile(
    h,
    entries,
    (b) => void blocks.push(b),
    global ? { duplicateCheck: 'global' } : {},
  );
  return { blocks, root };
}

const code = (c: string, field?: string) => (e: unknown) =>
  e instanceof ProtocolError && e.code === c && (field === undefined || e.field === field);

// ---- tests ----

void describe('encodeBatchFile: bytes', () => {
  void it('writes exactly the DAG-CBOR the spec describes', async () => {
    const entries = txCids(3);
    entries[1] = CID.createV1(0x70, entries[1]!.multihash); // a dag-pb tx-file (larger than one chunk)
    const { blocks, root } = await encodeAll(header, entries);
    assert.equal(blocks.length, 2);
    const pageBytes = Uint8Array.from(
      cbor({ version: 1, index: 0, entries: entries.map((c) => ({ link: c.bytes })) }),
    );
    assert.deepEqual(blocks[0]!.bytes, pageBytes);
    assert.equal(blocks[0]!.cid.toString(), dagCborCidOf(pageBytes).toString());
    const rootBytes = Uint8Array.from(
      cbor({
        version: 1,
        platform: 'anchorpost-test',
        sequence: 7,
        previous: { link: previousCid.bytes },
        sealedAt: '2026-11-22T03:00:00.000Z',
        merkleRoot: refMth(entries.map((c) => c.bytes)),
        count: 3,
        pageSize: 16384,
        pages: [{ link: dagCborCidOf(pageBytes).bytes }],
      }),
    );
    assert.deepEqual(root.bytes, rootBytes);
    assert.equal(root.cid.toString(), dagCborCidOf(rootBytes).toString());
    assert.equal(root.cid.code, 0x71);
    assert.deepEqual(blocks[1], root);
  });

  void it('the generator yields pages then the root, and returns the root', async () => {
    const generator = encodeBatchFile(header, txCids(3));
    const first = await generator.next();
    assert.equal(first.done, false);
    assert.equal(first.value.kind, 'page');
    const second = await generator.next();
    assert.equal(second.done, false);
    assert.equal(second.value.kind, 'root');
    const end = await generator.next();
    assert.equal(end.done, true);
    assert.deepEqual(end.value, second.value);
  });

  void it('genesis batch has previous = null', async () => {
    const { root } = await encodeAll({ ...header, sequence: 0, previous: null }, txCids(1));
    const decoded = dagCbor.decode<Record<string, unknown>>(root.bytes);
    assert.equal(decoded.previous, null);
    assert.equal(decoded.sequence, 0);
  });

  void it('tx-file CIDs and pages are real IPLD links (tag 42), so a recursive pin keeps them', async () => {
    const { blocks, root } = await encodeAll(header, txCids(5));
    const decodedRoot = dagCbor.decode<{ pages: unknown[]; previous: unknown }>(root.bytes);
    assert.ok(decodedRoot.pages.every((p) => CID.asCID(p) !== null));
    assert.ok(CID.asCID(decodedRoot.previous) !== null);
    const page = dagCbor.decode<{ entries: unknown[] }>(blocks[0]!.bytes);
    assert.deepEqual(
      page.entries.map((e) => CID.asCID(e)?.toString()),
      txCids(5).map(String),
    );
  });
});

void describe('encodeBatchFile: determinism and paging', () => {
  void it('same inputs give the same blocks; strings and CIDs are the same input', async () => {
    const entries = txCids(40_000, 9);
    const a = await encodeAll(header, entries);
    const b = await encodeAll({ ...header, previous: previousCid.toString() }, entries.map(String));
    assert.equal(a.root.cid.toString(), b.root.cid.toString());
    assert.deepEqual(
      a.blocks.map((x) => x.cid.toString()),
      b.blocks.map((x) => x.cid.toString()),
    );
    const reordered = await encodeAll(header, [entries[1]!, entries[0]!, ...entries.slice(2)]);
    assert.notEqual(reordered.root.cid.toString(), a.root.cid.toString());
    const otherTime = await encodeAll({ ...header, sealedAt: '2026-11-22T03:00:00.001Z' }, entries);
    assert.notEqual(otherTime.root.cid.toString(), a.root.cid.toString());
  });

  void it('splits into pages of 16,384 entries, pages first and root last', async () => {
    for (const n of [1, BATCH_PAGE_SIZE - 1, BATCH_PAGE_SIZE, BATCH_PAGE_SIZE + 1, 2 * BATCH_PAGE_SIZE + 5]) {
      const entries = txCids(n, 3);
      const { blocks, root } = await encodeAll(header, entries);
      const pages = blocks.filter((b) => b.kind === 'page');
      assert.equal(pages.length, Math.ceil(n / BATCH_PAGE_SIZE), `n=${n}`);
      assert.equal(blocks.at(-1), root);
      assert.equal(blocks.filter((b) => b.kind === 'root').length, 1);
      assert.deepEqual(
        root.root.pages.map(String),
        pages.map((p) => p.cid.toString()),
      );
      assert.equal(root.root.count, n);
      let seen = 0;
      for (const [i, page] of pages.entries()) {
        assert.ok(page.bytes.length <= MAX_BATCH_BLOCK_SIZE);
        const decoded = decodeBatchPage(page.bytes);
        assert.equal(decoded.index, i);
        assert.deepEqual(
          decoded.entries.map(String),
          entries.slice(seen, seen + decoded.entries.length).map(String),
        );
        seen += decoded.entries.length;
      }
      assert.equal(seen, n);
    }
  });

  void it('a full page of the largest CIDs stays under 1 MiB', async () => {
    const { blocks } = await encodeAll(header, txCids(BATCH_PAGE_SIZE, 4, 0x70));
    const page = blocks[0]!;
    assert.equal(page.kind, 'page');
    assert.ok(page.bytes.length < MAX_BATCH_BLOCK_SIZE, `${page.bytes.length}`);
    // 16,384 links of 41 bytes plus a few bytes of framing.
    assert.ok(page.bytes.length < 16_384 * 41 + 64);
  });

  void it('accepts async iterables', async () => {
    const entries = txCids(100, 5);
    async function* slowly(): AsyncGenerator<CID> {
      for (const cid of entries) {
        await Promise.resolve();
        yield cid;
      }
    }
    assert.equal(
      (await encodeAll(header, slowly())).root.cid.toString(),
      (await encodeAll(header, entries)).root.cid.toString(),
    );
  });
});

void describe('encodeBatchFile: refusals', () => {
  void it('EMPTY_BATCH for no entries', async () => {
    await assert.rejects(encodeAll(header, []), code(ErrorCode.EmptyBatch, 'entries'));
  });

  void it('DUPLICATE_ENTRY within a page, consecutively and across a page boundary', async () => {
    const entries = txCids(10);
    await assert.rejects(
      encodeAll(header, [...entries, entries[3]!]),
      code(ErrorCode.DuplicateEntry, 'entries[10]'),
    );
    await assert.rejects(
      encodeAll(header, [entries[0]!, entries[0]!]),
      code(ErrorCode.DuplicateEntry, 'entries[1]'),
    );
    const many = txCids(BATCH_PAGE_SIZE + 2, 6);
    const boundary = [...many.slice(0, BATCH_PAGE_SIZE), many[BATCH_PAGE_SIZE - 1]!];
    await assert.rejects(
      encodeAll(header, boundary),
      code(ErrorCode.DuplicateEntry, `entries[${BATCH_PAGE_SIZE}]`),
    );
  });

  void it('global duplicates: found with duplicateCheck "global", not by the constant-memory default', async () => {
    const many = txCids(BATCH_PAGE_SIZE + 10, 7);
    const far = [...many, many[0]!];
    await assert.rejects(
      encodeAll(header, far, true),
      code(ErrorCode.DuplicateEntry, `entries[${BATCH_PAGE_SIZE + 10}]`),
    );
    await encodeAll(header, far); // documented: the batcher guarantees global uniqueness
  });

  void it('BAD_CID for an entry that is not a tx-file CID', async () => {
    const dagCborEntry = dagCborCidOf(Uint8Array.of(9));
    await assert.rejects(
      encodeAll(header, [...txCids(2), dagCborEntry]),
      code(ErrorCode.BadCid, 'entries[2]'),
    );
    await assert.rejects(
      encodeAll(header, ['QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH']),
      code(ErrorCode.BadCid, 'entries[0]'),
    );
  });

  void it('BAD_BATCH for a bad header, before reading any entry', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ platform: '' }, 'platform'],
      [{ platform: 'a\nb' }, 'platform'],
      [{ platform: 'x'.repeat(257) }, 'platform'],
      [{ platform: 5 }, 'platform'],
      [{ sequence: -1 }, 'sequence'],
      [{ sequence: 1.5 }, 'sequence'],
      [{ sequence: 2 ** 53 }, 'sequence'],
      [{ previous: null }, 'previous'],
      [{ sequence: 0 }, 'previous'],
      [{ previous: txCids(1)[0]! }, 'previous'],
      [{ previous: 'not-a-cid' }, 'previous'],
      [{ sealedAt: '2026-11-22T03:00:00Z' }, 'sealedAt'],
      [{ sealedAt: '2026-11-22T03:00:00.000+00:00' }, 'sealedAt'],
      [{ sealedAt: '2026-02-30T03:00:00.000Z' }, 'sealedAt'],
      [{ sealedAt: '2026-11-22 03:00:00.000Z' }, 'sealedAt'],
      [{ sealedAt: 1_700_000_000_000 }, 'sealedAt'],
    ];
    for (const [change, field] of bad) {
      let pulled = 0;
      function* entries(): Generator<CID> {
        pulled += 1;
        yield* txCids(1);
      }
      await assert.rejects(
        encodeAll({ ...header, ...change }, entries()),
        code(ErrorCode.BadBatch, field),
        field,
      );
      assert.equal(pulled, 0);
    }
  });
});

void describe('decodeBatchRoot / decodeBatchPage', () => {
  const entries = txCids(3, 8);
  const pageLink = { link: dagCborCidOf(Uint8Array.of(0)).bytes };
  const rootValue = (): Record<string, Cbor> => ({
    version: 1,
    platform: 'p',
    sequence: 1,
    previous: { link: previousCid.bytes },
    sealedAt: '2026-11-22T03:00:00.000Z',
    merkleRoot: new Uint8Array(32),
    count: 3,
    pageSize: 16384,
    pages: [pageLink],
  });
  const bytes = (v: Cbor): Uint8Array => Uint8Array.from(cbor(v));

  void it('reads what the encoder writes', async () => {
    const { blocks, root } = await encodeAll(header, entries);
    const decoded = decodeBatchRoot(root.bytes);
    assert.deepEqual(decoded, root.root);
    assert.equal(decoded.previous?.toString(), previousCid.toString());
    assert.deepEqual(decodeBatchPage(blocks[0]!.bytes).entries.map(String), entries.map(String));
    assert.deepEqual(decodeBatchRoot(bytes(rootValue())).count, 3);
  });

  void it('rejects every deviation with BAD_BATCH and the field', () => {
    const mutate = (f: (v: Record<string, Cbor>) => void): Uint8Array => {
      const v = rootValue();
      f(v);
      return bytes(v);
    };
    const cases: [Uint8Array, string][] = [
      [mutate((v) => (v.extra = 1)), 'extra'],
      [mutate((v) => delete v.platform), 'platform'],
      [mutate((v) => (v.version = 2)), 'version'],
      [mutate((v) => (v.platform = '')), 'platform'],
      [mutate((v) => (v.sequence = -1)), 'sequence'],
      [mutate((v) => (v.previous = previousCid.toString())), 'previous'],
      [mutate((v) => (v.previous = { link: entries[0]!.bytes })), 'previous'],
      [mutate((v) => (v.previous = null)), 'previous'],
      [mutate((v) => (v.sealedAt = '2026-11-22T03:00:00Z')), 'sealedAt'],
      [mutate((v) => (v.merkleRoot = new Uint8Array(31))), 'merkleRoot'],
      [mutate((v) => (v.merkleRoot = '00'.repeat(32))), 'merkleRoot'],
      [mutate((v) => (v.count = 0)), 'count'],
      [mutate((v) => (v.count = 16385)), 'pages'],
      [mutate((v) => (v.pageSize = 1000)), 'pageSize'],
      [mutate((v) => (v.pages = [])), 'pages'],
      [mutate((v) => (v.pages = [{ link: entries[0]!.bytes }])), 'pages[0]'],
      [mutate((v) => (v.pages = ['x'])), 'pages[0]'],
      [bytes([1, 2]), '-'],
      [Uint8Array.of(0xff), '-'],
      [Uint8Array.from([...bytes(rootValue()), 0]), '-'],
      [new Uint8Array(MAX_BATCH_BLOCK_SIZE + 1), '-'],
    ];
    for (const [input, field] of cases) {
      assert.throws(() => decodeBatchRoot(input), code(ErrorCode.BadBatch, field), field);
    }
  });

  void it('rejects non-canonical DAG-CBOR (unsorted keys, non-minimal integers)', () => {
    const good = bytes(rootValue());
    // Same map with keys in insertion order instead of DAG-CBOR order.
    const v = rootValue();
    const keys = Object.keys(v);
    const unsorted = [...head(5, keys.length), ...keys.flatMap((k) => [...cbor(k), ...cbor(v[k]!)])];
    assert.notDeepEqual(Uint8Array.from(unsorted), good);
    assert.throws(() => decodeBatchRoot(Uint8Array.from(unsorted)), code(ErrorCode.BadBatch, '-'));
    // count = 3 written as a 1-byte-argument integer (0x18 0x03) instead of 0x03.
    const countKey = cbor('count');
    const at = Buffer.from(good).indexOf(Buffer.from([...countKey, 0x03]));
    const long = Uint8Array.from([
      ...good.slice(0, at + countKey.length),
      0x18,
      0x03,
      ...good.slice(at + countKey.length + 1),
    ]);
    assert.throws(() => decodeBatchRoot(long), code(ErrorCode.BadBatch));
  });

  void it('pages: strict too', () => {
    const page = (v: Record<string, Cbor>): Uint8Array => bytes(v);
    const links = entries.map((c) => ({ link: c.bytes }));
    assert.equal(decodeBatchPage(page({ version: 1, index: 0, entries: links })).entries.length, 3);
    const cases: [Uint8Array, string][] = [
      [page({ version: 1, index: 0, entries: [] }), 'entries'],
      [page({ version: 1, index: -1, entries: links }), 'index'],
      [page({ version: 2, index: 0, entries: links }), 'version'],
      [page({ version: 1, index: 0, entries: links, more: 1 }), 'more'],
      [page({ version: 1, entries: links }), 'index'],
      [page({ version: 1, index: 0, entries: [{ link: previousCid.bytes }] }), 'entries[0]'],
      [page({ version: 1, index: 0, entries: [entries[0]!.toString()] }), 'entries[0]'],
    ];
    for (const [input, field] of cases)
      assert.throws(() => decodeBatchPage(input), code(ErrorCode.BadBatch, field), field);
    const tooMany = Array.from({ length: BATCH_PAGE_SIZE + 1 }, () => links[0]!);
    assert.throws(
      () => decodeBatchPage(page({ version: 1, index: 0, entries: tooMany })),
      code(ErrorCode.BadBatch, 'entries'),
    );
  });
});

void describe('verifyBatchFile', () => {
  async function stored(n: number, salt = 10, global = false) {
    const { blocks, root } = await encodeAll(header, txCids(n, salt), global);
    const store = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]));
    const getPage = (cid: CID): Uint8Array => store.get(cid.toString())!;
    return { blocks, root, store, getPage };
  }

  void it('accepts what the encoder wrote and reports every entry in order', async () => {
    const n = BATCH_PAGE_SIZE + 100;
    const { root, getPage } = await stored(n);
    const seen: string[] = [];
    const result = await verifyBatchFile(root.bytes, getPage, {
      onEntry: (cid, i) => void seen.push(`${i}:${cid.toString()}`),
    });
    assert.equal(result.cid.toString(), root.cid.toString());
    assert.equal(result.root.count, n);
    assert.deepEqual(
      seen,
      txCids(n, 10).map((c, i) => `${i}:${c.toString()}`),
    );
  });

  void it('rejects a page whose bytes do not hash to its link', async () => {
    const { root, blocks } = await stored(20);
    const other = (await stored(20, 11)).blocks[0]!.bytes;
    assert.notDeepEqual(other, blocks[0]!.bytes);
    await assert.rejects(
      verifyBatchFile(root.bytes, () => other),
      code(ErrorCode.BadBatch, 'pages[0]'),
    );
  });

  void it('rejects a root whose merkleRoot or pages do not match the entries', async () => {
    const { root, getPage, blocks } = await stored(BATCH_PAGE_SIZE + 3);
    const rewrite = (change: (r: Record<string, unknown>) => void): Uint8Array => {
      const r = dagCbor.decode<Record<string, unknown>>(root.bytes);
      change(r);
      return dagCbor.encode(r);
    };
    const wrongRoot = rewrite((r) => ((r.merkleRoot as Uint8Array)[0]! ^= 1));
    await assert.rejects(verifyBatchFile(wrongRoot, getPage), code(ErrorCode.BadBatch, 'merkleRoot'));
    const swapped = rewrite((r) => (r.pages = [...(r.pages as CID[])].reverse()));
    await assert.rejects(verifyBatchFile(swapped, getPage), code(ErrorCode.BadBatch, 'pages[0].index'));
    const fewer = rewrite((r) => (r.count = BATCH_PAGE_SIZE + 2));
    await assert.rejects(verifyBatchFile(fewer, getPage), code(ErrorCode.BadBatch, 'pages[1].entries'));
    // A page that claims another position.
    const page1 = dagCbor.decode<Record<string, unknown>>(blocks[1]!.bytes);
    page1.index = 0;
    const movedBytes = dagCbor.encode(page1);
    const moved = rewrite((r) => ((r.pages as CID[])[1] = dagCborCidOf(movedBytes)));
    await assert.rejects(
      verifyBatchFile(moved, (cid, i) => (i === 1 ? movedBytes : getPage(cid))),
      code(ErrorCode.BadBatch, 'pages[1].index'),
    );
  });

  void it('finds duplicates anywhere by default, only nearby with duplicateCheck "page"', async () => {
    const entries = txCids(BATCH_PAGE_SIZE + 10, 12);
    const { blocks, root } = await encodeAll(header, [...entries, entries[5]!]);
    const store = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]));
    const getPage = (cid: CID): Uint8Array => store.get(cid.toString())!;
    await assert.rejects(
      verifyBatchFile(root.bytes, getPage),
      code(ErrorCode.DuplicateEntry, 'pages[1].entries[10]'),
    );
    await verifyBatchFile(root.bytes, getPage, { duplicateCheck: 'page' });
  });

  void it('returns the root block as written (round trip through decode)', async () => {
    const { root, getPage } = await stored(3);
    const result = await verifyBatchFile(root.bytes, getPage);
    assert.deepEqual(result.root, (root satisfies BatchRootBlock).root);
  });
});

void describe('CidSet (the duplicate check behind DuplicateCheck)', () => {
  void it('is an exact set, through growth and clear', () => {
    const set = new CidSet(4);
    const entries = txCids(50_000, 13);
    for (const cid of entries) assert.equal(set.add(cid.bytes), true);
    assert.equal(set.size, 50_000);
    for (const cid of entries) assert.equal(set.add(cid.bytes), false);
    for (const cid of entries) assert.equal(set.has(cid.bytes), true);
    assert.equal(set.has(txCids(1, 99)[0]!.bytes), false);
    // Same digest, other codec: a different CID.
    assert.equal(set.add(CID.createV1(0x70, entries[0]!.multihash).bytes), true);
    // Reads at an offset, as the encoder does from its page buffer.
    const padded = Uint8Array.from([9, 9, ...entries[7]!.bytes]);
    assert.equal(set.add(padded, 2), false);
    assert.equal(set.has(padded, 2), true);
    set.clear();
    assert.equal(set.size, 0);
    assert.equal(set.has(entries[7]!.bytes), false);
    assert.equal(set.add(entries[7]!.bytes), true);
  });

  void it('stays exact for CIDs that differ only in their last byte', () => {
    const set = new CidSet();
    const base = txCids(1, 14)[0]!.bytes;
    for (let b = 0; b < 256; b += 1) {
      const bytes = base.slice();
      bytes[35] = b;
      assert.equal(set.add(bytes), true);
    }
    for (let b = 0; b < 256; b += 1) {
      const bytes = base.slice();
      bytes[35] = b;
      assert.equal(set.add(bytes), false);
    }
  });
});
