/**
 * The portable verifier's pieces agree with the Node ones they stand beside: WebCrypto inclusion
 * checks against the Merkle vectors (valid and tampered), the block CID, the anchor event and the
 * Ergo register decoders against bytes written the way the chain writes them.
 */
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dagCborCid } from '../src/batch-file/index.ts';
import { cidForBytes } from '../src/cid/index.ts';
import { verifyInclusionProof } from '../src/merkle/index.ts';
import type { InclusionProof } from '../src/merkle/index.ts';
import {
  ANCHORED_EVENT_TOPIC,
  cidForBytesWeb,
  dagCborCidWeb,
  decodeAnchoredEvent,
  decodeCollByteRegister,
  decodeLongRegister,
  isProtocolError,
  verifyInclusionProofWeb,
} from '../src/portable.ts';

interface MerkleVectors {
  trees: { proofs: InclusionProof[] }[];
  invalid: { why: string; proof: InclusionProof; field: string }[];
}
const vectors = JSON.parse(
  readFileSync(new URL('../test-vectors/merkle-v1.json', import.meta.url), 'utf8'),
) as MerkleVectors;

async function fieldOfFailure(check: () => unknown): Promise<string | undefined> {
  try {
    await check();
    return undefined;
  } catch (error) {
    assert.ok(isProtocolError(error), String(error));
    return error.field;
  }
}

describe('verifyInclusionProofWeb', () => {
  it('accepts every valid vector proof', async () => {
    const proofs = vectors.trees.flatMap((tree) => tree.proofs);
    assert.ok(proofs.length > 10);
    for (const proof of proofs) await verifyInclusionProofWeb(proof);
  });

  it('refuses every tampered vector on the same field as the Node verifier', async () => {
    for (const { why, proof, field } of vectors.invalid) {
      assert.equal(await fieldOfFailure(() => verifyInclusionProofWeb(proof)), field, why);
      assert.equal(
        await fieldOfFailure(() => {
          verifyInclusionProof(proof);
        }),
        field,
        why,
      );
    }
  });

  it('refuses a proof for another tree size than expected', async () => {
    const proof = vectors.trees[3]!.proofs[0]!;
    const field = await fieldOfFailure(() =>
      verifyInclusionProofWeb(proof, { treeSize: proof.treeSize + 1 }),
    );
    assert.equal(field, 'treeSize');
  });
});

describe('cidForBytesWeb', () => {
  it('is the CID cidForBytes computes, one chunk or several', async () => {
    const sizes = [0, 1, 262_144, 262_145, 600_000];
    for (const size of sizes) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31) % 251);
      assert.equal(await cidForBytesWeb(bytes), await cidForBytes(bytes), `${size} bytes`);
    }
  });
});

describe('dagCborCidWeb', () => {
  it('is the CID dagCborCid computes', async () => {
    for (const bytes of [new Uint8Array(0), new Uint8Array([0xa1, 0x61, 0x61, 0x01]), new Uint8Array(5000)]) {
      assert.equal((await dagCborCidWeb(bytes)).toString(), dagCborCid(bytes).toString());
    }
  });
});

const word = (value: number | bigint): string => value.toString(16).padStart(64, '0');
const topic = (hex: string): string => `0x${hex.padStart(64, '0')}`;
const ROOT = 'ab'.repeat(32);
const SUBMITTER = 'f39fd6e51aad88f6f4ce6ab8827279cfffb92266';

function anchoredLog(cidBytes: Uint8Array, sequence = 7n) {
  const padded = Buffer.alloc(Math.ceil(cidBytes.length / 32) * 32);
  padded.set(cidBytes);
  return {
    topics: [ANCHORED_EVENT_TOPIC, `0x${ROOT}`, topic(sequence.toString(16)), topic(SUBMITTER)],
    data: `0x${word(32)}${word(cidBytes.length)}${padded.toString('hex')}`,
  };
}

describe('decodeAnchoredEvent', () => {
  const cid = 'bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf5tz6h2gxdg4dwsu';

  it('reads root, batch CID, sequence and submitter', () => {
    const log = anchoredLog(new TextEncoder().encode(cid));
    assert.deepEqual(decodeAnchoredEvent(log.topics, log.data), {
      root: ROOT,
      batchCid: cid,
      sequence: 7,
      submitter: `0x${SUBMITTER}`,
    });
  });

  it('is undefined for another event, cut data, bad UTF-8 and a sequence beyond 2^53', () => {
    const log = anchoredLog(new TextEncoder().encode(cid));
    assert.equal(decodeAnchoredEvent([topic('01'), ...log.topics.slice(1)], log.data), undefined);
    assert.equal(decodeAnchoredEvent(log.topics.slice(0, 3), log.data), undefined);
    assert.equal(decodeAnchoredEvent(log.topics, log.data.slice(0, 120)), undefined);
    const bad = anchoredLog(new Uint8Array([0xff, 0xfe]));
    assert.equal(decodeAnchoredEvent(bad.topics, bad.data), undefined);
    const huge = anchoredLog(new TextEncoder().encode(cid), 2n ** 53n);
    assert.equal(decodeAnchoredEvent(huge.topics, huge.data), undefined);
    const far = { ...log, data: `0x${word(2n ** 200n)}${log.data.slice(66)}` };
    assert.equal(decodeAnchoredEvent(far.topics, far.data), undefined);
  });
});

describe('Ergo register decoders', () => {
  // Written by ergo-lib's Constant.from_byte_array / from_i64(...).encode_to_base16().
  it('read what ergo-lib writes', () => {
    assert.deepEqual(decodeCollByteRegister('0e03010203'), new Uint8Array([1, 2, 3]));
    assert.equal(decodeLongRegister('050a'), 5n);
    assert.equal(decodeLongRegister('0501'), -1n);
    assert.equal(decodeLongRegister('05d804'), 300n);
  });

  it('refuse another type, a wrong length and bytes left over', () => {
    assert.equal(decodeCollByteRegister('050a'), undefined);
    assert.equal(decodeLongRegister('0e03010203'), undefined);
    assert.equal(decodeCollByteRegister('0e040102'), undefined);
    assert.equal(decodeCollByteRegister('0e0201020304'), undefined);
    assert.equal(decodeLongRegister('0503ff'), undefined);
    assert.equal(decodeLongRegister('05ff'), undefined);
    assert.equal(decodeCollByteRegister('zz'), undefined);
  });
});
