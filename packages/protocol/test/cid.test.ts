/**
 * CID computation against references that do not share our code path: RFC 4648 base32 and the
 * multiformats/UnixFS/dag-pb specs re-implemented by hand below, plus CIDs printed by real Kubo
 * 0.39 (`ipfs add --only-hash --cid-version=1 --raw-leaves -Q`), recorded as literals.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import {
  cidForBytes,
  cidForBytesViaImporter,
  cidForChunks,
  cidForSmallBytes,
  cidToBytes,
  parseCid,
  unixfsImporterOptions,
  UNIXFS_CHUNK_SIZE,
} from '../src/cid/index.ts';
import { ErrorCode, ProtocolError } from '../src/errors.ts';

// ---- independent reference implementation (from the specs, not from our sources) ----

/** RFC 4648 §6 base32, lower-case, no padding (multibase 'b'). */
function base32(bytes: Uint8Array): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet.charAt((value << (5 - bits)) & 31);
  return out;
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** CIDv1 binary: version ‖ codec ‖ sha2-256 multihash. */
function cidBinary(codec: number, bytes: Uint8Array): Uint8Array {
  return Uint8Array.from([0x01, ...varint(codec), 0x12, 0x20, ...sha256(bytes)]);
}

const cidText = (binary: Uint8Array): string => `b${base32(binary)}`;

interface RefNode {
  cid: Uint8Array;
  fileSize: number;
  /** Tsize: the block plus everything below it. */
  treeSize: number;
}

/** One dag-pb UnixFS File node over `children` (dag-pb spec: Links (field 2) before Data (field 1)). */
function refFileNode(children: RefNode[]): RefNode {
  const unixfs = [0x08, 0x02, 0x18, ...varint(children.reduce((a, c) => a + c.fileSize, 0))];
  for (const child of children) unixfs.push(0x20, ...varint(child.fileSize));
  const block: number[] = [];
  for (const child of children) {
    const link = [
      0x0a,
      ...varint(child.cid.length),
      ...child.cid,
      0x12,
      0x00,
      0x18,
      ...varint(child.treeSize),
    ];
    block.push(0x12, ...varint(link.length), ...link);
  }
  block.push(0x0a, ...varint(unixfs.length), ...unixfs);
  const bytes = Uint8Array.from(block);
  return {
    cid: cidBinary(0x70, bytes),
    fileSize: children.reduce((a, c) => a + c.fileSize, 0),
    treeSize: bytes.length + children.reduce((a, c) => a + c.treeSize, 0),
  };
}

/**
 * Kubo's `ipfs add --cid-version=1 --raw-leaves` as documented: 256 KiB raw leaves; one chunk is
 * the file's own CID; otherwise a balanced tree of at most 174 links per node, filled left first.
 */
function referenceCid(content: Uint8Array): string {
  const chunk = 262_144;
  let level: RefNode[] = [];
  for (let at = 0; at < content.length || at === 0; at += chunk) {
    const piece = content.subarray(at, at + chunk);
    level.push({ cid: cidBinary(0x55, piece), fileSize: piece.length, treeSize: piece.length });
    if (content.length === 0) break;
  }
  if (level.length === 1) return cidText(level[0]!.cid);
  while (level.length > 1) {
    const next: RefNode[] = [];
    for (let i = 0; i < level.length; i += 174) next.push(refFileNode(level.slice(i, i + 174)));
    level = next;
  }
  return cidText(level[0]!.cid);
}

/** Pseudo-random, reproducible anywhere: the AES-128-CTR keystream, key 00..0f, IV 0. */
function keystream(size: number): Uint8Array {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const cipher = createCipheriv('aes-128-ctr', key, new Uint8Array(16));
  return new Uint8Array(cipher.update(new Uint8Array(size)));
}

const pattern = (size: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) % 256);

// ---- tests ----

void describe('cidForBytes', () => {
  void it('matches CIDs printed by Kubo 0.39', async () => {
    // `ipfs add --only-hash --cid-version=1 --raw-leaves -Q` on the files described.
    assert.equal(
      await cidForBytes(new Uint8Array(0)),
      'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
    );
    assert.equal(
      await cidForBytes(Uint8Array.of(7)),
      'bafkreigkgwdvr5wspzwpiutssn4xpj2i7wedshnwphhnu7ohx4pqaxxipe',
    );
    assert.equal(
      await cidForBytes(pattern(262_145)),
      'bafybeif4z4ikxldcsjhv2l4sxmk57abnwjkwpa57gopqjvdhkyxddhmzf4',
    );
    assert.equal(
      await cidForBytes(keystream(262_145)),
      'bafybeicvfpeh5u5zdw6bcrnfubm6vfchvuiv4ftqbj4dntc6vopnnan4bq',
    );
    assert.equal(
      await cidForBytes(keystream(10_485_760)),
      'bafybeiefuop46sjyncohh3olvtcg4nq4d4jxufmjopivcjh4ukir3mwq4u',
    );
    // 180 chunks: more than 174 links, so two levels.
    assert.equal(
      await cidForBytes(keystream(47_185_920)),
      'bafybeib7emt5z7kfs6deu5agqlabaaqjgbxxfjhr4x23jcjsysx3fgv3xm',
    );
  });

  void it('single-chunk files are the raw CID of their SHA-256 (hand-built)', async () => {
    for (const size of [0, 1, 2, 100, 4096, 262_143, 262_144]) {
      const bytes = keystream(size);
      const expected = cidText(cidBinary(0x55, bytes));
      assert.equal(await cidForBytes(bytes), expected, `size ${size}`);
      assert.equal(cidForSmallBytes(bytes), expected, `size ${size}`);
    }
  });

  void it('fast path equals the importer at 0, 1, 262143 and 262144 bytes', async () => {
    for (const size of [0, 1, 262_143, 262_144]) {
      const bytes = keystream(size);
      assert.equal(cidForSmallBytes(bytes), await cidForBytesViaImporter(bytes), `size ${size}`);
      assert.equal(await cidForBytes(bytes), await cidForBytesViaImporter(bytes), `size ${size}`);
    }
  });

  void it('multi-chunk files match a hand-built balanced dag-pb tree', async () => {
    const sizes = [262_145, 2 * 262_144, 3 * 262_144 - 1, 174 * 262_144, 174 * 262_144 + 1, 47_185_920];
    for (const size of sizes) {
      const bytes = keystream(size);
      assert.equal(await cidForBytes(bytes), referenceCid(bytes), `size ${size}`);
    }
  });

  void it('cidForSmallBytes refuses more than one chunk', () => {
    assert.throws(
      () => cidForSmallBytes(new Uint8Array(UNIXFS_CHUNK_SIZE + 1)),
      (e: unknown) => e instanceof ProtocolError && e.code === ErrorCode.TooLarge,
    );
  });
});

void describe('cidForChunks', () => {
  void it('equals cidForBytes whatever the source chunking', async () => {
    const bytes = keystream(3 * 262_144 + 12_345);
    const expected = await cidForBytes(bytes);
    const split = (size: number): Uint8Array[] => {
      const parts: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, at + size));
      return parts;
    };
    assert.equal(await cidForChunks([bytes]), expected);
    assert.equal(await cidForChunks(split(1000)), expected);
    assert.equal(await cidForChunks(split(262_144)), expected);
    assert.equal(await cidForChunks(split(300_001)), expected);
    async function* slowly(): AsyncGenerator<Uint8Array> {
      for (const part of split(65_536)) {
        await Promise.resolve();
        yield part;
      }
    }
    assert.equal(await cidForChunks(slowly()), expected);
  });

  void it('handles empty and small streams like cidForBytes', async () => {
    assert.equal(await cidForChunks([]), await cidForBytes(new Uint8Array(0)));
    assert.equal(await cidForChunks([new Uint8Array(0)]), await cidForBytes(new Uint8Array(0)));
    assert.equal(
      await cidForChunks([Uint8Array.of(1), Uint8Array.of(2)]),
      await cidForBytes(Uint8Array.of(1, 2)),
    );
  });
});

void describe('parseCid', () => {
  const rawCid = 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku';
  const dagPbCid = 'bafybeif4z4ikxldcsjhv2l4sxmk57abnwjkwpa57gopqjvdhkyxddhmzf4';
  const badCid = (field: string) => (e: unknown) =>
    e instanceof ProtocolError && e.code === ErrorCode.BadCid && e.field === field;

  void it('accepts canonical CIDv1 base32 sha2-256 raw / dag-pb / dag-cbor', () => {
    assert.equal(parseCid(rawCid, 'x').toString(), rawCid);
    assert.equal(parseCid(dagPbCid, 'x').toString(), dagPbCid);
    const dagCbor = CID.createV1(0x71, Digest.create(0x12, sha256(Uint8Array.of(1)))).toString();
    assert.equal(parseCid(dagCbor, 'x').code, 0x71);
  });

  void it('rejects every other form with BAD_CID on the given field', () => {
    const cases: unknown[] = [
      'QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH', // CIDv0
      rawCid.toUpperCase(), // base32upper
      'zb2rhe5P4gXftAwvA4eXQ5HJwsER2owDyS9sKaQRRVQPn93bA', // base58btc
      `${rawCid}a`, // trailing character
      rawCid.slice(0, -1), // truncated
      `${rawCid.slice(0, -1)}v`, // same bytes, but non-zero padding bits: a second spelling
      cidText(Uint8Array.from([...cidBinary(0x55, new Uint8Array(0)), 0])), // a trailing byte
      cidText(Uint8Array.from([0x01, 0x55, 0x12, 0x1f, ...new Uint8Array(31)])), // 31-byte "sha2-256"
      cidText(Uint8Array.from([0x02, 0x55, 0x12, 0x20, ...new Uint8Array(32)])), // version 2
      '',
      'b',
      'not a cid',
      42,
      null,
      CID.createV1(0x0129, Digest.create(0x12, sha256(Uint8Array.of(1)))).toString(), // dag-json
      CID.createV1(0x55, Digest.create(0x13, new Uint8Array(64))).toString(), // sha2-512
      CID.createV1(0x55, Digest.create(0x00, Uint8Array.of(1, 2, 3))).toString(), // identity
    ];
    for (const value of cases)
      assert.throws(() => parseCid(value, 'tx.cid'), badCid('tx.cid'), String(value));
  });

  void it('can be narrowed to some codecs', () => {
    assert.throws(() => parseCid(rawCid, 'f', [0x71]), badCid('f'));
    assert.equal(parseCid(rawCid, 'f', [0x55]).code, 0x55);
  });

  void it('cidToBytes gives the binary CID (the Merkle leaf data)', () => {
    const bytes = cidToBytes(rawCid);
    assert.deepEqual(bytes, cidBinary(0x55, new Uint8Array(0)));
    assert.deepEqual(cidToBytes(CID.parse(dagPbCid)), CID.parse(dagPbCid).bytes);
    assert.throws(() => cidToBytes('Qm', 'leaf'), badCid('leaf'));
  });
});

void describe('unixfsImporterOptions', () => {
  void it('pins the Kubo-compatible parameters and is fresh on every call', () => {
    const a = unixfsImporterOptions();
    const b = unixfsImporterOptions();
    assert.notEqual(a, b);
    assert.equal(a.cidVersion, 1);
    assert.equal(a.rawLeaves, true);
    assert.equal(a.reduceSingleLeafToSelf, true);
    assert.equal(a.wrapWithDirectory, false);
    assert.equal(typeof a.chunker, 'function');
    assert.equal(typeof a.layout, 'function');
  });
});

void it('refuses files of 2 GiB or more instead of giving a wrong CID', async () => {
  // A lazy source: the refusal must come before 2 GiB are produced or held.
  const chunk = new Uint8Array(64 * 1024 * 1024);
  function* twoGiB() {
    for (let i = 0; i < 32; i++) yield chunk;
  }
  await assert.rejects(cidForChunks(twoGiB()), { code: 'TOO_LARGE' });
});
