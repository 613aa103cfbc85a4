// Inbound delivery (ADR 0031): a peer platform's files, indexed from the peer's anchors, reach the
// subscribers of recipients a local tenant may receive — over SSE and gRPC alike — once, marked
// with the peer's name, also
// when the delivery runs again from an older cursor (a crash before the cursor was saved); files
// for recipients nobody here serves are left out with a reason; a batch the parser is still
// writing holds the stream back until it is indexed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixtureBatch } from '@anchorpost/db/testing';
import { parseTxFile } from '@anchorpost/protocol';
import type { SubscribeResponse } from '../src/grpc/relay-messages.ts';
import { GrpcTestClient } from './grpc-fixture.ts';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

const PEER = 'platform-b';
const from = { peer: PEER, chain: 'evm', chainId: '31337' } as const;

describe('inbound delivery of a peer platform’s files', { timeout: 120_000 }, () => {
  let f: RelayServiceFixture;
  const recipientOf = (bytes: Uint8Array) => parseTxFile(bytes).recipient.sha512hash;
  const metrics = async () => (await fetch(`${f.service.urls.management!}/metrics`)).text();

  /** What the peer's parser leaves in the index: the origin, then (unless `pending`) the batch. */
  async function peerBatch(sequence: number, files: Uint8Array[], pending = false) {
    const cids = await Promise.all(files.map((bytes) => f.storage.addFile(bytes, { pin: true })));
    const batch = fixtureBatch(PEER, sequence, cids.length);
    await f.database.peers.recordPeerBatch({ ...from, batchCid: batch.cid });
    const index = () => f.database.index.recordBatch(batch, cids);
    if (!pending) await index();
    return { cids, index };
  }

  before(async () => {
    f = await openRelayServiceFixture({ ANCHORPOST_RELAY_INBOUND_INTERVAL: '1h' });
    await f.database.peers.addPeer({ name: PEER, trustRoots: { version: 1 }, addedAt: new Date() });
  });
  after(() => f.close());

  it('delivers each served file once, with its origin, and leaves out the others', async () => {
    const served = await f.txFile('for a member of acme');
    const group = f.groupOf(served);
    const second = await f.txFile('again for that member', group);
    const nobodys = await f.txFile('for nobody here');
    const recipient = recipientOf(served);
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    assert.equal((await stream.next()).event, 'ready');
    const grpc = new GrpcTestClient(f.service.urls.grpc!, f.apiKey);
    const grpcStream = grpc.serverStream('Subscribe', { recipientHash: recipient });
    const grpcEvents = (grpcStream as AsyncIterable<SubscribeResponse>)[Symbol.asyncIterator]();
    const nextOverGrpc = async () => (await grpcEvents.next()).value as SubscribeResponse;
    // The gRPC stream is live once the first file sent after it arrives; none is sent before the peer's.
    await new Promise((resolve) => setTimeout(resolve, 300));

    const first = await peerBatch(0, [served, nobodys]);
    const later = await peerBatch(1, [second], true);
    assert.deepEqual(await f.inbound.runOnce(), { delivered: 1, ignored: 1 });
    const event = JSON.parse((await stream.next()).data) as { cid: string; origin?: string; txFile: string };
    assert.equal(event.cid, first.cids[0]);
    assert.equal(event.origin, PEER);
    assert.deepEqual(Buffer.from(event.txFile, 'base64'), Buffer.from(served));
    const overGrpc = await nextOverGrpc();
    assert.deepEqual([overGrpc.cid, overGrpc.origin], [first.cids[0], PEER]);
    assert.match(
      await metrics(),
      /anchorpost_relay_inbound_ignored_total\{peer="platform-b",reason="NOT_SERVED"\} 1/,
    );

    // The second batch is recorded as the peer's but not indexed yet: nothing of it, nothing skipped.
    assert.deepEqual(await f.inbound.runOnce(), { delivered: 0, ignored: 0 });
    await later.index();
    assert.deepEqual(await f.inbound.runOnce(), { delivered: 1, ignored: 0 });
    const next = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
    assert.deepEqual([next.cid, next.origin], [later.cids[0], PEER]);
    const nextOverGrpc2 = await nextOverGrpc();
    assert.deepEqual([nextOverGrpc2.cid, nextOverGrpc2.origin], [later.cids[0], PEER]);

    // A crash before the cursor was saved: the run starts over from the first batch.
    await f.database.peers.saveDeliveryCursor(from, { position: 1, entry: 0 });
    assert.deepEqual(await f.inbound.runOnce(), { delivered: 2, ignored: 1 });
    assert.match(await metrics(), /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 2\n/);
    // Nothing was published again: the next event on the stream is a local file sent now.
    const local = await f.txFile('a local reply', group);
    const submitted = await fetch(`${f.service.urls.http!}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth },
      body: local,
    });
    assert.equal(submitted.status, 201);
    const reply = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
    assert.equal(reply.origin, undefined, "this platform's own file has no origin");
    assert.notEqual(reply.cid, first.cids[0]);
    stream.close();
    const replyOverGrpc = await nextOverGrpc();
    assert.equal(replyOverGrpc.cid, reply.cid, 'nothing of the peer was published again');
    assert.equal(replyOverGrpc.origin, undefined, "no origin on gRPC either for this platform's file");
    await grpcEvents.return?.();
    grpc.close();
    const receipts = await f.database.prisma.relayReceipt.count({ where: { tenantId: `peer:${PEER}` } });
    assert.equal(receipts, 2);
  });
});
