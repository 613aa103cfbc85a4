// GroupCommit's pipeline on its own, with stages the test settles by hand: the next group
// prepares while the previous one finishes, finishes stay in queue order whatever fails, at most
// two groups are in flight, and a failed group fails only its own entries.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { GroupCommit } from '../src/group-commit.ts';
import type { GroupEntry, GroupStages } from '../src/group-commit.ts';

interface Step {
  group: string[];
  settle: (error?: Error) => void;
}

/**
 * Test double of the stages: each call is recorded (`log`) and waits until the test settles it,
 * so the test decides the order in which stages end.
 */
class ManualStages implements GroupStages<string, string, void> {
  readonly log: string[] = [];
  readonly preparing: Step[] = [];
  readonly finishing: Step[] = [];

  prepare(entries: readonly GroupEntry<string, string>[]): Promise<void> {
    return this.#step('prepare', entries, this.preparing);
  }

  async finish(entries: readonly GroupEntry<string, string>[]): Promise<void> {
    await this.#step('finish', entries, this.finishing);
    for (const entry of entries) entry.resolve(`${entry.input} done`);
  }

  #step(name: string, entries: readonly GroupEntry<string, string>[], steps: Step[]): Promise<void> {
    const group = entries.map((entry) => entry.input);
    this.log.push(`${name} ${group.join(',')}`);
    return new Promise((resolve, reject) => {
      steps.push({
        group,
        settle: (error) => {
          if (error === undefined) resolve();
          else reject(error);
        },
      });
    });
  }
}

const SETTINGS = { windowMs: 0, maxFiles: 2, maxBytes: 1_000, maxQueuedFiles: 100, maxQueuedBytes: 100_000 };

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(1);
  }
}

describe('GroupCommit pipeline', () => {
  it('prepares the next group while the previous one finishes, and finishes in queue order', async () => {
    const stages = new ManualStages();
    const commit = new GroupCommit(SETTINGS, stages);
    const results = ['a', 'b', 'c', 'd'].map((input) => commit.enqueue(input, 1));
    await until(() => stages.preparing.length === 1, 'the first prepare');
    stages.preparing[0]!.settle();
    await until(() => stages.finishing.length === 1, 'the first finish');
    // The first group is finishing: the second prepares meanwhile.
    await until(() => stages.preparing.length === 2, 'the second prepare, beside the first finish');
    stages.preparing[1]!.settle();
    await sleep(10);
    assert.equal(stages.finishing.length, 1, 'the second group does not finish before the first has');
    stages.finishing[0]!.settle();
    await until(() => stages.finishing.length === 2, 'the second finish');
    stages.finishing[1]!.settle();
    assert.deepEqual(await Promise.all(results), ['a done', 'b done', 'c done', 'd done']);
    assert.deepEqual(stages.log, ['prepare a,b', 'finish a,b', 'prepare c,d', 'finish c,d']);
  });

  it('keeps at most two groups in flight: a prepared group holds the next one back until it finishes', async () => {
    const stages = new ManualStages();
    const commit = new GroupCommit(SETTINGS, stages);
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((input) => commit.enqueue(input, 1));
    await until(() => stages.preparing.length === 1, 'the first prepare');
    stages.preparing[0]!.settle();
    await until(() => stages.preparing.length === 2, 'the second prepare');
    stages.preparing[1]!.settle();
    await sleep(10);
    assert.equal(stages.preparing.length, 2, 'no third group while the second waits to finish');
    assert.equal(commit.queuedFiles, 2);
    stages.finishing[0]!.settle();
    await until(() => stages.preparing.length === 3, 'the third prepare, once the second finishes');
    stages.preparing[2]!.settle();
    await until(() => stages.finishing.length === 2, 'the second finish');
    stages.finishing[1]!.settle();
    await until(() => stages.finishing.length === 3, 'the third finish');
    stages.finishing[2]!.settle();
    assert.equal((await Promise.all(results)).length, 6);
  });

  it("fails only a failed group's entries; the group behind it goes on", async () => {
    const stages = new ManualStages();
    const commit = new GroupCommit(SETTINGS, stages);
    const results = ['a', 'b', 'c', 'd'].map((input) =>
      commit.enqueue(input, 1).then(
        (value) => value,
        (error: unknown) => `refused: ${(error as Error).message}`,
      ),
    );
    await until(() => stages.preparing.length === 1, 'the first prepare');
    stages.preparing[0]!.settle();
    await until(() => stages.preparing.length === 2, 'the second prepare');
    stages.preparing[1]!.settle();
    stages.finishing[0]!.settle(new Error('publish failed'));
    await until(() => stages.finishing.length === 2, 'the second finish');
    stages.finishing[1]!.settle();
    assert.deepEqual(await Promise.all(results), [
      'refused: publish failed',
      'refused: publish failed',
      'c done',
      'd done',
    ]);
  });

  it('lets a group that failed to prepare hold the next finish back until the one before it has finished', async () => {
    const stages = new ManualStages();
    const commit = new GroupCommit(SETTINGS, stages);
    const results = ['a', 'b', 'c', 'd', 'e', 'f'].map((input) =>
      commit.enqueue(input, 1).then(
        (value) => value,
        (error: unknown) => `refused: ${(error as Error).message}`,
      ),
    );
    await until(() => stages.preparing.length === 1, 'the first prepare');
    stages.preparing[0]!.settle();
    await until(() => stages.preparing.length === 2, 'the second prepare');
    stages.preparing[1]!.settle(new Error('insert failed'));
    // The second group is out: the third forms and prepares while the first still finishes.
    await until(() => stages.preparing.length === 3, 'the third prepare');
    stages.preparing[2]!.settle();
    await sleep(10);
    assert.equal(stages.finishing.length, 1, 'the third does not finish before the first has');
    stages.finishing[0]!.settle();
    await until(() => stages.finishing.length === 2, 'the third finish');
    stages.finishing[1]!.settle();
    assert.deepEqual(await Promise.all(results), [
      'a done',
      'b done',
      'refused: insert failed',
      'refused: insert failed',
      'e done',
      'f done',
    ]);
  });
});
