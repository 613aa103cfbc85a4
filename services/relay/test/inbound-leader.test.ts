// Inbound delivery under an election (ADR 0031): of two relay replicas sharing one database, bus
// and storage, only the elected one runs the delivery of peers' files, so each file is published
// once on the bus (not once per replica); when the leader stops, the other takes over from the
// saved cursor.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fixtureBatch } from '@anchorpost/db/testing';
import { TX_FILE_ACCEPTED_TOPIC } from '@anchorpost/events';
import { LeaseElector, type ElectionFactory } from '@anchorpost/leader-election';
import { MemoryLeaseServer } from '@anchorpost/leader-election/testing';
import { parseTxFile } from '@anchorpost/protocol';
import type { RunningService } from '@anchorpost/service-kit';
import { openRelayServiceFixture, type RelayServiceFixture } from './relay-service-fixture.ts';

const PEER = 'platform-b';
const from = { peer: PEER, chain: 'evm', chainId: '31337' } as const;

describe("one relay replica delivers the peers' files", { timeout: 120_000 }, () => {
  const leases = new MemoryLeaseServer();
  /** A candidate on the shared Lease, with short terms so that the take-over is quick. */
  const candidate =
    (identity: string): ElectionFactory =>
    (callbacks) =>
      new LeaseElector({
        api: leases.api('anchorpost-relay'),
        identity,
        leaseDurationMs: 1_500,
        renewDeadlineMs: 1_000,
        retryPeriodMs: 100,
        ...callbacks,
      });
  let f: RelayServiceFixture;
  let standby: RunningService;
  const metricsOf = async (service: RunningService) =>
    (await fetch(`${service.urls.management!}/metrics`)).text();
  const published = async () => (await f.bus.endOffsets(TX_FILE_ACCEPTED_TOPIC)).reduce((a, b) => a + b, 0);

  async function peerBatch(sequence: number, files: Uint8Array[]): Promise<string[]> {
    const cids = await Promise.all(files.map((bytes) => f.storage.addFile(bytes, { pin: true })));
    const batch = fixtureBatch(PEER, sequence, cids.length);
    await f.database.peers.recordPeerBatch({ ...from, batchCid: batch.cid });
    await f.database.index.recordBatch(batch, cids);
    return cids;
  }

  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await check()) return;
      await sleep(50);
    }
    assert.fail(`timed out waiting until ${what}`);
  }

  before(async () => {
    f = await openRelayServiceFixture(
      { ANCHORPOST_RELAY_INBOUND_INTERVAL: '100ms' },
      { inboundElection: candidate('relay-0') },
    );
    await f.database.peers.addPeer({ name: PEER, trustRoots: { version: 1 }, addedAt: new Date() });
    await until('relay-0 leads', async () => /anchorpost_relay_leader 1\n/.test(await metricsOf(f.service)));
    standby = await f.replica(
      { ANCHORPOST_RELAY_INBOUND_INTERVAL: '100ms' },
      { inboundElection: candidate('relay-1') },
    );
  });
  after(() => f.close());

  it('publishes each inbound file once, from the leader; the standby takes over when it stops', async () => {
    const served = await f.txFile('for a member here');
    const nobodys = await f.txFile('for nobody here');
    await f.administration.registerRecipient(f.tenant, parseTxFile(served).recipient.sha512hash);
    const before = await published();

    await peerBatch(0, [served, nobodys]);
    await until('the file is delivered', async () =>
      /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 1\n/.test(await metricsOf(f.service)),
    );
    // Several of the standby's intervals: it never ran the delivery.
    await sleep(500);
    const standbyMetrics = await metricsOf(standby);
    assert.match(standbyMetrics, /anchorpost_relay_leader 0\n/);
    assert.doesNotMatch(standbyMetrics, /anchorpost_relay_inbound_(delivered|ignored)_total\{/);
    assert.match(
      await metricsOf(f.service),
      /anchorpost_relay_inbound_ignored_total\{peer="platform-b",reason="NOT_SERVED"\} 1\n/,
    );
    assert.equal(await published(), before + 1, 'one publish for the one served file');

    // The leader stops (and releases the lease): the standby leads and goes on from the cursor.
    await f.service.close();
    await until('relay-1 leads', async () => /anchorpost_relay_leader 1\n/.test(await metricsOf(standby)));
    const again = await f.txFile('again for that member', f.groupOf(served));
    await peerBatch(1, [again]);
    await until('the next file is delivered by relay-1', async () =>
      /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 1\n/.test(await metricsOf(standby)),
    );
    assert.equal(await published(), before + 2);
    assert.doesNotMatch(await metricsOf(standby), /reason="NOT_SERVED"/, 'the first batch is not redone');
  });
});
