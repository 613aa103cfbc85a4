// `npm run test:chaos`: a steady load on Anchorpost running on real servers, every service in its
// own process (cluster/cluster.ts), and faults one at a time: a SIGKILL of each service with a
// restart, a Kafka broker restart, Kubo stopped for 30 s, Kubo stopped between acknowledgement and
// seal (files acknowledged meanwhile, the batcher killed and restarted), a 2-block reorg on anvil, the index
// database dropped and rebuilt by the parser, and on Ergo (the node test double, its own process) a
// 3-block rollback under an anchor, the node frozen for 30 s, and the node killed and started again
// on its data folder 5 s later (its blocks kept, its pool lost, as a real node's restart). After each fault it reconciles
// (every file accepted so far proven, in exactly one batch, each batch anchored once on each chain,
// every proof verified with `anchorpost verify`) and reports how long the system took to recover.
// It ends with one line:
//   chaos: accepted=N batched=N anchored=N lost=0 duplicated=0 proofs_verified=N ergo_anchored=N
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ANCHORED_TOPIC, ErgoChainReader } from '@anchorpost/chains';
import { Subscriber, waitUntil } from './clients.ts';
import { startCluster, type Cluster } from './cluster/cluster.ts';
import { loadParties, SteadyLoad, type ErgoBlock } from './chaos/load.ts';
import { TRUSTED_BLOCK_HEIGHTS } from './phases/state.ts';
import { Reconciler, type Tally } from './chaos/reconcile.ts';

const RATE = Number(process.env.ANCHORPOST_CHAOS_RATE ?? 5);
const KUBO_DOWN_MS = Number(process.env.ANCHORPOST_CHAOS_KUBO_DOWN_MS ?? 30_000);
const ERGO_DOWN_MS = Number(process.env.ANCHORPOST_CHAOS_ERGO_DOWN_MS ?? 30_000);
const ERGO_RESTART_MS = 5_000;
/** Longest wait for the system to catch up after one fault. */
const RECOVERY_LIMIT_MS = 5 * 60_000;

interface Fault {
  readonly name: string;
  /** Breaks something and repairs it; resolves once repaired (the recovery clock starts then). */
  inject(cluster: Cluster, load: SteadyLoad): Promise<void>;
}

const killAndRestart = (service: string): Fault => ({
  name: `sigkill ${service}`,
  async inject(cluster) {
    await cluster.service(service).kill();
    await cluster.service(service).start();
  },
});

/**
 * Waits for a block at the head holding an anchor, then reorganizes the last `depth` blocks away
 * and drops the anchor's transaction from the node's pool as well (else anvil mines it again at
 * once): the anchorer must notice its anchor is gone and send it again. Says what happened.
 */
async function reorgUnderAnAnchor(cluster: Cluster, depth: number): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const logs = await cluster.chain.call<{ transactionHash: string; blockNumber: string }[]>('eth_getLogs', [
      { address: cluster.contractAddress, topics: [ANCHORED_TOPIC], fromBlock: 'latest', toBlock: 'latest' },
    ]);
    const anchor = logs[0];
    if (anchor !== undefined) {
      await cluster.chain.reorg(depth);
      await cluster.chain.call('anvil_dropTransaction', [anchor.transactionHash]);
      const receipt = await cluster.chain.call('eth_getTransactionReceipt', [anchor.transactionHash]);
      assert.equal(receipt, null, 'the reorg took the anchor transaction out of the chain');
      return `took the anchor in block ${Number(anchor.blockNumber)} (tx ${anchor.transactionHash}) out of the chain and the pool`;
    }
    await sleep(100);
  }
  throw new Error('no anchor was mined within 60 s: the load or the anchorer has stopped');
}

/**
 * Waits for an Ergo anchor in the newest blocks, then rolls the node back past it (3 blocks at
 * least), dropping the transactions: the anchorer must anchor that batch again, once. Says what.
 */
async function rollbackUnderAnErgoAnchor(cluster: Cluster): Promise<string> {
  const ergo = cluster.ergo!;
  const reader = new ErgoChainReader({
    nodeUrls: [ergo.url],
    network: 'testnet',
    tokenId: ergo.tokenId,
    startHeight: Number(ergo.env.ANCHORPOST_ERGO_START_HEIGHT),
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const head = (await reader.head()).number;
    const anchors = [];
    for await (const page of reader.readAnchors(Math.max(0, head - 2), head)) anchors.push(...page.anchors);
    const newest = anchors.at(-1);
    if (newest !== undefined) {
      const reach = Math.max(3, head - newest.blockNumber + 1);
      await ergo.rollback(reach);
      return `took ${reach} blocks from height ${head}, with the anchor of sequence ${newest.sequence} at ${newest.blockNumber}`;
    }
    await sleep(100);
  }
  throw new Error('no Ergo anchor was mined within 60 s: the load or the anchorer has stopped');
}

/** The id of the Ergo block at `height`, once the node has mined it. */
async function ergoBlockAt(nodeUrl: string, height: number): Promise<ErgoBlock> {
  let id: string | undefined;
  await waitUntil(
    `Ergo block ${height}`,
    async () =>
      (id = ((await (await fetch(`${nodeUrl}/blocks/at/${height}`)).json()) as string[])[0]) !== undefined,
    60_000,
  );
  return { height, id: id! };
}

const FAULTS: readonly Fault[] = [
  ...['relay-a', 'relay-b', 'batcher', 'anchorer', 'parser', 'proof-api'].map(killAndRestart),
  {
    name: 'kafka broker restart',
    async inject(cluster) {
      await cluster.kafka.stop();
      await cluster.kafka.start();
    },
  },
  {
    name: `kubo stopped ${KUBO_DOWN_MS / 1000} s`,
    async inject(cluster) {
      await cluster.kubo.stop();
      await sleep(KUBO_DOWN_MS);
      await cluster.kubo.start();
    },
  },
  {
    // ADR 0035: the relays acknowledge with no storage call, so files are accepted while Kubo is
    // down; the batcher, which stores them from their records before sealing, fails its seals,
    // is killed and restarted meanwhile (it keeps nothing but the bus), and seals them once Kubo
    // is back. Reconciled like every fault: nothing lost, nothing sealed or delivered twice.
    name: 'storage down between acknowledgement and seal',
    async inject(cluster, load) {
      await cluster.kubo.stop();
      const stopped = Date.now();
      await waitUntil(
        'files acknowledged with Kubo down',
        () =>
          load.failure !== undefined ||
          [...load.receipts.values()].filter((r) => r.acceptedAtMs > stopped).length >= RATE * 3,
        60_000,
      );
      await cluster.service('batcher').kill();
      await cluster.service('batcher').start();
      await sleep(5_000);
      await cluster.kubo.start();
    },
  },
  {
    name: 'anvil 2-block reorg under an anchor',
    async inject(cluster) {
      process.stdout.write(`chaos: the reorg ${await reorgUnderAnAnchor(cluster, 2)}\n`);
    },
  },
  {
    name: 'index database dropped, parser rebuild',
    async inject(cluster) {
      await cluster.indexDb.drop();
      await sleep(2_000);
      // Whatever state they are in now, they go down while the operator restores the index.
      for (const name of ['parser', 'proof-api']) {
        await cluster
          .service(name)
          .stop()
          .catch(() => cluster.service(name).kill());
      }
      await cluster.indexDb.recreate();
      await cluster.rebuildIndex();
      for (const name of ['parser', 'proof-api']) await cluster.service(name).start();
    },
  },
  {
    name: 'ergo 3-block rollback under an anchor',
    async inject(cluster) {
      process.stdout.write(`chaos: the Ergo rollback ${await rollbackUnderAnErgoAnchor(cluster)}\n`);
    },
  },
  {
    name: `ergo node frozen ${ERGO_DOWN_MS / 1000} s`,
    async inject(cluster) {
      cluster.ergo!.suspend();
      await sleep(ERGO_DOWN_MS);
      cluster.ergo!.resume();
    },
  },
  {
    name: `ergo node killed, restarted ${ERGO_RESTART_MS / 1000} s later`,
    async inject(cluster) {
      await cluster.ergo!.restart(ERGO_RESTART_MS);
    },
  },
];

/** ANCHORPOST_CHAOS_FAULTS: a comma list of words; only the faults whose name holds one run. */
const only = process.env.ANCHORPOST_CHAOS_FAULTS?.split(',').filter((word) => word !== '');
const SELECTED =
  only === undefined ? FAULTS : FAULTS.filter((f) => only.some((word) => f.name.includes(word)));

const line = (tally: Tally) =>
  `chaos: accepted=${tally.accepted} batched=${tally.batched} anchored=${tally.anchored} ` +
  `lost=${tally.lost} duplicated=${tally.duplicated} proofs_verified=${tally.proofsVerified} ` +
  `ergo_anchored=${tally.ergoAnchored}`;

describe(
  `chaos: ${SELECTED.length} faults under a steady load of ${RATE} files/s`,
  // Ten faults take about three minutes; a run past this limit is a hang, not a slow machine.
  { timeout: 20 * 60_000 },
  () => {
    let dir: string;
    let cluster: Cluster | undefined;
    let load: SteadyLoad | undefined;
    const subscribers: Subscriber[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'anchorpost-chaos-'));
      const parties = await loadParties();
      // The relays do not check the files' named blocks here (the e2e scenario does); the
      // verifier still does, so every file names a real block of the node.
      cluster = await startCluster({
        dir,
        tenants: parties.tenants,
        relays: 2,
        ergo: { relayChecksBlocks: false },
      });
      // One subscriber per group, moving to the other relay at each reconnect: its cursor must
      // resume on any relay.
      const relays = cluster.relays;
      parties.recipientHashes.forEach((hash, k) => {
        let connects = k;
        subscribers.push(
          new Subscriber(
            `group-${k}`,
            hash,
            () => relays[connects++ % relays.length]!.http,
            parties.apps[0]!.apiKey,
          ),
        );
      });
      await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
      load = new SteadyLoad({
        parties,
        relayUrls: cluster.relays.map((relay) => relay.http),
        rate: RATE,
        concurrency: 4,
        ergoBlock: await ergoBlockAt(cluster.ergo!.url, TRUSTED_BLOCK_HEIGHTS.from),
      });
    });

    after(async () => {
      // Each step on its own: whatever failed before, the cluster's processes are stopped, or the
      // test process would wait on them for ever.
      for (const subscriber of subscribers) subscriber.stop();
      try {
        await load?.stop();
      } finally {
        await cluster?.close();
      }
      if (process.env.ANCHORPOST_E2E_KEEP === undefined) await rm(dir, { recursive: true, force: true });
      else process.stdout.write(`chaos: kept ${dir}\n`);
    });

    it('loses and duplicates nothing, and every proof verifies, through every fault', async () => {
      const c = cluster!;
      const steady = load!;
      const reconciler = new Reconciler({
        proofApiUrl: c.proofApiUrl,
        evmRpc: c.evmRpc,
        contractAddress: c.contractAddress,
        deployBlock: c.chain.deployBlock,
        indexDatabaseUrl: c.indexDb.databaseUrl,
        dir,
        ergo: {
          nodeUrl: c.ergo!.url,
          tokenId: c.ergo!.tokenId,
          startHeight: Number(c.ergo!.env.ANCHORPOST_ERGO_START_HEIGHT),
        },
      });
      await waitUntil('the first receipts', () => steady.receipts.size >= RATE * 3, 60_000);

      for (const fault of SELECTED) {
        const started = Date.now();
        await fault.inject(c, steady);
        const repaired = Date.now();
        // Recovered: a file is accepted again after the repair, and every file accepted so far is proven.
        await waitUntil(
          `a file accepted after "${fault.name}"`,
          () =>
            steady.failure !== undefined ||
            c.crashes().length > 0 ||
            [...steady.receipts.values()].some((r) => r.acceptedAtMs > repaired),
          RECOVERY_LIMIT_MS,
        );
        // A refusal (not a retryable answer) or a service that gave up and exited fails the test
        // at once, naming the fault it came under.
        if (steady.failure) throw new Error(`during or after "${fault.name}": ${steady.failure.message}`);
        if (c.crashes().length > 0)
          throw new Error(`during or after "${fault.name}": ${c.crashes().join('; ')}`);
        const sofar = [...steady.receipts.keys()];
        await reconciler.waitForProofs(sofar, RECOVERY_LIMIT_MS);
        await reconciler.waitForErgo(sofar, RECOVERY_LIMIT_MS);
        const recoveryMs = Date.now() - repaired;
        await reconciler.settle(sofar, RECOVERY_LIMIT_MS);
        const tally = await reconciler.tally(sofar);
        process.stdout.write(
          `chaos: fault="${fault.name}" fault_ms=${repaired - started} recovery_ms=${recoveryMs} ` +
            `${line(tally).slice('chaos: '.length)}\n`,
        );
        assert.equal(tally.lost, 0, `files lost after "${fault.name}"`);
        assert.equal(tally.duplicated, 0, `files or anchors duplicated after "${fault.name}"`);
        assert.equal(tally.ergoAnchored, tally.accepted, `files not anchored on Ergo after "${fault.name}"`);
      }

      await steady.stop();
      if (steady.failure) throw steady.failure;
      assert.deepEqual(c.crashes(), [], 'no service exited on its own');
      const all = [...steady.receipts.keys()];
      await reconciler.settle(all, RECOVERY_LIMIT_MS);
      const tally = await reconciler.tally(all);
      process.stdout.write(`chaos: ${steady.retried} submissions needed a retry\n`);

      // Every subscriber got every file of its group exactly once, across every fault.
      const expected = subscribers.map(
        (s) =>
          new Set(
            [...steady.receipts.values()]
              .filter((r) => r.recipientHash === s.recipientHash)
              .map((r) => r.cid),
          ),
      );
      await waitUntil(
        'every delivery',
        () => subscribers.every((s, k) => new Set(s.deliveries.map((d) => d.cid)).size >= expected[k]!.size),
        RECOVERY_LIMIT_MS,
      );
      assert.equal(subscribers.length, 2);
      for (const files of expected) assert.ok(files.size > 0, 'every group was sent files');
      let deliveredTwice = 0;
      subscribers.forEach((subscriber, k) => {
        const cids = subscriber.deliveries.map((d) => d.cid);
        deliveredTwice += cids.length - new Set(cids).size;
        assert.deepEqual(new Set(cids), expected[k], `${subscriber.name} got other files than its group's`);
      });
      const delivered = subscribers.reduce((sum, s) => sum + s.deliveries.length, 0);
      const reconnects = subscribers.reduce((sum, s) => sum + s.reconnects.length, 0);
      process.stdout.write(
        `chaos: delivered=${delivered} to ${subscribers.length} subscribers (${reconnects} reconnects) delivered_twice=${deliveredTwice}\n`,
      );
      assert.equal(deliveredTwice, 0, 'a subscriber got a file twice');
      process.stdout.write(`${line(tally)}\n`);
      assert.equal(tally.lost, 0);
      assert.equal(tally.duplicated, 0);
      assert.equal(tally.batched, tally.accepted);
      assert.equal(tally.anchored, tally.accepted);
      assert.equal(tally.proofsVerified, tally.accepted);
      assert.equal(tally.ergoAnchored, tally.accepted);
    });
  },
);
