// Assemble and verify TxFileProofs end to end: a real anvil with the anchor contract, the embedded
// PGlite index, batches sealed with the protocol's encoder. Every tamper must fail with its code.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deployAnchorContract, encodeAnchorCall } from '@anchorpost/chains';
import {
  cidForBytes,
  cidForSmallBytes,
  dagCborCid,
  MerkleTree,
  merkleLeafHashForCid,
  toBase64,
  toHex,
} from '@anchorpost/protocol';
import { assembleProof } from '../src/assemble-proof.ts';
import { BatchHeaderCache } from '../src/batch-header-cache.ts';
import { ProofError } from '../src/proof-error.ts';
import type { EvmAnchorProof, TxFileProof } from '../src/tx-file-proof.ts';
import { verifyProof } from '../src/verify-proof.ts';
import type { VerifyProofOptions } from '../src/verify-proof.ts';
import { parseTrustRoots } from '../src/trust-roots.ts';
import {
  FIXTURE_TRUSTEDBLOCK_HEIGHT,
  FIXTURE_TRUSTEDBLOCK_ID,
  forgeProof,
  startProofFixture,
} from '../src/testing/index.ts';
import type { FixtureAnchor, FixtureBatch, ProofFixture } from '../src/testing/index.ts';

let fixture: ProofFixture;
let batch: FixtureBatch & { anchor: FixtureAnchor };
let other: FixtureBatch & { anchor: FixtureAnchor };
let proof: TxFileProof;
const LEAF = 5;

// There is no Ergo node in this suite, so no lower time bound: accepted explicitly (the on-chain
// trustedblock check is proofs.ergo.test.ts'; refusing without it is tested below).
const options = (extra: Partial<VerifyProofOptions> = {}): VerifyProofOptions => ({
  evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
  trust: fixture.trustRoots,
  acceptNoLowerBound: true,
  ...extra,
});
/** Checked against the proof's own contract: only for the checks that come after the trust roots'. */
const claims = (extra: Partial<VerifyProofOptions> = {}): VerifyProofOptions => ({
  evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl },
  trustProofClaims: true,
  acceptNoLowerBound: true,
  ...extra,
});
const head = () => fixture.head();
/** A proof of this EVM-only suite, its anchors typed as EVM ones for mutation. */
const copy = (): Omit<TxFileProof, 'anchors'> & { anchors: EvmAnchorProof[] } =>
  structuredClone(proof) as Omit<TxFileProof, 'anchors'> & { anchors: EvmAnchorProof[] };

/** The same proof as a v2 document: no root block, so its header fields are its own word. */
function asV2(from: TxFileProof): TxFileProof {
  const copied = structuredClone(from);
  delete copied.batch.rootBlock;
  delete copied.timeBound.notBefore?.blockId;
  return { ...copied, version: 2 };
}

async function rejectsWith(promise: Promise<unknown>, code: string, field?: string): Promise<ProofError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof ProofError, `expected ProofError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.toLine());
  if (field !== undefined) assert.equal(caught.field, field, caught.toLine());
  return caught;
}

before(async () => {
  fixture = await startProofFixture();
  batch = await fixture.anchoredBatch(11);
  other = await fixture.anchoredBatch(3);
  await fixture.chain.mine(4);
  proof = await assembleProof(fixture.database.index, batch.entries[LEAF]!, {
    head: () => head(),
  });
});

after(async () => {
  await fixture.close();
});

interface MinedReceipt {
  status: string;
  blockNumber: string;
  blockHash: string;
}

/** anvil answers a send before its automine has made the block: asks until the receipt is there. */
async function minedReceipt(
  chain: { call<T>(method: string, params: unknown[]): Promise<T> },
  txHash: string,
): Promise<MinedReceipt> {
  for (let i = 0; i < 250; i += 1) {
    const receipt = await chain.call<MinedReceipt | null>('eth_getTransactionReceipt', [txHash]);
    if (receipt !== null) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${txHash} was not mined`);
}

describe('assembleProof', () => {
  it('builds the v4 document from the index: batch with its root block, protocol Merkle path, anchors, trustedblock', async () => {
    const tree = MerkleTree.fromCids(batch.entries);
    const now = await head();
    assert.deepEqual(proof, {
      version: 4,
      txFile: batch.entries[LEAF],
      batch: {
        cid: batch.record.cid,
        platform: batch.record.platform,
        sequence: 0,
        count: 11,
        merkleRoot: tree.rootHex,
        sealedAt: batch.record.sealedAt,
        previous: null,
        rootBlock: toBase64(batch.record.rootBlock!),
      },
      inclusion: tree.proof(LEAF),
      anchors: [
        {
          chain: 'evm',
          chainId: fixture.chainId,
          contract: fixture.chain.contractAddress,
          ...batch.anchor,
          confirmations: now - batch.anchor.blockNumber + 1,
          status: 'anchored',
        },
      ],
      timeBound: {
        notBefore: { chain: 'ergo', height: FIXTURE_TRUSTEDBLOCK_HEIGHT, blockId: FIXTURE_TRUSTEDBLOCK_ID },
        notAfter: batch.anchor.blockTime,
      },
    });
  });

  it('reads big batches page by page and still gives the protocol path', async () => {
    const big = await fixture.anchoredBatch(700);
    const tree = MerkleTree.fromCids(big.entries);
    for (const index of [0, 255, 256, 511, 699]) {
      const built = await assembleProof(fixture.database.index, big.entries[index]!, {
        head,
        entryPageSize: 64,
        // A caller's own lookup wins over the index: here it knows of no trusted block.
        trustedblock: () => Promise.resolve(null),
      });
      assert.deepEqual(built.inclusion, tree.proof(index));
      assert.equal(built.batch.previous, other.record.cid);
      assert.equal(built.timeBound.notBefore, undefined);
    }
  });

  it('says NOT_FOUND for an unknown tx-file and for a sealed batch without anchor', async () => {
    const unknown = await rejectsWith(
      assembleProof(fixture.database.index, cidForSmallBytes(new TextEncoder().encode('never sent')), {
        head,
      }),
      'NOT_FOUND',
      'txFile',
    );
    assert.equal(unknown.retryable, false);
    const waiting = await fixture.sealBatch(2);
    const error = await rejectsWith(
      assembleProof(fixture.database.index, waiting.entries[1]!, { head }),
      'NOT_FOUND',
      'anchors',
    );
    assert.match(error.message, /not anchored yet/);
  });

  it('leaves out orphaned anchors and marks confirmed ones final', async () => {
    const orphan = await fixture.sealBatch(2);
    const landed = await fixture.anchorOnChain(orphan);
    await fixture.recordAnchor(orphan, landed, 'orphaned');
    await rejectsWith(
      assembleProof(fixture.database.index, orphan.entries[0]!, { head }),
      'NOT_FOUND',
      'anchors',
    );
    await fixture.recordAnchor(orphan, landed, 'confirmed');
    const built = await assembleProof(fixture.database.index, orphan.entries[0]!, { head });
    assert.equal(built.anchors[0]!.status, 'final');
  });
  it('INDEX_INCONSISTENT when the index holds an anchor of another root', async () => {
    const odd = await fixture.sealBatch(2);
    const landed = await fixture.anchorOnChain(odd);
    await fixture.database.index.recordAnchor({
      chain: 'evm',
      chainId: fixture.chainId,
      batchCid: odd.record.cid,
      contract: fixture.chain.contractAddress,
      sequence: odd.record.sequence,
      root: 'e'.repeat(64),
      ...landed,
      status: 'pending',
    });
    await rejectsWith(
      assembleProof(fixture.database.index, odd.entries[0]!, { head }),
      'INDEX_INCONSISTENT',
      'anchors',
    );
  });

  it("INDEX_INCONSISTENT for a batch indexed without its root block, or with another batch's", async () => {
    const sealedEarlier = await fixture.sealBatch(2, { keepRootBlock: false });
    await fixture.recordAnchor(sealedEarlier, await fixture.anchorOnChain(sealedEarlier));
    const missing = await rejectsWith(
      assembleProof(fixture.database.index, sealedEarlier.entries[0]!, { head }),
      'INDEX_INCONSISTENT',
      'batch.rootBlock',
    );
    assert.match(missing.message, /rebuild the index/);

    const crossed = await fixture.sealBatch(2, { rootBlock: other.record.rootBlock! });
    await fixture.recordAnchor(crossed, await fixture.anchorOnChain(crossed));
    await rejectsWith(
      assembleProof(fixture.database.index, crossed.entries[0]!, { head }),
      'INDEX_INCONSISTENT',
      'batch.rootBlock',
    );
  });
});

describe('verifyProof', () => {
  it('accepts the assembled proof, with confirmations recomputed from the chain', async () => {
    const observed: string[] = [];
    const verified = await verifyProof(JSON.parse(JSON.stringify(proof)), {
      ...options(),
      observer: { proofVerified: ({ outcome }) => observed.push(outcome) },
    });
    assert.equal(verified.ok, true);
    assert.equal(verified.lowerBound, 'not-established');
    assert.match(verified.noLowerBoundReason ?? '', /no Ergo node/);
    assert.deepEqual(verified.timeBound, { notAfter: batch.anchor.blockTime });
    assert.equal(verified.trusted, 'trust-roots');
    assert.equal(verified.trustedPlatform, fixture.trustRoots.platform);
    assert.equal(verified.txFile, proof.txFile);
    assert.equal(verified.anchors.length, 1);
    assert.equal(verified.anchors[0]!.confirmations, (await head()) - batch.anchor.blockNumber + 1);
    assert.ok(verified.anchors[0]!.chain === 'evm');
    assert.equal(verified.anchors[0]!.submitter, fixture.chain.owner.address.toLowerCase());
    assert.deepEqual(observed, ['ok']);
  });

  it('fails closed without a lower bound (NO_LOWER_BOUND): no Ergo node, a v3 proof, no trustedblock', async () => {
    const noNode = await rejectsWith(
      verifyProof(proof, options({ acceptNoLowerBound: false })),
      'NO_LOWER_BOUND',
      'timeBound.notBefore',
    );
    assert.equal(noNode.retryable, false);
    assert.match(noNode.message, /no Ergo node was given/);
    // A v3 proof names no trustedblock id: no node could establish its bound (none is asked).
    const v3 = { ...structuredClone(proof), version: 3 } as TxFileProof;
    delete v3.timeBound.notBefore!.blockId;
    const unreachable = { mainnet: 'http://127.0.0.1:9' };
    const legacy = await rejectsWith(
      verifyProof(v3, options({ acceptNoLowerBound: false, ergoNodeUrls: unreachable })),
      'NO_LOWER_BOUND',
      'timeBound.notBefore',
    );
    assert.match(legacy.message, /v3 proof carries no trustedblock id/);
    const accepted = await verifyProof(v3, options());
    assert.equal(accepted.lowerBound, 'not-established');
    const withoutBound = copy();
    delete withoutBound.timeBound.notBefore;
    await rejectsWith(
      verifyProof(withoutBound, options({ acceptNoLowerBound: false })),
      'NO_LOWER_BOUND',
      'timeBound.notBefore',
    );
    await rejectsWith(
      verifyProof(proof, options({ acceptNoLowerBound: 'yes' as unknown as boolean })),
      'INVALID_OPTIONS',
      'acceptNoLowerBound',
    );
  });

  it('BAD_INCLUSION / WRONG_LEAF for a tampered Merkle proof', async () => {
    const anotherLeaf = copy();
    anotherLeaf.txFile = batch.entries[LEAF + 1]!;
    await rejectsWith(verifyProof(anotherLeaf, options()), 'WRONG_LEAF', 'inclusion.leaf');

    const bothLeaves = copy();
    bothLeaves.txFile = batch.entries[LEAF + 1]!;
    bothLeaves.inclusion.leaf = batch.entries[LEAF + 1]!;
    await rejectsWith(verifyProof(bothLeaves, options()), 'BAD_INCLUSION', 'inclusion.root');

    const anotherIndex = copy();
    anotherIndex.inclusion.index = LEAF - 1;
    await rejectsWith(verifyProof(anotherIndex, options()), 'BAD_INCLUSION');

    const flipped = copy();
    const first = flipped.inclusion.path[0]!;
    flipped.inclusion.path[0] = `${first.slice(0, 63)}${first.endsWith('0') ? '1' : '0'}`;
    await rejectsWith(verifyProof(flipped, options()), 'BAD_INCLUSION', 'inclusion.root');

    const treeSize = copy();
    treeSize.inclusion.treeSize = 12;
    await rejectsWith(verifyProof(treeSize, options()), 'BAD_INCLUSION', 'inclusion.treeSize');

    const root = asV2(proof);
    root.batch.merkleRoot = 'f'.repeat(64);
    await rejectsWith(verifyProof(root, options()), 'BAD_INCLUSION', 'inclusion.root');
  });

  it('ANCHOR_MISMATCH for a self-consistent fake tree whose root is not the anchored one', async () => {
    // A one-leaf tree verifies on its own; only the chain can tell its root was never anchored.
    const fake = copy();
    const root = toHex(merkleLeafHashForCid(fake.txFile));
    fake.batch.count = 1;
    fake.batch.merkleRoot = root;
    fake.inclusion = { ...fake.inclusion, index: 0, treeSize: 1, path: [], root };
    // v3: the root block says otherwise, before any node is asked; v2 has only the chain to tell.
    await rejectsWith(verifyProof(fake, options()), 'BATCH_HEADER_MISMATCH', 'batch.count');
    await rejectsWith(verifyProof(asV2(fake), options()), 'ANCHOR_MISMATCH', 'batch.merkleRoot');
  });

  it('ANCHOR_MISMATCH for the anchor transaction of another batch', async () => {
    const swapped = copy();
    Object.assign(swapped.anchors[0]!, other.anchor);
    swapped.timeBound.notAfter = other.anchor.blockTime;
    await rejectsWith(verifyProof(swapped, options()), 'ANCHOR_MISMATCH', 'batch.merkleRoot');

    const block = copy();
    block.anchors[0]!.blockHash = other.anchor.blockHash;
    block.anchors[0]!.blockNumber = other.anchor.blockNumber;
    // The whole block moves (hash, number, time: all canonical), so only the receipt's block disagrees.
    block.anchors[0]!.blockTime = other.anchor.blockTime;
    // The two batches may land in blocks of different seconds: the window follows the anchor.
    block.timeBound.notAfter = other.anchor.blockTime;
    await rejectsWith(verifyProof(block, options()), 'ANCHOR_MISMATCH', 'anchors[0].blockNumber');

    const time = copy();
    time.anchors[0]!.blockTime = '2001-01-01T00:00:00.000Z';
    time.timeBound.notAfter = time.anchors[0]!.blockTime;
    await rejectsWith(verifyProof(time, options()), 'ANCHOR_MISMATCH', 'anchors[0].blockTime');
  });

  it('ANCHOR_NOT_FOUND for a contract that is not the anchoring one, or an unknown transaction', async () => {
    const contract = copy();
    contract.anchors[0]!.contract = fixture.chain.stranger.address.toLowerCase();
    await rejectsWith(verifyProof(contract, claims()), 'ANCHOR_NOT_FOUND', 'anchors[0].contract');

    const tx = copy();
    tx.anchors[0]!.txHash = `0x${'ab'.repeat(32)}`;
    await rejectsWith(verifyProof(tx, options()), 'ANCHOR_NOT_FOUND', 'anchors[0].txHash');
  });

  it('ANCHOR_REVERTED for a transaction that failed on chain', async () => {
    // The stranger is no submitter: its anchor call reverts, but a fixed gas limit still mines it.
    const { chain } = fixture;
    const stranger = chain.stranger;
    const [nonce, fees] = await Promise.all([
      chain.call<string>('eth_getTransactionCount', [stranger.address, 'pending']),
      chain.call<{ baseFeePerGas: string }>('eth_getBlockByNumber', ['latest', false]),
    ]);
    const raw = await stranger.signTransaction({
      type: 2,
      chainId: BigInt(fixture.chainId),
      nonce: Number(BigInt(nonce)),
      to: chain.contractAddress,
      data: encodeAnchorCall(batch.record.merkleRoot, batch.record.cid, batch.record.sequence),
      gasLimit: 200_000n,
      maxPriorityFeePerGas: 1n,
      maxFeePerGas: BigInt(fees.baseFeePerGas) * 2n + 1n,
    });
    const txHash = await chain.call<string>('eth_sendRawTransaction', [raw]);
    const receipt = await minedReceipt(chain, txHash);
    assert.equal(receipt.status, '0x0');
    const block = await chain.call<{ timestamp: string }>('eth_getBlockByHash', [receipt.blockHash, false]);
    const reverted = copy();
    Object.assign(reverted.anchors[0]!, {
      txHash: txHash.toLowerCase(),
      blockNumber: Number(BigInt(receipt.blockNumber)),
      blockHash: receipt.blockHash.toLowerCase(),
      blockTime: new Date(Number(BigInt(block.timestamp)) * 1000).toISOString(),
    });
    reverted.timeBound.notAfter = reverted.anchors[0]!.blockTime;
    await rejectsWith(verifyProof(reverted, options()), 'ANCHOR_REVERTED', 'anchors[0].txHash');
  });

  it('TOO_FEW_CONFIRMATIONS (retryable) below the required depth', async () => {
    const depth = (await head()) - batch.anchor.blockNumber + 1;
    await verifyProof(proof, options({ minConfirmations: depth }));
    const error = await rejectsWith(
      verifyProof(proof, options({ minConfirmations: depth + 1 })),
      'TOO_FEW_CONFIRMATIONS',
    );
    assert.equal(error.retryable, true);
  });

  it('WRONG_CHAIN, NO_RPC_URL and INVALID_OPTIONS name what is wrong with the setup', async () => {
    const elsewhere = copy();
    elsewhere.anchors[0]!.chainId = '1';
    await rejectsWith(
      verifyProof(elsewhere, claims({ evmRpcUrls: { '1': fixture.rpcUrl } })),
      'WRONG_CHAIN',
      'anchors[0].chainId',
    );
    await rejectsWith(verifyProof(proof, options({ evmRpcUrls: {} })), 'NO_RPC_URL', 'anchors[0].chainId');
    await rejectsWith(
      verifyProof(proof, options({ minConfirmations: 0 })),
      'INVALID_OPTIONS',
      'minConfirmations',
    );
    await rejectsWith(
      verifyProof(proof, options({ evmRpcUrls: { [fixture.chainId]: 'ftp://x' } })),
      'INVALID_OPTIONS',
    );
  });

  it('RPC_UNAVAILABLE (retryable) when the node does not answer', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    const error = await rejectsWith(
      verifyProof(
        proof,
        options({
          evmRpcUrls: { [fixture.chainId]: `http://127.0.0.1:${address.port}` },
          rpcTimeoutMs: 2_000,
        }),
      ),
      'RPC_UNAVAILABLE',
    );
    assert.equal(error.retryable, true);
  });

  it('RPC_ERROR (retryable) when the node answers nonsense', async () => {
    const server = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const { id } = JSON.parse(body) as { id: number };
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ jsonrpc: '2.0', id, result: 'not a quantity' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      const url = `http://127.0.0.1:${address.port}`;
      const error = await rejectsWith(
        verifyProof(proof, options({ evmRpcUrls: { [fixture.chainId]: url } })),
        'RPC_ERROR',
      );
      assert.equal(error.retryable, true);
    } finally {
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
    }
  });

  it('NOT_CANONICAL once the anchor block is reorganized away', async () => {
    // Last test: it rewrites the chain. Snapshot, anchor, prove, revert, build a longer other branch.
    const snapshot = await fixture.chain.call<string>('evm_snapshot');
    const doomed = await fixture.anchoredBatch(4);
    const doomedProof = await assembleProof(fixture.database.index, doomed.entries[2]!, { head });
    await verifyProof(doomedProof, options());
    assert.equal(await fixture.chain.call<boolean>('evm_revert', [snapshot]), true);
    await rejectsWith(verifyProof(doomedProof, options()), 'NOT_CANONICAL', 'anchors[0].blockNumber');
    await fixture.chain.mine(3);
    await rejectsWith(verifyProof(doomedProof, options()), 'NOT_CANONICAL', 'anchors[0].blockHash');
    // The untouched older anchor still verifies.
    await verifyProof(proof, options());
  });
});

describe('verifyProof: the batch header is the anchored root block (v3)', () => {
  let later: TxFileProof;

  before(async () => {
    // `other` is sequence 1: it has a previous batch to lie about.
    later = await assembleProof(fixture.database.index, other.entries[0]!, { head });
  });

  it('reads the header from the root block of the anchored CID', async () => {
    const verified = await verifyProof(JSON.parse(JSON.stringify(later)), options());
    assert.equal(verified.batchHeader, 'anchored');
    assert.equal(verified.batch.count, 3);
  });

  it('BATCH_HEADER_MISMATCH for an edited count, sealedAt, previous, platform, sequence or root', async () => {
    const edits: [keyof TxFileProof['batch'], (p: TxFileProof) => void][] = [
      // The attacker keeps the tree consistent: a 12-leaf path the root block does not back.
      [
        'count',
        (p) => {
          p.batch.count = 12;
          p.inclusion.treeSize = 12;
        },
      ],
      ['sealedAt', (p) => (p.batch.sealedAt = '2020-01-01T00:00:00.000Z')],
      ['previous', (p) => (p.batch.previous = other.record.cid)],
      ['platform', (p) => (p.batch.platform = 'anchorpost-elsewhere')],
      ['sequence', (p) => (p.batch.sequence = 7)],
      ['merkleRoot', (p) => (p.batch.merkleRoot = 'f'.repeat(64))],
    ];
    for (const [field, edit] of edits) {
      const edited = structuredClone(later);
      edit(edited);
      const error = await rejectsWith(
        verifyProof(edited, options()),
        'BATCH_HEADER_MISMATCH',
        `batch.${field}`,
      );
      assert.equal(error.retryable, false);
      // The same edit in a v2 proof is not caught by the header (what v3 adds).
      if (field === 'sealedAt' || field === 'platform') {
        const unchecked = await verifyProof(asV2(edited), options());
        assert.equal(unchecked.batchHeader, 'unchecked');
      }
    }
  });

  it("BATCH_HEADER_MISMATCH for another batch's root block (its CID is not the anchored one)", async () => {
    const replaced = structuredClone(proof);
    replaced.batch.rootBlock = later.batch.rootBlock!;
    const error = await rejectsWith(
      verifyProof(replaced, options()),
      'BATCH_HEADER_MISMATCH',
      'batch.rootBlock',
    );
    assert.match(error.message, new RegExp(other.record.cid));
  });

  it('BATCH_HEADER_MISMATCH for a root block that hashes to batch.cid but is no batch-file root', async () => {
    const notRoot = structuredClone(proof);
    const bytes = new TextEncoder().encode('not dag-cbor');
    notRoot.batch.rootBlock = toBase64(bytes);
    notRoot.batch.cid = dagCborCid(bytes).toString();
    await rejectsWith(verifyProof(notRoot, options()), 'BATCH_HEADER_MISMATCH', 'batch.rootBlock');
  });

  it('BAD_INCLUSION when the inclusion treeSize differs from the header count', async () => {
    const bigger = structuredClone(later);
    bigger.inclusion.treeSize = 4;
    await rejectsWith(verifyProof(bigger, options()), 'BAD_INCLUSION', 'inclusion.treeSize');
  });

  it('INVALID_PROOF for a v3 proof without its root block and a v2 proof with one', async () => {
    const without = structuredClone(later) as unknown as { batch: Record<string, unknown> };
    delete without.batch.rootBlock;
    await rejectsWith(verifyProof(without, options()), 'INVALID_PROOF', 'batch.rootBlock');
    await rejectsWith(
      verifyProof({ ...structuredClone(later), version: 2 }, options()),
      'INVALID_PROOF',
      'batch.rootBlock',
    );
    const badBase64 = structuredClone(later);
    badBase64.batch.rootBlock = 'not base64!';
    await rejectsWith(verifyProof(badBase64, options()), 'INVALID_PROOF', 'batch.rootBlock');
  });
});

describe('verifyProof under trust roots: the anchors the auditor chose, not the proof', () => {
  /** Tx-files the forger picks: one the platform really sealed, one it never saw. */
  const chosenCids = async () => [
    batch.entries[LEAF]!,
    await cidForBytes(new TextEncoder().encode(`never sent to the platform ${Date.now()}`)),
  ];

  it('fails closed without trust roots (NO_TRUST_ROOTS); trustProofClaims must be asked for, and says so', async () => {
    const error = await rejectsWith(
      verifyProof(proof, { evmRpcUrls: { [fixture.chainId]: fixture.rpcUrl } }),
      'NO_TRUST_ROOTS',
      'trust',
    );
    assert.equal(error.retryable, false);
    await rejectsWith(
      verifyProof(proof, options({ trustProofClaims: true })),
      'INVALID_OPTIONS',
      'trustProofClaims',
    );
    const verified = await verifyProof(proof, claims());
    assert.equal(verified.trusted, 'proof-claims');
    assert.equal(verified.trustedPlatform, undefined);
  });

  it("UNTRUSTED_ANCHOR for a stranger's own copy of the contract anchoring a root over chosen CIDs", async () => {
    const stranger = fixture.chain.stranger;
    const forged = await forgeProof(fixture.chain, { signer: stranger, entries: await chosenCids() });
    // Every chain check holds: the stranger's contract did anchor that root.
    const claimed = await verifyProof(forged, claims());
    assert.equal(claimed.trusted, 'proof-claims');
    assert.ok(claimed.anchors[0]!.chain === 'evm');
    assert.equal(claimed.anchors[0]!.submitter, stranger.address.toLowerCase());
    const error = await rejectsWith(
      verifyProof(forged, options()),
      'UNTRUSTED_ANCHOR',
      'anchors[0].contract',
    );
    assert.match(error.message, /is not in the trust roots of proof-fixture/);
    assert.equal(error.retryable, false);
  });

  it('UNTRUSTED_ANCHOR for the trusted contract anchored by an account the roots do not trust', async () => {
    const { owner, stranger, rpc } = fixture.chain;
    // A contract that lets the stranger anchor too; the auditor trusts the owner's key alone.
    const shared = await deployAnchorContract(owner, { rpc, submitters: [owner.address, stranger.address] });
    const trust = parseTrustRoots({
      version: 1,
      platform: 'shared',
      evm: [{ chainId: fixture.chainId, contract: shared.address, submitters: [owner.address] }],
    });
    const entries = await chosenCids();
    const byStranger = await forgeProof(fixture.chain, {
      signer: stranger,
      contract: shared.address,
      entries,
    });
    await verifyProof(byStranger, claims());
    const error = await rejectsWith(
      verifyProof(byStranger, options({ trust })),
      'UNTRUSTED_ANCHOR',
      'anchors[0].txHash',
    );
    assert.match(error.message, new RegExp(`anchored by ${stranger.address.toLowerCase()}`));
    // The same contract, the trusted key: accepted.
    const byOwner = await forgeProof(fixture.chain, {
      signer: owner,
      contract: shared.address,
      entries,
      sequence: 1,
    });
    assert.equal((await verifyProof(byOwner, options({ trust }))).trusted, 'trust-roots');
    // The platform's own contract allows a second submitter the fixture's roots do not trust.
    const bySecond = await forgeProof(fixture.chain, {
      signer: fixture.chain.otherSubmitter,
      contract: fixture.chain.contractAddress,
      entries,
      sequence: 1_000,
    });
    await rejectsWith(verifyProof(bySecond, options()), 'UNTRUSTED_ANCHOR', 'anchors[0].txHash');
  });

  it('UNTRUSTED_ANCHOR for a chain the roots name no contract on, before any node is asked', async () => {
    const trust = parseTrustRoots({
      ...fixture.trustRoots,
      evm: [{ ...fixture.trustRoots.evm[0]!, chainId: '1' }],
    });
    // No RPC URL at all: the trust roots refuse first.
    await rejectsWith(
      verifyProof(proof, { evmRpcUrls: {}, trust, acceptNoLowerBound: true }),
      'UNTRUSTED_ANCHOR',
      'anchors[0].chainId',
    );
  });

  it('INVALID_TRUST_ROOTS for trust roots that are not TrustRoots v1', async () => {
    const bad = { ...fixture.trustRoots, evm: [{ ...fixture.trustRoots.evm[0]!, submitters: [] }] };
    await rejectsWith(
      verifyProof(proof, options({ trust: bad })),
      'INVALID_TRUST_ROOTS',
      'evm[0].submitters',
    );
  });
});

describe('assembleProof with a BatchHeaderCache', () => {
  it('gives the proof it gives without one, the new anchor after a re-anchor, and checks a changed row afresh', async () => {
    const index = fixture.database.index;
    const cache = new BatchHeaderCache();
    const snapshot = await fixture.chain.call<string>('evm_snapshot');
    const moved = await fixture.anchoredBatch(3);
    const cid = moved.entries[1]!;
    const first = await assembleProof(index, cid, { head, batchHeaderCache: cache });
    assert.equal(cache.size, 1);
    assert.equal(JSON.stringify(first), JSON.stringify(await assembleProof(index, cid, { head })));

    // A reorg takes the anchor's block away; the root is sent again and lands in another block.
    assert.equal(await fixture.chain.call<boolean>('evm_revert', [snapshot]), true);
    await fixture.chain.mine(2);
    const again = await fixture.anchorOnChain(moved);
    await fixture.recordAnchor(moved, again);
    const second = await assembleProof(index, cid, { head, batchHeaderCache: cache });
    assert.equal(second.anchors.length, 1);
    assert.equal(
      second.anchors[0]!.chain === 'evm' && second.anchors[0]!.blockHash,
      again.blockHash.toLowerCase(),
    );
    assert.notEqual(JSON.stringify(second.anchors), JSON.stringify(first.anchors));
    assert.equal(JSON.stringify(second), JSON.stringify(await assembleProof(index, cid, { head })));
    await verifyProof(second, options());

    // The row changes under the cache (a rebuild gone wrong): checked afresh, not served from it.
    await fixture.database.prisma.batch.update({
      where: { cid: moved.record.cid },
      data: { sealedAt: new Date('2020-01-01T00:00:00.000Z') },
    });
    await rejectsWith(
      assembleProof(index, cid, { head, batchHeaderCache: cache }),
      'INDEX_INCONSISTENT',
      'batch.sealedAt',
    );
  });
});
