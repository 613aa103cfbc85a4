/**
 * The contract suite of the chain port: every AnchorChain adapter (EVM on anvil here, Ergo later)
 * registers these node:test blocks with a harness factory and must pass them unchanged.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { cidBytesToText, cidForSmallBytes } from '@anchorpost/protocol';
import type { AnchorChain } from '../anchor-chain.ts';
import { AnchorState } from '../anchor-request.ts';
import type { AnchorRecord, AnchorRequest } from '../anchor-request.ts';
import type { AnchorRequestStore } from '../anchor-request-store.ts';
import type { ChainAnchor, ChainReader } from '../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../chain-error.ts';
import { MemoryAnchorRequestStore } from '../memory-anchor-request-store.ts';

/** A fresh chain (own node or own contract/marker) and the means to drive it. */
export interface ChainHarness {
  /** An adapter instance on `store`; a second call stands for the process after a restart. */
  open(store: AnchorRequestStore): AnchorChain;
  /** What open() configures: confirmations for CONFIRMED and depth for FINALIZED. */
  readonly confirmations: number;
  readonly finalityDepth: number;
  /** Produces `blocks` new blocks. */
  mine(blocks: number): Promise<void>;
  /** Puts an anchor on chain without the adapter under test (another authorized submitter). */
  anchorElsewhere(request: AnchorRequest): Promise<void>;
  /** Replaces the newest `depth` blocks with blocks holding none of their transactions. */
  reorg?(depth: number): Promise<void>;
  /** Puts a look-alike anchor on chain from a source the adapter must not trust. */
  forgeAnchor?(request: AnchorRequest): Promise<void>;
  close(): Promise<void>;
}

export type ChainHarnessFactory = () => Promise<ChainHarness>;

/** Deterministic, valid requests: root = SHA-256 of a label, a dag-cbor CID (as batch-files have). */
export function sampleAnchorRequest(sequence: number, label = 'batch'): AnchorRequest {
  const root = createHash('sha256').update(`${label}/${sequence}`).digest('hex');
  const digest = createHash('sha256').update(`${label}/${sequence}/block`).digest();
  // CIDv1 ‖ dag-cbor ‖ sha2-256 ‖ 32 bytes ‖ digest
  const batchCid = cidBytesToText(Uint8Array.from([0x01, 0x71, 0x12, 0x20, ...digest]));
  return { sequence, root, batchCid };
}

/** Ticks (mining a block between ticks) until `done` holds; fails after `rounds`. */
export async function settle(
  chain: AnchorChain,
  harness: ChainHarness,
  done: () => Promise<boolean>,
  rounds = 40,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    await chain.tick();
    if (await done()) return;
    await harness.mine(1);
  }
  assert.fail(`not settled after ${rounds} rounds`);
}

export const inState =
  (chain: AnchorChain, sequence: number, state: AnchorState) => async (): Promise<boolean> =>
    (await chain.status(sequence))?.state === state;

/** Every anchor in [from, head], all pages concatenated. */
export async function allAnchors(reader: ChainReader, fromBlock = 0): Promise<ChainAnchor[]> {
  const head = await reader.head();
  const anchors: ChainAnchor[] = [];
  for await (const page of reader.readAnchors(fromBlock, head.number)) anchors.push(...page.anchors);
  return anchors;
}

async function rejectsWith(promise: Promise<unknown>, code: ChainErrorCode): Promise<ChainError> {
  const error = await promise.then(
    () => assert.fail(`expected ChainError ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ChainError, `expected ChainError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

function assertMatches(anchor: ChainAnchor, request: AnchorRequest, record: AnchorRecord): void {
  assert.equal(anchor.sequence, request.sequence);
  assert.equal(anchor.root, request.root);
  assert.equal(anchor.batchCid, request.batchCid);
  assert.ok(record.inclusion !== null);
  assert.equal(anchor.txHash, record.inclusion.txHash);
  assert.equal(anchor.blockNumber, record.inclusion.blockNumber);
  assert.equal(anchor.blockHash, record.inclusion.blockHash);
  assert.equal(anchor.blockTime, record.inclusion.blockTime);
  assert.equal(anchor.logIndex, record.inclusion.logIndex);
  assert.equal(new Date(anchor.blockTime).toISOString(), anchor.blockTime);
}

export function anchorChainContract(name: string, factory: ChainHarnessFactory): void {
  describe(`AnchorChain contract: ${name}`, () => {
    let harness: ChainHarness;
    let store: MemoryAnchorRequestStore;
    let chain: AnchorChain;

    // One harness per test keeps tests independent (own chain, own nonces, own reorgs).
    const fresh = async (): Promise<void> => {
      await harness.close();
      harness = await factory();
      store = new MemoryAnchorRequestStore();
      chain = harness.open(store);
    };
    before(async () => {
      harness = await factory();
      store = new MemoryAnchorRequestStore();
      chain = harness.open(store);
    });
    after(async () => {
      await harness.close();
    });

    it('anchors a request through MINED and CONFIRMED to FINALIZED, and reads it back', async () => {
      await fresh();
      const request = sampleAnchorRequest(0);
      const created = await chain.anchor(request);
      assert.equal(created.state, AnchorState.Pending);
      assert.equal(created.chain, chain.id);
      const seen: string[] = [];
      for (let round = 0; round < 60; round++) {
        for (const t of await chain.tick()) {
          assert.equal(t.sequence, 0);
          assert.equal(t.record.state, t.to);
          if (t.from !== t.to) seen.push(`${t.from}>${t.to}`);
        }
        if ((await chain.status(0))?.state === AnchorState.Finalized) break;
        await harness.mine(1);
      }
      assert.deepEqual(seen, [
        'PENDING>SUBMITTED',
        'SUBMITTED>MINED',
        'MINED>CONFIRMED',
        'CONFIRMED>FINALIZED',
      ]);
      const record = (await chain.status(0))!;
      assert.ok(record.confirmations >= harness.finalityDepth);
      assert.equal(record.inclusion?.adopted, false);
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, record);
      // Finalized requests are at rest: further ticks change nothing.
      assert.deepEqual(await chain.tick(), []);
    });

    it('reaches CONFIRMED exactly at the configured number of confirmations', async () => {
      await fresh();
      await chain.anchor(sampleAnchorRequest(1));
      await settle(chain, harness, inState(chain, 1, AnchorState.Mined));
      const mined = (await chain.status(1))!;
      const blockNumber = mined.inclusion!.blockNumber;
      for (;;) {
        const confirmations = await chain.confirmations(blockNumber, mined.inclusion!.blockHash);
        await chain.tick();
        const state = (await chain.status(1))!.state;
        assert.equal(
          state,
          confirmations >= harness.confirmations ? AnchorState.Confirmed : AnchorState.Mined,
        );
        if (state === AnchorState.Confirmed) break;
        await harness.mine(1);
      }
      assert.equal((await chain.status(1))!.confirmations, harness.confirmations);
    });

    it('counts confirmations from the head, and none for unknown or future blocks', async () => {
      await fresh();
      await chain.anchor(sampleAnchorRequest(2));
      await settle(chain, harness, inState(chain, 2, AnchorState.Mined));
      const { blockNumber, blockHash } = (await chain.status(2))!.inclusion!;
      const before = await chain.head();
      assert.equal(await chain.confirmations(blockNumber), before.number - blockNumber + 1);
      await harness.mine(3);
      const head = await chain.head();
      assert.equal(head.number, before.number + 3);
      assert.match(head.hash, /^(0x)?[0-9a-f]{64}$/);
      assert.equal(new Date(head.time).toISOString(), head.time);
      assert.equal(await chain.confirmations(blockNumber, blockHash), head.number - blockNumber + 1);
      assert.equal(await chain.confirmations(head.number), 1);
      assert.equal(await chain.confirmations(head.number + 1), 0);
      assert.equal(await chain.confirmations(blockNumber, `${'0'.repeat(blockHash.length - 2)}aa`), 0);
    });

    it('is idempotent per sequence and refuses a different root or batch for a taken sequence', async () => {
      const request = sampleAnchorRequest(10);
      const first = await chain.anchor(request);
      const again = await chain.anchor({ ...request });
      assert.deepEqual(again, first);
      const other = sampleAnchorRequest(11);
      await rejectsWith(chain.anchor({ ...request, root: other.root }), ChainErrorCode.Conflict);
      const conflict = await rejectsWith(
        chain.anchor({ ...request, batchCid: other.batchCid }),
        ChainErrorCode.Conflict,
      );
      assert.equal(conflict.retryable, false);
      assert.deepEqual(await chain.status(10), first);
      assert.equal(await chain.status(12), undefined);
    });

    it('rejects malformed requests with INVALID_REQUEST before storing anything', async () => {
      const good = sampleAnchorRequest(20);
      const bad: AnchorRequest[] = [
        { ...good, sequence: -1 },
        { ...good, sequence: 1.5 },
        { ...good, sequence: Number.MAX_SAFE_INTEGER + 1 },
        { ...good, root: good.root.toUpperCase() },
        { ...good, root: `0x${good.root}` },
        { ...good, root: good.root.slice(2) },
        { ...good, root: '0'.repeat(64) },
        { ...good, batchCid: '' },
        { ...good, batchCid: 'not a cid' },
        { ...good, batchCid: 'b'.repeat(200) },
        // A raw-leaf CID is a tx-file address, not a batch-file.
        { ...good, batchCid: cidForSmallBytes(new Uint8Array([1])) },
      ];
      for (const request of bad) {
        const error = await rejectsWith(chain.anchor(request), ChainErrorCode.InvalidRequest);
        assert.equal(error.retryable, false);
      }
      assert.equal(await chain.status(20), undefined);
    });

    it('anchors many requests at once, each exactly once, in sequence order', async () => {
      await fresh();
      const requests = [30, 31, 32, 33, 34].map((s) => sampleAnchorRequest(s));
      for (const request of requests) await chain.anchor(request);
      await settle(chain, harness, async () => {
        const states = await Promise.all(requests.map(async (r) => (await chain.status(r.sequence))?.state));
        return states.every((s) => s === AnchorState.Confirmed || s === AnchorState.Finalized);
      });
      const anchors = await allAnchors(chain);
      assert.deepEqual(
        anchors.map((a) => a.sequence),
        requests.map((r) => r.sequence),
      );
      for (const request of requests) {
        const anchor = anchors.find((a) => a.sequence === request.sequence)!;
        assertMatches(anchor, request, (await chain.status(request.sequence))!);
      }
    });

    it('reads anchors page by page: contiguous ranges, clamped to the head, in chain order', async () => {
      await fresh();
      const requests = [40, 41, 42].map((s) => sampleAnchorRequest(s));
      for (const request of requests) {
        await chain.anchor(request);
        await settle(chain, harness, inState(chain, request.sequence, AnchorState.Mined));
        await harness.mine(4);
      }
      const head = await chain.head();
      const pages = [];
      for await (const page of chain.readAnchors(0, head.number + 100)) pages.push(page);
      assert.ok(pages.length > 1, 'expected several pages');
      assert.equal(pages[0]!.fromBlock, 0);
      assert.equal(pages.at(-1)!.toBlock, head.number);
      for (let i = 1; i < pages.length; i++) assert.equal(pages[i]!.fromBlock, pages[i - 1]!.toBlock + 1);
      for (const page of pages) {
        assert.ok(page.fromBlock <= page.toBlock);
        for (const anchor of page.anchors) {
          assert.ok(anchor.blockNumber >= page.fromBlock && anchor.blockNumber <= page.toBlock);
        }
      }
      assert.deepEqual(
        pages.flatMap((p) => p.anchors.map((a) => a.sequence)),
        [40, 41, 42],
      );
      // A sub-range holds exactly the anchors inside it.
      const second = (await chain.status(41))!.inclusion!.blockNumber;
      const inner = [];
      for await (const page of chain.readAnchors(second, second)) inner.push(...page.anchors);
      assert.deepEqual(
        inner.map((a) => a.sequence),
        [41],
      );
      await rejectsWith(
        chain.readAnchors(5, 4)[Symbol.asyncIterator]().next(),
        ChainErrorCode.InvalidRequest,
      );
    });

    it('resumes from the store after a restart without anchoring twice', async () => {
      await fresh();
      const request = sampleAnchorRequest(50);
      await chain.anchor(request);
      const transitions = await chain.tick();
      assert.ok(transitions.some((t) => t.to === AnchorState.Submitted));
      // "Crash": drop the instance; a new one on the same store takes over.
      const restarted = harness.open(store);
      await settle(restarted, harness, inState(restarted, 50, AnchorState.Confirmed));
      const anchors = (await allAnchors(restarted)).filter((a) => a.sequence === 50);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, (await restarted.status(50))!);
    });

    it('adopts an anchor that is already on chain instead of sending another', async () => {
      await fresh();
      const request = sampleAnchorRequest(300); // 0x12c: an odd number of hex digits
      await harness.anchorElsewhere(request);
      await chain.anchor(request);
      const transitions = await chain.tick();
      assert.deepEqual(
        transitions.map((t) => `${t.from}>${t.to}`),
        ['PENDING>MINED'],
      );
      const record = (await chain.status(300))!;
      assert.equal(record.inclusion?.adopted, true);
      assert.equal(record.attempts.length, 0);
      await settle(chain, harness, inState(chain, 300, AnchorState.Confirmed));
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, (await chain.status(300))!);
    });

    it('fails a request whose sequence is on chain with another root, and retry() re-checks', async () => {
      await fresh();
      const request = sampleAnchorRequest(70);
      const other = sampleAnchorRequest(70, 'other');
      await harness.anchorElsewhere(other);
      await chain.anchor(request);
      await chain.tick();
      const failed = (await chain.status(70))!;
      assert.equal(failed.state, AnchorState.Failed);
      assert.equal(failed.failure?.code, ChainErrorCode.Conflict);
      // At rest: ticks leave it alone.
      assert.deepEqual(await chain.tick(), []);
      const retried = await chain.retry(70);
      assert.equal(retried.state, AnchorState.Pending);
      await chain.tick();
      assert.equal((await chain.status(70))!.state, AnchorState.Failed);
      await rejectsWith(chain.retry(71), ChainErrorCode.NotFound);
    });

    it('ignores anchor look-alikes from untrusted sources', async (t) => {
      if (harness.forgeAnchor === undefined) {
        t.skip('harness cannot forge anchors');
        return;
      }
      await fresh();
      const forged = sampleAnchorRequest(80, 'forged');
      await harness.forgeAnchor(forged);
      const real = sampleAnchorRequest(81);
      await chain.anchor(real);
      await settle(chain, harness, inState(chain, 81, AnchorState.Mined));
      await harness.forgeAnchor(sampleAnchorRequest(82, 'forged'));
      assert.deepEqual(
        (await allAnchors(chain)).map((a) => a.sequence),
        [81],
      );
    });

    it('goes back and anchors again, once, when a reorg drops the anchor block', async (t) => {
      if (harness.reorg === undefined) {
        t.skip('harness cannot reorganize');
        return;
      }
      await fresh();
      const request = sampleAnchorRequest(90);
      await chain.anchor(request);
      await settle(chain, harness, inState(chain, 90, AnchorState.Mined));
      const dropped = (await chain.status(90))!.inclusion!;
      await harness.mine(1);
      const head = await chain.head();
      await harness.reorg(head.number - dropped.blockNumber + 1);
      assert.notEqual((await chain.head()).hash, head.hash, 'the harness reorg must replace the head block');
      assert.deepEqual(await allAnchors(chain), [], 'the dropped anchor must not be read any more');
      const transitions = await chain.tick();
      assert.ok(
        transitions.some(
          (x) =>
            x.from === AnchorState.Mined && (x.to === AnchorState.Submitted || x.to === AnchorState.Pending),
        ),
        `expected a step back, got ${transitions.map((x) => `${x.from}>${x.to}`).join(', ')}`,
      );
      await settle(chain, harness, inState(chain, 90, AnchorState.Confirmed));
      const record = (await chain.status(90))!;
      assert.notEqual(record.inclusion!.blockHash, dropped.blockHash);
      const anchors = await allAnchors(chain);
      assert.equal(anchors.length, 1);
      assertMatches(anchors[0]!, request, record);
    });
  });
}
