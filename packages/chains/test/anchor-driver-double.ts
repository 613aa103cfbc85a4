/**
 * A test double of driver.AnchorDriver for the engine's unit tests: no chain, only answers a test sets
 * (per call, with plain defaults) and a log of what the engine asked, in order.
 */
import type { AnchorAttempt, AnchorRecord } from '../src/anchor-request.ts';
import type { ChainAnchor, ChainAnchorPage, ChainHead, ChainReader } from '../src/chain-reader.ts';
import type * as driver from '../src/engine/index.ts';

type Answer<T> = T | Error;

function give<T>(answer: Answer<T>): Promise<T> {
  return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
}

export class AnchorDriverDouble implements driver.AnchorDriver {
  /** The head every tick starts from. */
  headNumber = 100;
  /** Anchors "on chain" by sequence, whoever put them there. */
  readonly onChain = new Map<number, ChainAnchor>();
  /** Canonical block hashes by height; a height not here has no block. */
  readonly blocks = new Map<number, string>();
  /** What the engine asked, in order: `sign:4`, `broadcast:first:tx-4-1`, `follow:4`, `holds:4`, ... */
  readonly calls: string[] = [];
  /** Answers; the defaults sign, accept every broadcast and see nothing mined. */
  signAnswer: (record: AnchorRecord, attempt: AnchorAttempt) => Answer<driver.SignOutcome> = (
    _,
    attempt,
  ) => ({
    kind: 'signed',
    attempt,
    nonce: null,
  });
  broadcastAnswer: (
    attempt: AnchorAttempt,
    purpose: driver.BroadcastPurpose,
  ) => Answer<driver.BroadcastOutcome> = () => ({
    kind: 'accepted',
  });
  followAnswer: (record: AnchorRecord) => Answer<driver.FollowOutcome> = () => ({ kind: 'waiting' });
  /** Called at each broadcast before it answers: lets a test look at the store at that moment. */
  onBroadcast: (attempt: AnchorAttempt) => Promise<void> = () => Promise.resolve();
  #signed = 0;

  beginTick(): Promise<driver.DriverTick> {
    this.calls.push('begin');
    return Promise.resolve({ headNumber: this.headNumber });
  }

  holds(record: AnchorRecord): void {
    this.calls.push(`holds:${record.sequence}`);
  }

  findAnchor(record: AnchorRecord): Promise<ChainAnchor | undefined> {
    return Promise.resolve(this.onChain.get(record.sequence));
  }

  sign(record: AnchorRecord): Promise<driver.SignOutcome> {
    this.calls.push(`sign:${record.sequence}`);
    return give(this.signAnswer(record, this.attempt(record.sequence)));
  }

  async broadcast(
    attempt: AnchorAttempt,
    purpose: driver.BroadcastPurpose,
  ): Promise<driver.BroadcastOutcome> {
    this.calls.push(`broadcast:${purpose}:${attempt.txHash}`);
    await this.onBroadcast(attempt);
    return give(this.broadcastAnswer(attempt, purpose));
  }

  follow(record: AnchorRecord): Promise<driver.FollowOutcome> {
    this.calls.push(`follow:${record.sequence}`);
    return give(this.followAnswer(record));
  }

  blockHash(blockNumber: number): Promise<string | undefined> {
    return Promise.resolve(this.blocks.get(blockNumber));
  }

  /** A fresh signed "transaction" for `sequence`: tx-<sequence>-<n>. */
  attempt(sequence: number): AnchorAttempt {
    this.#signed++;
    return {
      txHash: `tx-${sequence}-${this.#signed}`,
      rawTransaction: `raw-${sequence}-${this.#signed}`,
      fees: { fee: '1' },
      submittedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.#signed)).toISOString(),
    };
  }

  /** An anchor of `record` in block `blockNumber` (registered as canonical). */
  include(sequence: number, blockNumber: number, request: { root: string; batchCid: string }): ChainAnchor {
    const blockHash = `block-${blockNumber}`;
    this.blocks.set(blockNumber, blockHash);
    return {
      sequence,
      root: request.root,
      batchCid: request.batchCid,
      submitter: 'someone',
      txHash: `tx-on-chain-${sequence}`,
      blockNumber,
      blockHash,
      blockTime: '2026-01-01T00:00:00.000Z',
      logIndex: 0,
    };
  }
}

/** A ChainReader test double for the engine's pass-through methods: a head only. */
export class ChainReaderDouble implements ChainReader {
  readonly id = 'double:1';
  readonly #driver: AnchorDriverDouble;

  constructor(driver: AnchorDriverDouble) {
    this.#driver = driver;
  }

  head(): Promise<ChainHead> {
    const number = this.#driver.headNumber;
    return Promise.resolve({ number, hash: `block-${number}`, time: '2026-01-01T00:00:00.000Z' });
  }

  confirmations(blockNumber: number): Promise<number> {
    return Promise.resolve(Math.max(0, this.#driver.headNumber - blockNumber + 1));
  }

  readAnchors(): AsyncIterable<ChainAnchorPage> {
    // The engine only passes this through: a double has nothing to read.
    return (async function* () {})();
  }
}
