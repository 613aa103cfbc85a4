/**
 * Database contract, group "sponsor audit": the sponsor ledger audit's cursor, and the sponsor
 * accounts' transactions it found, of which those no sponsorship was sent under are uncharged.
 * Reading blocks again (a rewind after a reorg) replaces what was kept for them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SponsorAccountTransactionRecord } from '../../sponsor-audit-repository.ts';
import { fixtureSettledSponsorship } from '../fixtures.ts';
import { databaseFixture } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

const hex = (n: number, bytes = 32) => `0x${n.toString(16).padStart(bytes * 2, '0')}`;
const ACCOUNT = hex(0xacc, 20);

function sent(n: number, blockNumber: number): SponsorAccountTransactionRecord {
  return {
    txHash: hex(n),
    account: ACCOUNT,
    blockNumber,
    blockHash: hex(1000 + blockNumber),
    to: null,
    selector: '0x',
  };
}

export function sponsorAuditGroup(factory: DatabaseFactory): void {
  describe('sponsor audit', () => {
    const fresh = databaseFixture(factory);

    it('keeps a cursor per audit and the transactions found, each step replacing the blocks it read', async () => {
      const { db } = await fresh();
      assert.equal(await db.sponsorAudit.cursor('ledger'), null);
      await db.sponsorAudit.record('ledger', 0, { block: 10, blockHash: hex(10) }, [sent(1, 3), sent(2, 9)]);
      assert.deepEqual(await db.sponsorAudit.cursor('ledger'), { block: 10, blockHash: hex(10) });
      assert.equal(await db.sponsorAudit.cursor('other'), null);
      assert.deepEqual(await db.sponsorAudit.uncharged(), [sent(1, 3), sent(2, 9)]);

      // A rewind to block 5 after a reorg: block 9's transaction is gone, another is in block 6.
      await db.sponsorAudit.record('ledger', 5, { block: 12, blockHash: hex(12) }, [sent(3, 6)]);
      assert.deepEqual(await db.sponsorAudit.uncharged(), [sent(1, 3), sent(3, 6)]);
      assert.deepEqual(await db.sponsorAudit.cursor('ledger'), { block: 12, blockHash: hex(12) });

      // The same step twice (a stale leader's) changes nothing.
      await db.sponsorAudit.record('ledger', 5, { block: 12, blockHash: hex(12) }, [sent(3, 6)]);
      assert.deepEqual(await db.sponsorAudit.uncharged(), [sent(1, 3), sent(3, 6)]);
    });

    it('counts as charged a transaction a sponsorship was sent under', async () => {
      const { db } = await fresh();
      await db.sponsorAudit.record('ledger', 0, { block: 4, blockHash: hex(4) }, [sent(1, 2), sent(2, 3)]);
      await db.prisma.sponsorship.create({
        data: fixtureSettledSponsorship({
          digest: hex(77),
          user: ACCOUNT,
          kind: 'forward',
          to: ACCOUNT,
          txHash: hex(2),
        }),
      });
      assert.deepEqual(await db.sponsorAudit.uncharged(), [sent(1, 2)]);
    });
  });
}
