import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainDeployLogEntry, GENESIS_HASH, verifyDeployLog } from '../src/deploy-log.ts';
import type { DeployLogEntry } from '../src/deploy-log.ts';
import { MemoryUpdaterStoreTestDouble, updaterStoreContract } from '../src/testing/index.ts';

updaterStoreContract('MemoryUpdaterStoreTestDouble', () =>
  Promise.resolve({ store: new MemoryUpdaterStoreTestDouble(), close: () => Promise.resolve() }),
);

describe('the deploy log hash chain', () => {
  const log: DeployLogEntry[] = [];
  for (const step of ['verdict', 'commit', 'sync'] as const) {
    log.push(
      chainDeployLogEntry(
        log.at(-1),
        { proposalId: '9', step, outcome: 'ok', detail: { n: step } },
        new Date(0),
      ),
    );
  }

  it('starts at the genesis hash and links each record to the one before', () => {
    assert.equal(log[0]!.prevHash, GENESIS_HASH);
    assert.equal(log[2]!.prevHash, log[1]!.hash);
    verifyDeployLog(log);
  });

  it('breaks at a changed, removed or reordered record (DEPLOY_LOG_BROKEN)', () => {
    const broken = (entries: DeployLogEntry[]): void => {
      assert.throws(
        () => {
          verifyDeployLog(entries);
        },
        (e: unknown) => (e as { code?: string }).code === 'DEPLOY_LOG_BROKEN',
      );
    };
    broken([log[0]!, { ...log[1]!, detail: { n: 'forged' } }, log[2]!]);
    broken([log[0]!, log[2]!]);
    broken([log[1]!, log[0]!, log[2]!]);
  });
});
