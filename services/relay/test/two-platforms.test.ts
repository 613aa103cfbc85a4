// Two complete platforms on one anvil chain (two-platforms.ts): B's app sends through B's relay,
// B's batcher seals the file into a batch-file in B's Kubo and B's anchorer anchors it on B's
// contract. A's parser follows B's contract, and A's Kubo fetches the batch-file and the tx-file
// from B's Kubo by CID over the loopback swarm (the test never puts them into A's). A's member
// receives the file once, after the anchor is at A's trusted depth, marked with B's name, and
// opens it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openTxFile, parseTxFile } from '@anchorpost/protocol';
import { kuboBinaryForTests } from '@anchorpost/storage/testing';
import { readSse } from './relay-service-fixture.ts';
import { openTwoPlatforms, type TwoPlatforms } from './two-platforms.ts';

const TRUSTED_DEPTH = 3;
const kubo = kuboBinaryForTests();
const skip = 'skip' in kubo ? kubo.skip : false;

describe('two platforms, two databases, two Kubo nodes, one chain', { skip, timeout: 240_000 }, () => {
  let p: TwoPlatforms;
  before(async () => {
    p = await openTwoPlatforms({
      kubo: 'binary' in kubo ? kubo.binary : '',
      trustedDepth: TRUSTED_DEPTH,
      batchIntervalMs: 300,
    });
  });
  after(async () => {
    // Undefined when Kubo is missing (skipped) or the start failed.
    await (p as TwoPlatforms | undefined)?.close();
  });

  it("delivers B's file to A's member once, after the trusted depth, fetched from B's Kubo", async () => {
    const { a } = p;
    const prepared = await p.prepare('hello from platform B');
    const stream = readSse(`${a.service.urls.http!}/v1/subscriptions/${prepared.recipient}`, a.auth);
    assert.equal((await stream.next()).event, 'ready');
    const sent = await p.submit(prepared);

    // B's batcher seals and B's anchorer anchors (anvil mines each transaction at once).
    const deadline = Date.now() + 60_000;
    while ((await p.anchorsOfB()) === 0) {
      assert.ok(Date.now() < deadline, "B's anchor did not reach the chain");
      await sleep(100);
    }
    await p.chain.mine(TRUSTED_DEPTH - 2);
    const arriving = stream.next();
    const early = await Promise.race([arriving, sleep(1_500, 'none')]);
    assert.equal(early, 'none', 'nothing before the trusted depth');
    await p.chain.mine(1);
    const event = JSON.parse((await arriving).data) as { cid: string; origin?: string; txFile: string };
    assert.deepEqual([event.cid, event.origin], [sent.cid, 'platform-b']);
    const bytes = new Uint8Array(Buffer.from(event.txFile, 'base64'));
    const opened = openTxFile(parseTxFile(bytes), { group: sent.group });
    assert.equal(new TextDecoder().decode(opened.message.data), 'hello from platform B');

    // Once: more blocks and runs later, the next event is a reply sent at A, nothing of B's again.
    await p.chain.mine(TRUSTED_DEPTH);
    await sleep(500);
    const reply = await a.txFile('a reply from A', sent.group);
    const answered = await fetch(`${a.service.urls.http!}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...a.auth },
      body: reply,
    });
    assert.equal(answered.status, 201);
    const last = JSON.parse((await stream.next()).data) as { origin?: string };
    assert.equal(last.origin, undefined);
    stream.close();
    const metrics = await (await fetch(`${a.service.urls.management!}/metrics`)).text();
    assert.match(metrics, /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 1\n/);
  });
});
