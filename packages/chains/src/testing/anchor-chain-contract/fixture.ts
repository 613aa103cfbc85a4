/**
 * What the AnchorChain contract's groups share: the harness a chain adapter provides, a fresh
 * chain per test, deterministic requests, and the assertions the groups make.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after } from 'node:test';
import { cidBytesToText } from '@anchorpost/protocol';
import type { AnchorChain } from '../../anchor-chain.ts';
import { AnchorState } from '../../anchor-request.ts';
import type { AnchorRecord, AnchorRequest } from '../../anchor-request.ts';
import type { AnchorRequestStore } from '../../anchor-request-store.ts';
import type { ChainAnchor, ChainReader } from '../../chain-reader.ts';
import { ChainError, ChainErrorCode } from '../../chain-error.ts';
import { MemoryAnchorRequestStore } from '../../memory-anchor-request-store.ts';

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

export async function rejectsWith(promise: Promise<unknown>, code: ChainErrorCode): Promise<ChainError> {
  const error = await promise.then(
    () => assert.fail(`expected ChainError ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ChainError, `expected ChainError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

export function assertMatches(anchor: ChainAnchor, request: AnchorRequest, record: AnchorRecord): void {
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

/** A chain on a fresh harness, the adapter under test opened on an empty store. */
export interface ChainUnderTest {
  readonly harness: ChainHarness;
  readonly store: MemoryAnchorRequestStore;
  readonly chain: AnchorChain;
}

/**
 * Call inside a group's describe: returns `fresh()`, which gives a test a chain of its own (own
 * node or contract, own nonces, own reorgs), so that no test depends on what another left behind.
 * The previous test's harness is closed first, the last one after the group.
 */
export function chainFixture(factory: ChainHarnessFactory): () => Promise<ChainUnderTest> {
  let current: ChainHarness | undefined;
  after(async () => {
    await current?.close();
  });
  return async () => {
    const previous = current;
    current = undefined;
    await previous?.close();
    const harness = await factory();
    current = harness;
    const store = new MemoryAnchorRequestStore();
    return { harness, store, chain: harness.open(store) };
  };
}
