/**
 * What the Bus contract's groups share: the fixture an adapter provides (a fresh bus per test),
 * the group context (time limits, withBus, waitFor), and the helpers the groups' tests use.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BusError, type BusErrorCode, partitionForKey } from '@anchorpost/bus-port';
import type { Bus, BusMessage, BusRecord } from '@anchorpost/bus-port';

/** What a contract test gets from the adapter under test. */
export interface BusFixture {
  /** An open bus. Topics and groups the tests use have fresh random names, so storage may be shared. */
  readonly bus: Bus;
  /**
   * Closes the open bus and opens a new one over the same data: a process restart (for Kafka, a
   * new client). Consumers stopped by it have committed only what their handlers finished.
   */
  reopen(): Promise<Bus>;
  /** Closes whatever bus is open and releases the storage. */
  cleanup(): Promise<void>;
}

export interface BusContractOptions {
  /** Per-test time limit (default 60 s; a real broker rebalancing consumer groups needs seconds). */
  readonly timeoutMs?: number;
  /** How long to wait for an expected delivery (default 20 s). */
  readonly waitMs?: number;
}

/** What every group is given: a fresh bus per test (`withBus`) and the time limits. */
export interface BusGroupContext {
  /** Per-test time limit. */
  readonly timeout: number;
  /** Runs `test` on a fresh fixture, cleaned up after it whatever happens. */
  readonly withBus: (test: (fixture: BusFixture) => Promise<void>) => Promise<void>;
  /** Polls `condition` until it holds; fails after the contract's wait limit. */
  readonly waitFor: (what: string, condition: () => boolean | Promise<boolean>) => Promise<void>;
}

export function busGroupContext(
  makeBus: () => Promise<BusFixture>,
  options: BusContractOptions = {},
): BusGroupContext {
  const timeout = options.timeoutMs ?? 60_000;
  const waitMs = options.waitMs ?? 20_000;

  const withBus = async (test: (fixture: BusFixture) => Promise<void>): Promise<void> => {
    const fixture = await makeBus();
    try {
      await test(fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  const waitFor = async (what: string, condition: () => boolean | Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + waitMs;
    while (!(await condition())) {
      if (Date.now() > deadline) assert.fail(`timed out after ${waitMs} ms waiting for ${what}`);
      await sleep(10);
    }
  };

  return { timeout, withBus, waitFor };
}

export interface Collector {
  readonly records: BusRecord[];
  readonly batchSizes: number[];
  readonly handler: (batch: readonly BusRecord[]) => Promise<void>;
  values(): string[];
}

export function collector(): Collector {
  const records: BusRecord[] = [];
  const batchSizes: number[] = [];
  return {
    records,
    batchSizes,
    handler: (batch) => {
      records.push(...batch);
      batchSizes.push(batch.length);
      return Promise.resolve();
    },
    values: () => records.map((record) => text(record.value)),
  };
}

export function assertOffsetOrder(records: readonly BusRecord[]): void {
  const last = new Map<number, number>();
  for (const record of records) {
    const previous = last.get(record.partition) ?? -1;
    assert.equal(record.offset, previous + 1, `partition ${record.partition} delivered out of order`);
    last.set(record.partition, record.offset);
  }
}

export async function readAll(bus: Bus, topic: string, partition: number): Promise<BusRecord[]> {
  const records: BusRecord[] = [];
  for (;;) {
    const page = await bus.read(topic, partition, records.length, 1000);
    if (page.length === 0) return records;
    records.push(...page);
  }
}

export async function rejectsWith(promise: Promise<unknown>, code: BusErrorCode, what = ''): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof BusError, `${what}: expected a BusError, got ${String(error)}`);
    assert.equal(error.code, code, `${what}: ${error.message}`);
    return true;
  });
}

/** A fresh topic name per test, so a shared broker (Kafka) never mixes tests. */
export function topicName(event: string): string {
  return `anchorpost.contract-${randomBytes(5).toString('hex')}.${event}.v1`;
}

export function groupName(): string {
  return `contract-${randomBytes(6).toString('hex')}`;
}

/** A key that the default partitioner puts on `partition` of `partitions`. */
export function keyFor(partition: number, partitions: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`key-${i}`, partitions) === partition) return `key-${i}`;
}

export function message(key: string, value: string): BusMessage {
  return { key, value: bytes(value) };
}

export function messages(prefix: string, count: number): BusMessage[] {
  return expectedValues(prefix, count).map((value, i) => message(`${prefix}-key-${i % 11}`, value));
}

export function expectedValues(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
}

export function bytes(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

export function text(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}
