// Two complete platforms on one anvil chain (two-platforms.ts): B's app sends through B's relay,
// B's batcher seals the file into a batch-file in B's Kubo and B's anchorer anchors it on B's
// contract. A's parser follows B's contract, and A's Kubo fetches the batch-file and the tx-file
// from B's Kubo by CID over the loopback swarm (the test never puts them into A's). A's member
// receives the file once, after the anchor is at A's trusted depth, marked with B's name, and
// opens it; its proof, from A's proof API, verifies with B's trust roots and not with A's. A
// file for a recipient no tenant of A may receive is left out (NOT_SERVED); a restart of A's
// parser in the middle of a stream of B's files delivers each once. With B's Kubo on a
// private network of its own, A's parser cannot reach B's batch-file: it logs and counts
// PEER_CONTENT_UNREACHABLE, holds its cursor for B, delivers nothing, and delivers the file once it
// comes within reach.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { isProofError, verifyProof, type TrustRoots, type TxFileProof } from '@anchorpost/proofs';
import { openTxFile, parseTxFile } from '@anchorpost/protocol';
import { kuboBinaryForTests } from '@anchorpost/storage/testing';
import { readSse } from './relay-service-fixture.ts';
import { openTwoPlatforms, type TwoPlatforms } from './two-platforms.ts';

const TRUSTED_DEPTH = 3;
const kubo = kuboBinaryForTests();
const skip = 'skip' in kubo ? kubo.skip : false;

const metricsOf = async (url: string) => (await fetch(`${url}/metrics`)).text();
/** The value of one series (0 when absent), e.g. `name{label="x"}`. */
const valueOf = (metrics: string, series: string) => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};
const DELIVERED = 'anchorpost_relay_inbound_delivered_total{peer="platform-b"}';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await sleep(100);
  }
}

/** Waits until B's contract holds more than `count` anchors; returns how many it holds. */
async function anchoredBeyond(p: TwoPlatforms, count: number): Promise<number> {
  let now = count;
  await until("B's anchor on the chain", async () => (now = await p.anchorsOfB()) > count);
  return now;
}

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
    // Its proof, from A's proof API, verifies with B's trust roots — not with A's own.
    const proof = (await (
      await fetch(`${p.proofApiA.urls.http!}/v1/proofs/${sent.cid}`)
    ).json()) as TxFileProof;
    const verifyWith = (trust: TrustRoots) =>
      verifyProof(proof, {
        evmRpcUrls: { [String(p.chain.anvil.chainId)]: p.chain.anvil.rpcUrl },
        trust,
        minConfirmations: TRUSTED_DEPTH,
        acceptNoLowerBound: true,
      });
    assert.equal((await verifyWith(p.trustB)).trusted, 'trust-roots');
    const trustA = (await (await fetch(`${p.proofApiA.urls.http!}/v1/trust-roots`)).json()) as TrustRoots;
    await assert.rejects(
      verifyWith(trustA),
      (error: unknown) => isProofError(error) && error.code === 'UNTRUSTED_ANCHOR',
    );

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

  it("leaves out B's file for a recipient no tenant of A may receive: NOT_SERVED, counted and logged", async () => {
    const { a, b } = p;
    const management = a.service.urls.management!;
    const deliveredBefore = valueOf(await metricsOf(management), DELIVERED);
    // No tenant of A registered this recipient (prepare would have).
    const bytes = await b.txFile('for nobody at A');
    const recipient = parseTxFile(bytes).recipient.sha512hash;
    const anchors = await p.anchorsOfB();
    const sent = await p.submit({ bytes, recipient, group: b.groupOf(bytes) });
    await anchoredBeyond(p, anchors);
    await p.chain.mine(TRUSTED_DEPTH);

    const ignored = 'anchorpost_relay_inbound_ignored_total{peer="platform-b",reason="NOT_SERVED"}';
    await until('NOT_SERVED counted', async () => valueOf(await metricsOf(management), ignored) === 1);
    assert.ok((await a.database.index.getTxFile(sent.cid)) !== null, "A's parser indexed it");
    const logged = p.relayLogA
      .map((line) => JSON.parse(line) as { cid?: string; reason?: string; msg?: string })
      .filter((line) => line.cid === sent.cid);
    assert.deepEqual(
      logged.map((line) => [line.msg, line.reason]),
      [["peer's file not delivered", 'NOT_SERVED']],
    );
    await sleep(500);
    const metrics = await metricsOf(management);
    assert.equal(valueOf(metrics, DELIVERED), deliveredBefore, 'nothing delivered');
    assert.equal(valueOf(metrics, ignored), 1, 'left out once');
  });

  it("delivers each of a stream of B's files once across a restart of A's parser in the middle", async () => {
    const { a } = p;
    const management = a.service.urls.management!;
    const deliveredBefore = valueOf(await metricsOf(management), DELIVERED);
    const first = await p.prepare('stream 0');
    const stream = readSse(`${a.service.urls.http!}/v1/subscriptions/${first.recipient}`, a.auth);
    assert.equal((await stream.next()).event, 'ready');
    // Everything the subscriber receives, up to A's own reply sent at the end (no origin).
    const received: { cid: string; origin?: string }[] = [];
    const reading = (async () => {
      for (;;) {
        const event = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
        received.push(event);
        if (event.origin === undefined) return;
      }
    })();

    // Six files, one batch each; A's parser stops once the third is at the trusted depth (before
    // A delivered it, or while it does), B goes on sending, and A's parser starts again after the fifth.
    const sent: string[] = [];
    let anchors = await p.anchorsOfB();
    for (let i = 0; i < 6; i++) {
      const prepared = i === 0 ? first : await p.prepare(`stream ${i}`, first.group);
      sent.push((await p.submit(prepared)).cid);
      anchors = await anchoredBeyond(p, anchors);
      await p.chain.mine(TRUSTED_DEPTH);
      if (i === 2) await p.stopParserA();
      if (i === 4) await p.startParserA();
    }
    const fromB = () => received.filter((event) => event.origin === 'platform-b');
    await until("B's six files at A", () => Promise.resolve(fromB().length >= sent.length));
    // More runs of both loops, then A's own reply closes the list: nothing of B's came twice.
    await p.chain.mine(TRUSTED_DEPTH);
    await sleep(1_000);
    const reply = await a.txFile('a reply from A', first.group);
    const answered = await fetch(`${a.service.urls.http!}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...a.auth },
      body: reply,
    });
    assert.equal(answered.status, 201);
    await reading;
    stream.close();
    assert.deepEqual(
      fromB().map((event) => event.cid),
      sent,
    );
    assert.equal(received.length, sent.length + 1);
    const delivered = valueOf(await metricsOf(management), DELIVERED);
    assert.equal(delivered - deliveredBefore, sent.length);
  });
});

describe("a platform in private mode: A cannot read B's files", { skip, timeout: 240_000 }, () => {
  let p: TwoPlatforms;
  before(async () => {
    p = await openTwoPlatforms({
      kubo: 'binary' in kubo ? kubo.binary : '',
      trustedDepth: TRUSTED_DEPTH,
      batchIntervalMs: 300,
      privateB: true,
      parserStorage: { timeoutMs: 1_000, attempts: 1 },
    });
  });
  after(async () => {
    await (p as TwoPlatforms | undefined)?.close();
  });

  it("A's parser cannot reach B's batch-file: PEER_CONTENT_UNREACHABLE logged and counted, the cursor held, nothing delivered until it is reachable", async () => {
    const { a, b } = p;
    const prepared = await p.prepare('private to platform B');
    const stream = readSse(`${a.service.urls.http!}/v1/subscriptions/${prepared.recipient}`, a.auth);
    assert.equal((await stream.next()).event, 'ready');
    const sent = await p.submit(prepared);
    await anchoredBeyond(p, 0);
    await p.chain.mine(TRUSTED_DEPTH);
    // B holds its batch-file; A's node is connected to nobody and cannot reach it.
    assert.deepEqual(await p.kuboA.connectedPeers(), []);

    const chain = `evm:${p.chain.anvil.chainId}`;
    const series = (name: string, code?: string) =>
      `anchorpost_parser_${name}{peer="platform-b",chain="${chain}"${code === undefined ? '' : `,code="${code}"`}}`;
    const unreachable = series('peer_content_unreachable_total');
    const failedRuns = series('peer_run_failures_total', 'PEER_CONTENT_UNREACHABLE');
    await until('two tries at the unreachable batch-file counted', async () => {
      const metrics = await metricsOf(p.parserA.urls.management!);
      return valueOf(metrics, unreachable) >= 2 && valueOf(metrics, failedRuns) >= 2;
    });
    const lines = p.parserLogA.map(
      (line) =>
        JSON.parse(line) as {
          peer?: string;
          reason?: string;
          code?: string;
          batchCid?: string;
          msg?: string;
        },
    );
    const reported = lines.filter(
      (line) =>
        line.msg ===
        "peer's batch-file unreachable on our IPFS network; cursor held, tried again with back-off",
    );
    assert.ok(reported.length >= 2, 'logged on every try');
    assert.deepEqual([reported[0]!.peer, reported[0]!.reason], ['platform-b', 'PEER_CONTENT_UNREACHABLE']);
    const batchCid = reported[0]!.batchCid!;
    assert.ok(
      lines.some(
        (line) =>
          line.msg === "peer's follower run failed; backing off" && line.code === 'PEER_CONTENT_UNREACHABLE',
      ),
    );
    assert.ok(!lines.some((line) => line.msg === "peer's anchor refused"), 'not refused for good');
    const [anchor] = await p.chain.call<{ blockNumber: string }[]>('eth_getLogs', [
      { address: p.contractB, fromBlock: '0x0' },
    ]);
    const cursor = await a.database.peers.getPeerCursor('platform-b', 'evm', String(p.chain.anvil.chainId));
    assert.ok(
      cursor === null || cursor.lastBlock < Number(anchor!.blockNumber),
      "A's cursor for B stays before the anchor",
    );

    assert.equal(await a.database.index.getTxFile(sent.cid), null, 'nothing of B indexed at A');
    const arriving = stream.next();
    const early = await Promise.race([arriving, sleep(1_500, 'none')]);
    assert.equal(early, 'none', 'nothing delivered');
    assert.equal(valueOf(await metricsOf(a.service.urls.management!), DELIVERED), 0);

    // B's batch-file comes within A's reach (as when B leaves private mode): the held anchor is
    // indexed and the file delivered, once.
    for await (const block of b.storage.exportDag(batchCid)) await a.storage.putBlock(block.cid, block.bytes);
    const event = JSON.parse((await arriving).data) as { cid: string; origin?: string };
    assert.deepEqual([event.cid, event.origin], [sent.cid, 'platform-b']);
    stream.close();
    await until(
      'delivered once',
      async () => valueOf(await metricsOf(a.service.urls.management!), DELIVERED) === 1,
    );
  });
});
