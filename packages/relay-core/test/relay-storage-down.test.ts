// ADR 0035, against real stores taken down (Helia closed; a Kubo daemon stopped): the relay
// acknowledges with no storage call, serves an unsealed file from the bus record its receipt
// points to (storage down, or up but not holding it yet), and never serves bytes changed on the bus.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { partitionForKey } from '@anchorpost/bus';
import { TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import { cidForBytes, parseTxFile } from '@anchorpost/protocol';
import type { GroupKeys } from '@anchorpost/protocol';
import { isStorageError } from '@anchorpost/storage-port';
import { storageOutageKinds } from '@anchorpost/storage/testing';
import type { StorageOutage } from '@anchorpost/storage/testing';
import { signReceipt } from '../src/receipt-signing.ts';
import { newGroup, openFixture, PARTITIONS, TENANT, txFileBytes } from './relay-fixture.ts';
import type { Fixture } from './relay-fixture.ts';

for (const kind of storageOutageKinds()) {
  describe(`Relay with storage down: ${kind.name}`, { skip: kind.skip, timeout: 180_000 }, () => {
    let outage: StorageOutage;
    let f: Fixture;
    let group: GroupKeys;

    before(async () => {
      outage = await kind.start();
      f = await openFixture({ storage: outage.store, storageTimeoutMs: 2_000 });
      group = await newGroup(f.sender);
    });
    after(async () => {
      await f.close();
      await outage.dispose();
    });

    it('acknowledges with storage down and serves the files from their records, before and after it is back', async () => {
      await outage.takeDown();
      const files = ['one', 'two', 'three'].map((text) => txFileBytes(group, f.sender, f.app, text));
      const results = await Promise.all(files.map((bytes) => f.relay.submit(bytes, { tenantId: TENANT })));
      for (const [i, { receipt, duplicate }] of results.entries()) {
        assert.equal(duplicate, false);
        assert.equal(receipt.cid, await cidForBytes(files[i]!));
        assert.equal((await f.receipts.get(receipt.cid))?.state, 'published');
        assert.deepEqual(
          await f.relay.getTxFile(receipt.cid),
          files[i],
          'served from the record, storage down',
        );
      }

      const store = await outage.bringUp();
      const relay = await f.relayWith({ storage: store });
      for (const [i, { receipt }] of results.entries()) {
        assert.equal(await store.has(receipt.cid), false, 'the relay stored nothing: the batcher will');
        assert.deepEqual(await relay.getTxFile(receipt.cid), files[i], 'served from the record, storage up');
      }
      // Once the batcher has stored it, from storage (the same bytes).
      await store.addFile(files[0]!, { pin: true });
      assert.deepEqual(await relay.getTxFile(results[0]!.receipt.cid), files[0]);
      await relay.close();
    });

    it('does not serve bytes changed on the bus (NOT_FOUND)', async () => {
      const store = outage.store;
      const bytes = txFileBytes(group, f.sender, f.app, 'genuine');
      const cid = await cidForBytes(bytes);
      const recipientHash = parseTxFile(bytes).recipient.sha512hash;
      // The attack: a record that names the CID but carries other bytes, with a published receipt
      // pointing to it (as if the bus had been written to by someone else).
      const receipt = signReceipt(
        { version: 1, cid, recipientHash, acceptedAt: new Date().toISOString(), sequence: 9_999_999 },
        (await import('../src/relay-key.ts')).loadRelayKey(f.relayKey.pkcs8Der),
      );
      const forged = txFileBytes(group, f.sender, f.app, 'forged');
      const [position] = await f.bus.publish(TX_FILE_ACCEPTED_TOPIC, [
        {
          key: recipientHash,
          value: txFileAccepted.encode({ cid, recipientHash, receipt, txFile: forged }),
        },
      ]);
      assert.equal(position!.partition, partitionForKey(recipientHash, PARTITIONS));
      const chainPosition = { clientId: 'forger', stateBefore: 'f'.repeat(64) };
      await f.receipts.insert(receipt, null, chainPosition, TENANT);
      await f.receipts.markPublished(cid, position!);
      const relay = await f.relayWith({ storage: store });
      await assert.rejects(relay.getTxFile(cid), (error) => isStorageError(error, 'NOT_FOUND'));
      await relay.close();
    });
  });
}
