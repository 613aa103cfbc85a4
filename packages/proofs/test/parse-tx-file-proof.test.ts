import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cidForSmallBytes,
  encodeBatchFile,
  MAX_BATCH_BLOCK_SIZE,
  MerkleTree,
  toBase64,
  toHex,
} from '@anchorpost/protocol';
import type { BatchRootBlock } from '@anchorpost/protocol';
import { parseTxFileProof } from '../src/parse-tx-file-proof.ts';
import { ProofError } from '../src/proof-error.ts';
import type { EvmAnchorProof, TxFileProof } from '../src/tx-file-proof.ts';

/** The v1 shape these cases mutate: EVM anchors only. */
type EvmProof = Omit<TxFileProof, 'anchors'> & { anchors: EvmAnchorProof[] };

const entries = Array.from({ length: 6 }, (_, i) => cidForSmallBytes(new TextEncoder().encode(`tx ${i}`)));

async function batchRoot(sequence: number, previous: string | null): Promise<BatchRootBlock> {
  const encoder = encodeBatchFile(
    { platform: 'p', sequence, previous, sealedAt: '2026-11-22T03:00:00.000Z' },
    entries,
  );
  for (;;) {
    const step = await encoder.next();
    if (step.done === true) return step.value;
  }
}

const genesis = await batchRoot(0, null);
const sealed = await batchRoot(1, genesis.cid.toString());
const tree = MerkleTree.fromCids(entries);

const valid = (): EvmProof => ({
  version: 1,
  txFile: entries[2]!,
  batch: {
    cid: sealed.cid.toString(),
    platform: 'p',
    sequence: 1,
    count: 6,
    merkleRoot: toHex(sealed.root.merkleRoot),
    sealedAt: '2026-11-22T03:00:00.000Z',
    previous: genesis.cid.toString(),
  },
  inclusion: tree.proof(2),
  anchors: [
    {
      chain: 'evm',
      chainId: '31337',
      contract: `0x${'1'.repeat(40)}`,
      txHash: `0x${'2'.repeat(64)}`,
      blockNumber: 7,
      blockHash: `0x${'3'.repeat(64)}`,
      blockTime: '2026-11-22T03:01:00.000Z',
      confirmations: 3,
      status: 'anchored',
    },
  ],
  timeBound: { notBefore: { chain: 'ergo', height: 1_204_321 }, notAfter: '2026-11-22T03:01:00.000Z' },
});

function rejects(mutate: (proof: Record<string, unknown> & EvmProof) => void, field: string): void {
  const proof = valid() as Record<string, unknown> & EvmProof;
  mutate(proof);
  assert.throws(
    () => parseTxFileProof(JSON.parse(JSON.stringify(proof))),
    (error: unknown) => {
      assert.ok(error instanceof ProofError, String(error));
      assert.equal(error.code, 'INVALID_PROOF');
      assert.equal(error.field, field, error.toLine());
      assert.equal(error.retryable, false);
      return true;
    },
  );
}

describe('parseTxFileProof', () => {
  it('reads a valid proof, from an object or from JSON text, and round-trips it', () => {
    assert.deepEqual(parseTxFileProof(valid()), valid());
    assert.deepEqual(parseTxFileProof(JSON.stringify(valid())), valid());
    const { notAfter } = valid().timeBound;
    assert.deepEqual(parseTxFileProof({ ...valid(), timeBound: { notAfter } }).timeBound, { notAfter });
  });

  it('names the field of every shape error', () => {
    assert.throws(() => parseTxFileProof('{'), { code: 'INVALID_PROOF', field: '-' });
    assert.throws(() => parseTxFileProof([]), { code: 'INVALID_PROOF', field: '-' });
    rejects((p) => (p.extra = 1), 'extra');
    rejects((p) => delete (p as Partial<TxFileProof>).timeBound, 'timeBound');
    rejects((p) => ((p as { version: number }).version = 5), 'version');
    // v3 needs the root block, v1 and v2 have none.
    rejects((p) => ((p as { version: number }).version = 3), 'batch.rootBlock');
    rejects((p) => (p.batch.rootBlock = toBase64(sealed.bytes)), 'batch.rootBlock');
    rejects((p) => (p.txFile = sealed.cid.toString()), 'txFile');
    rejects((p) => (p.txFile = p.txFile.toUpperCase()), 'txFile');
    rejects((p) => (p.batch.cid = entries[0]!), 'batch.cid');
    rejects((p) => (p.batch.previous = null), 'batch.previous');
    rejects((p) => (p.batch.count = 0), 'batch.count');
    rejects((p) => (p.batch.sequence = 1.5), 'batch.sequence');
    rejects((p) => (p.batch.merkleRoot = p.batch.merkleRoot.toUpperCase()), 'batch.merkleRoot');
    rejects((p) => (p.batch.sealedAt = '2026-02-30T00:00:00.000Z'), 'batch.sealedAt');
    rejects((p) => (p.batch.platform = ''), 'batch.platform');
    rejects((p) => (p.inclusion.path[1] = 'zz'), 'inclusion.path[1]');
    rejects((p) => (p.inclusion.index = 6), 'inclusion.index');
    rejects((p) => (p.anchors = []), 'anchors');
    rejects((p) => p.anchors.push({ ...p.anchors[0]! }), 'anchors[1].chainId');
    rejects((p) => ((p.anchors[0] as unknown as Record<string, unknown>).chain = 'ergo'), 'anchors[0].chain');
    rejects((p) => (p.anchors[0]!.chainId = '0x7a69'), 'anchors[0].chainId');
    rejects((p) => (p.anchors[0]!.contract = `0x${'A'.repeat(40)}`), 'anchors[0].contract');
    rejects((p) => (p.anchors[0]!.txHash = '2'.repeat(64)), 'anchors[0].txHash');
    rejects((p) => (p.anchors[0]!.blockHash = `0x${'3'.repeat(63)}`), 'anchors[0].blockHash');
    rejects((p) => (p.anchors[0]!.blockNumber = -1), 'anchors[0].blockNumber');
    rejects((p) => ((p.anchors[0] as { status: string }).status = 'done'), 'anchors[0].status');
    rejects(
      (p) => delete (p.anchors[0] as Partial<TxFileProof['anchors'][0]>).confirmations,
      'anchors[0].confirmations',
    );
    rejects((p) => (p.timeBound.notAfter = '2026-11-22T03:02:00.000Z'), 'timeBound.notAfter');
    rejects((p) => (p.timeBound.notBefore = { chain: 'ergo', height: -1 }), 'timeBound.notBefore.height');
    rejects((p) => ((p.timeBound as unknown as Record<string, unknown>).notAt = 1), 'timeBound.notAt');
  });
});

describe('parseTxFileProof v2: Ergo anchors and the trusted block time', () => {
  const ergoAnchor = {
    chain: 'ergo',
    chainId: 'testnet',
    tokenId: 'ab'.repeat(32),
    txId: 'cd'.repeat(32),
    height: 1200,
    headerId: 'ef'.repeat(32),
    blockTime: '2026-11-22T02:59:00.000Z',
    confirmations: 10,
    status: 'final',
  };
  const v2 = (): Record<string, unknown> & TxFileProof => {
    const proof = valid() as unknown as Record<string, unknown> & TxFileProof;
    proof.version = 2;
    proof.anchors = [...proof.anchors, structuredClone(ergoAnchor) as TxFileProof['anchors'][0]];
    proof.timeBound = {
      notBefore: { chain: 'ergo', height: 1190, time: '2026-11-22T02:40:00.000Z' },
      notAfter: ergoAnchor.blockTime,
    };
    return proof;
  };
  const rejectsV2 = (mutate: (proof: Record<string, unknown>) => void, field: string): void => {
    const proof = JSON.parse(JSON.stringify(v2())) as Record<string, unknown>;
    mutate(proof);
    assert.throws(() => parseTxFileProof(proof), { code: 'INVALID_PROOF', field });
  };
  const ergoOf = (proof: Record<string, unknown>): Record<string, unknown> =>
    (proof.anchors as Record<string, unknown>[])[1]!;

  it('reads an EVM and an Ergo anchor, and the window [trusted block time, earliest anchor]', () => {
    const parsed = parseTxFileProof(JSON.parse(JSON.stringify(v2())));
    assert.deepEqual(parsed, v2());
    assert.equal(parsed.anchors[1]!.chain, 'ergo');
    // An anchor on a private network (devnet) reads like one on testnet.
    const onDevnet = JSON.parse(JSON.stringify(v2())) as Record<string, unknown>;
    ergoOf(onDevnet).chainId = 'devnet';
    assert.equal(parseTxFileProof(onDevnet).anchors[1]!.chainId, 'devnet');
  });

  it('names the field of every Ergo shape error', () => {
    rejectsV2((p) => (ergoOf(p).chainId = 'privnet'), 'anchors[1].chainId');
    rejectsV2((p) => (ergoOf(p).tokenId = 'AB'.repeat(32)), 'anchors[1].tokenId');
    rejectsV2((p) => (ergoOf(p).txId = `0x${'cd'.repeat(32)}`), 'anchors[1].txId');
    rejectsV2((p) => (ergoOf(p).headerId = 'ef'), 'anchors[1].headerId');
    rejectsV2((p) => (ergoOf(p).height = -1), 'anchors[1].height');
    rejectsV2((p) => (ergoOf(p).contract = '0x'), 'anchors[1].contract');
    rejectsV2((p) => (p.anchors as unknown[]).push(ergoOf(p)), 'anchors[2].chainId');
    rejectsV2(
      (p) => ((p.timeBound as { notBefore: { time: string } }).notBefore.time = '2026-11-22T03:30:00.000Z'),
      'timeBound.notBefore.time',
    );
  });

  it('refuses an Ergo anchor or a trusted block time in a v1 proof', () => {
    rejectsV2((p) => (p.version = 1), 'anchors[1].chain');
    const timed = valid() as unknown as Record<string, unknown>;
    timed.timeBound = {
      notBefore: { chain: 'ergo', height: 1, time: '2026-11-22T02:40:00.000Z' },
      notAfter: valid().timeBound.notAfter,
    };
    assert.throws(() => parseTxFileProof(timed), {
      code: 'INVALID_PROOF',
      field: 'timeBound.notBefore.time',
    });
  });
});

describe('parseTxFileProof v3: the batch-file root block', () => {
  const v3 = (rootBlock: unknown): unknown => {
    const proof = valid();
    return { ...proof, version: 3, batch: { ...proof.batch, rootBlock } };
  };

  it('reads the root block as canonical base64 (shape only: verifyProof hashes and decodes it)', () => {
    const parsed = parseTxFileProof(v3(toBase64(sealed.bytes)));
    assert.equal(parsed.version, 3);
    assert.equal(parsed.batch.rootBlock, toBase64(sealed.bytes));
  });

  it('refuses a root block that is no canonical base64, empty or larger than a block', () => {
    for (const bad of [
      '',
      'QQ',
      'QQ==\n',
      'QR==',
      42,
      null,
      'A'.repeat(Math.ceil(MAX_BATCH_BLOCK_SIZE / 3) * 4 + 4),
    ]) {
      assert.throws(() => parseTxFileProof(v3(bad)), { code: 'INVALID_PROOF', field: 'batch.rootBlock' });
    }
  });
});

describe('parseTxFileProof v4: the trustedblock id', () => {
  const blockId = '9a'.repeat(32);
  const v4 = (notBefore: Record<string, unknown>): Record<string, unknown> => {
    const proof = valid();
    return {
      ...proof,
      version: 4,
      batch: { ...proof.batch, rootBlock: toBase64(sealed.bytes) },
      timeBound: { ...proof.timeBound, notBefore },
    };
  };

  it('reads the trustedblock height and block id', () => {
    const parsed = parseTxFileProof(v4({ chain: 'ergo', height: 1_204_321, blockId }));
    assert.equal(parsed.version, 4);
    assert.deepEqual(parsed.timeBound.notBefore, { chain: 'ergo', height: 1_204_321, blockId });
  });

  it('requires the id in v4, as 64 lower-case hex, and refuses it before v4', () => {
    for (const bad of [undefined, '', 'AB'.repeat(32), 'ab'.repeat(31), 42]) {
      assert.throws(() => parseTxFileProof(v4({ chain: 'ergo', height: 1, blockId: bad })), {
        code: 'INVALID_PROOF',
        field: 'timeBound.notBefore.blockId',
      });
    }
    const v3 = { ...v4({ chain: 'ergo', height: 1, blockId }), version: 3 };
    assert.throws(() => parseTxFileProof(v3), {
      code: 'INVALID_PROOF',
      field: 'timeBound.notBefore.blockId',
    });
  });
});
