/**
 * Database contract, group "peers": the platforms followed through the chain, their cursors per
 * chain (apart from the platform's own), and the origin of batches indexed from their anchors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PeerRecord } from '@anchorpost/db-port';
import { fixtureBatch, fixtureEntries } from '../fixtures.ts';
import { databaseFixture, expectDbError } from './fixture.ts';
import type { DatabaseFactory } from './fixture.ts';

function peer(name: string): PeerRecord {
  return {
    name,
    trustRoots: {
      version: 1,
      platform: name,
      evm: [{ chainId: '31337', contract: `0x${'ab'.repeat(20)}`, submitters: [`0x${'cd'.repeat(20)}`] }],
      ergo: [],
    },
    addedAt: new Date('2026-12-07T01:00:00.123Z'),
  };
}

const cursor = {
  chain: 'evm',
  chainId: '31337',
  lastBlock: 41,
  lastBlockHash: `0x${'0e'.repeat(32)}`,
} as const;

export function peersGroup(factory: DatabaseFactory): void {
  describe('peers', () => {
    const fresh = databaseFixture(factory);

    it('adds a peer once, lists peers by name and removes them', async () => {
      const { db } = await fresh();
      assert.equal(await db.peers.addPeer(peer('zeta')), true);
      assert.equal(await db.peers.addPeer(peer('alpha')), true);
      const changed = { ...peer('alpha'), trustRoots: { version: 1, platform: 'other' } };
      assert.equal(await db.peers.addPeer(changed), false, 'a second add of a name changes nothing');
      assert.deepEqual(await db.peers.listPeers(), [peer('alpha'), peer('zeta')]);
      assert.deepEqual(await db.peers.getPeer('alpha'), peer('alpha'));
      assert.equal(await db.peers.removePeer('alpha'), true);
      assert.equal(await db.peers.removePeer('alpha'), false);
      assert.equal(await db.peers.getPeer('alpha'), null);
      assert.deepEqual(await db.peers.listPeers(), [peer('zeta')]);
    });

    it("keeps a cursor per peer per chain, apart from the platform's own", async () => {
      const { db } = await fresh();
      await db.peers.addPeer(peer('b'));
      await db.peers.addPeer(peer('c'));
      assert.equal(await db.peers.getPeerCursor('b', 'evm', '31337'), null);
      await db.peers.savePeerCursor('b', cursor);
      await db.peers.savePeerCursor('b', { ...cursor, lastBlock: 42 });
      await db.peers.savePeerCursor('c', { ...cursor, chainId: '1', lastBlock: 7 });
      assert.deepEqual(await db.peers.getPeerCursor('b', 'evm', '31337'), { ...cursor, lastBlock: 42 });
      assert.equal(await db.peers.getPeerCursor('c', 'evm', '31337'), null);
      assert.deepEqual(await db.peers.getPeerCursor('c', 'evm', '1'), {
        ...cursor,
        chainId: '1',
        lastBlock: 7,
      });
      assert.equal(
        await db.index.getChainCursor('evm', '31337'),
        null,
        "the platform's own cursor is untouched",
      );

      await db.peers.removePeer('b');
      assert.equal(await db.peers.getPeerCursor('b', 'evm', '31337'), null, 'cursors go with their peer');
      await expectDbError(db.peers.savePeerCursor('b', cursor), 'FOREIGN_KEY_VIOLATION');
    });

    it('records the origin of a batch once and keeps it after the peer is removed', async () => {
      const { db } = await fresh();
      await db.peers.addPeer(peer('b'));
      const inbound = fixtureBatch('b', 0, 2);
      const own = fixtureBatch('a', 0, 2);
      await db.index.recordBatch(inbound, fixtureEntries('inbound', 2));
      await db.index.recordBatch(own, fixtureEntries('own', 2));
      const origin = { batchCid: inbound.cid, peer: 'b', chain: 'evm', chainId: '31337' } as const;
      await db.peers.recordPeerBatch(origin);
      await db.peers.recordPeerBatch({ ...origin, peer: 'c' });
      assert.deepEqual(await db.peers.peerBatch(inbound.cid), origin, 'the first origin is kept');
      assert.equal(await db.peers.peerBatch(own.cid), null);
      await db.peers.removePeer('b');
      assert.deepEqual(await db.peers.peerBatch(inbound.cid), origin);
      const ahead = { ...origin, batchCid: fixtureBatch('b', 9, 1).cid };
      await db.peers.recordPeerBatch(ahead);
      assert.deepEqual(await db.peers.peerBatch(ahead.batchCid), ahead, 'an origin may precede its batch');

      await db.peers.addPeer(peer('c'));
      await db.peers.savePeerCursor('c', cursor);
      await db.index.truncateAll();
      assert.equal(await db.peers.peerBatch(inbound.cid), null, 'a rebuild empties origins with the index');
      assert.equal(await db.peers.getPeerCursor('c', 'evm', '31337'), null, '… and reads the peers again');
      assert.deepEqual(await db.peers.getPeer('c'), peer('c'), 'the peers themselves stay');
    });

    it("lists a peer's batches in order of arrival, indexed or not, and keeps a delivery cursor per peer per chain", async () => {
      const { db } = await fresh();
      const from = { peer: 'b', chain: 'evm', chainId: '31337' } as const;
      const batches = [0, 1, 2].map((sequence) => fixtureBatch('b', sequence, 1));
      for (const batch of batches) await db.peers.recordPeerBatch({ ...from, batchCid: batch.cid });
      await db.peers.recordPeerBatch({
        peer: 'b',
        chain: 'evm',
        chainId: '1',
        batchCid: fixtureBatch('b', 9, 1).cid,
      });
      await db.index.recordBatch(batches[0]!, fixtureEntries('d0', 1));
      await db.index.recordBatch(batches[2]!, fixtureEntries('d2', 1));
      assert.deepEqual(await db.peers.peerChains(), [
        { peer: 'b', chain: 'evm', chainId: '1' },
        { peer: 'b', chain: 'evm', chainId: '31337' },
      ]);
      const all = await db.peers.peerBatchesAfter(from, 0, 10);
      assert.deepEqual(
        all.map((row) => [row.batchCid, row.indexed]),
        [
          [batches[0]!.cid, true],
          [batches[1]!.cid, false],
          [batches[2]!.cid, true],
        ],
      );
      assert.ok(all[0]!.position < all[1]!.position && all[1]!.position < all[2]!.position);
      assert.deepEqual(
        (await db.peers.peerBatchesAfter(from, all[0]!.position, 1)).map((row) => row.batchCid),
        [batches[1]!.cid],
      );

      assert.equal(await db.peers.getDeliveryCursor(from), null);
      await db.peers.saveDeliveryCursor(from, { position: all[1]!.position, entry: 0 });
      await db.peers.saveDeliveryCursor(from, { position: all[2]!.position, entry: 1 });
      assert.deepEqual(await db.peers.getDeliveryCursor(from), { position: all[2]!.position, entry: 1 });
      assert.equal(await db.peers.getDeliveryCursor({ ...from, chainId: '1' }), null);
      await db.index.truncateAll();
      assert.deepEqual(
        await db.peers.getDeliveryCursor(from),
        { position: all[2]!.position, entry: 1 },
        'not index data: a rebuild keeps it',
      );
    });
  });
}
