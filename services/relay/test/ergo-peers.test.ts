// A peer followed on Ergo too (ADR 0044): platform B anchors its batch-files on its own marker
// token on the Ergo node TEST DOUBLE (e2e/ergo-devnet, run as its own process; the test mines its
// blocks) and on its contract on the anvil chain both platforms share. A's operator adds B's trust
// roots, which name both. A's parser follows B's marker chain at A's Ergo trusted depth: a batch
// anchored on Ergo alone reaches A's member once, marked with B's name, and its proof verifies with
// B's trust roots through the Ergo anchor (and not without B's Ergo root); a batch anchored on both
// chains is delivered once, not twice; a restart of A's parser in the middle delivers each file
// once; a root B's marker never anchored for that batch-file is refused (BATCH_MISMATCH on
// ergo:testnet, logged and counted); and a peer whose marker does not check against its roots'
// mint is not followed on Ergo.
//
// Storage: the embedded Helia store has no network, so B writes its files into A's blockstore —
// the stand-in for B's Kubo node reachable from A's (two-platforms.test.ts shows the real fetch).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import {
  deployAnchorContract,
  encodeAnchorCall,
  ErgoChain,
  ErgoNodeClient,
  ErgoWallet,
  MemoryAnchorRequestStore,
  mintMarker,
  sendTransactionAndWait,
} from '@anchorpost/chains';
import type { AnchorRequest, MintedMarker } from '@anchorpost/chains';
import { startEvmTestChain, type EvmTestChain } from '@anchorpost/chains/testing';
import { spawnErgoDevnet, type SpawnedErgoDevnet } from '@anchorpost/ergo-devnet';
import { parserConfigSchema, startParserService } from '@anchorpost/parser-service';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import {
  isProofError,
  parseTrustRoots,
  verifyProof,
  type TrustRoots,
  type TxFileProof,
} from '@anchorpost/proofs';
import { encodeBatchFile, openTxFile, parseTxFile, toHex } from '@anchorpost/protocol';
import { createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { Mnemonic } from 'ethers';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

const TRUSTED_DEPTH = 3;
const ERGO_DEPTH = 3;
const ERGO = 'ergo:testnet';
const quiet = (service: string) => createLogger(service, { destination: { write: () => undefined } });
const keptIn = (service: string, lines: string[]) =>
  createLogger(service, { destination: { write: (line: string) => lines.push(line) } });

type Sse = ReturnType<typeof readSse>;
type SseEvent = Awaited<ReturnType<Sse['next']>>;

describe('a peer followed on Ergo: its marker chain at the trusted depth', { timeout: 240_000 }, () => {
  let chain: EvmTestChain;
  let devnet: SpawnedErgoDevnet;
  let client: ErgoNodeClient;
  let f: RelayServiceFixture;
  let contractB: string;
  let markerA: MintedMarker;
  let markerB: MintedMarker;
  let ergoB: ErgoChain;
  let trustB: TrustRoots;
  let parserA: RunningService | undefined;
  let proofApiA: RunningService;
  const parserLogA: string[] = [];
  let sequenceB = 0;
  let previousB: string | null = null;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${devnet.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    assert.ok(response.ok, `${path}: HTTP ${response.status}`);
    return response.json();
  };
  const mineErgo = (blocks: number) => post('/devnet/mine', { blocks });

  async function wallet(): Promise<ErgoWallet> {
    const made = ErgoWallet.fromMnemonic({
      mnemonic: Mnemonic.fromEntropy(randomBytes(16)).phrase,
      network: 'testnet',
    });
    await post('/devnet/fund', { address: made.address, value: '20000000000' });
    return made;
  }

  async function anchorOnErgo(request: AnchorRequest): Promise<void> {
    await ergoB.anchor(request);
    await ergoB.tick();
    await mineErgo(1);
    await ergoB.tick();
    assert.ok((await ergoB.status(request.sequence))?.inclusion, `B's Ergo anchor ${request.sequence} mined`);
  }

  /**
   * B seals a batch-file over its files (in the shared storage) and anchors it where `on` says;
   * `forgedRoot` anchors that root instead of the batch-file's (on Ergo).
   */
  async function sendFromB(
    files: Uint8Array[],
    on: { evm?: boolean; ergo?: boolean },
    forgedRoot?: string,
  ): Promise<string[]> {
    const cids = await Promise.all(files.map((bytes) => f.storage.addFile(bytes, { pin: true })));
    const header = {
      platform: 'platform-b',
      sequence: sequenceB,
      previous: previousB,
      sealedAt: new Date().toISOString(),
    };
    let batchCid = '';
    let root = '';
    for await (const block of encodeBatchFile(header, cids)) {
      await f.storage.putBlock(block.cid, block.bytes);
      if (block.kind === 'root') {
        batchCid = block.cid.toString();
        root = toHex(block.root.merkleRoot);
      }
    }
    if (on.evm === true) {
      await sendTransactionAndWait(chain.rpc, chain.otherSubmitter, {
        to: contractB,
        data: encodeAnchorCall(root, batchCid, sequenceB),
      });
    }
    if (on.ergo === true) await anchorOnErgo({ sequence: sequenceB, root: forgedRoot ?? root, batchCid });
    sequenceB += 1;
    if (forgedRoot === undefined) previousB = batchCid;
    return cids;
  }

  async function startParserA(): Promise<void> {
    parserA = await startParserService({
      config: loadConfig(parserConfigSchema, {
        ANCHORPOST_PARSER_TRUSTED_DEPTH: String(TRUSTED_DEPTH),
        ANCHORPOST_PARSER_POLL_INTERVAL: '50ms',
        ANCHORPOST_PARSER_PEER_REFRESH: '100ms',
      }),
      database: f.database,
      store: f.storage,
      evm: {
        rpcUrls: [chain.anvil.rpcUrl],
        chainId: chain.anvil.chainId,
        contractAddress: chain.contractAddress,
        deployBlock: chain.deployBlock,
        logPageBlocks: 50,
      },
      // A follows its own marker on the same Ergo network, so it follows its peers' markers there.
      ergo: {
        nodeUrls: [devnet.url],
        network: 'testnet',
        tokenId: markerA.tokenId,
        startHeight: markerA.startHeight,
        confirmations: ERGO_DEPTH,
      },
      logger: keptIn('parser-a', parserLogA),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
  }

  const metricsOfParser = async () => (await fetch(`${parserA!.urls.management!}/metrics`)).text();
  const valueOf = (metrics: string, series: string) => {
    const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };
  const indexedOn = (chainLabel: string) =>
    `anchorpost_parser_peer_batches_indexed_total{peer="platform-b",chain="${chainLabel}"}`;
  async function until(what: string, check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      assert.ok(Date.now() < deadline, `timed out: ${what}`);
      await sleep(100);
    }
  }
  /** Nothing arrives on `stream` for a second; returns the pending read of the next event. */
  async function nothingFor(stream: Sse, what: string): Promise<{ arriving: Promise<SseEvent> }> {
    const arriving = stream.next();
    const early = await Promise.race([arriving, sleep(1_000, 'none')]);
    assert.equal(early, 'none', what);
    // Wrapped: an async function returning the promise itself would wait for it.
    return { arriving };
  }
  const inbound = (event: SseEvent) =>
    JSON.parse(event.data) as { cid: string; origin?: string; txFile: string };

  before(async () => {
    chain = await startEvmTestChain();
    devnet = await spawnErgoDevnet(['--port', '0', '--quiet']);
    client = new ErgoNodeClient({ urls: [devnet.url], retries: 0 });
    const [walletA, walletB] = [await wallet(), await wallet()];
    await mineErgo(1);
    markerA = await mintMarker({ client, wallet: walletA, float: 2_000_000_000n });
    markerB = await mintMarker({ client, wallet: walletB, float: 2_000_000_000n });
    await mineErgo(1);
    ergoB = new ErgoChain({
      nodeUrls: [devnet.url],
      network: 'testnet',
      tokenId: markerB.tokenId,
      startHeight: markerB.startHeight,
      wallet: walletB,
      store: new MemoryAnchorRequestStore(),
      confirmations: 1,
    });
    f = await openRelayServiceFixture({
      ANCHORPOST_RELAY_INBOUND_INTERVAL: '100ms',
      ANCHORPOST_PLATFORM_ID: 'platform-a',
    });
    contractB = (await deployAnchorContract(chain.otherSubmitter, { rpc: chain.rpc })).address;
    // B's identity, as B's proof API publishes it at GET /v1/trust-roots: its contract and its marker.
    trustB = parseTrustRoots({
      version: 1,
      platform: 'platform-b',
      evm: [
        {
          chainId: String(chain.anvil.chainId),
          contract: contractB,
          submitters: [chain.otherSubmitter.address],
        },
      ],
      ergo: [{ network: 'testnet', tokenId: markerB.tokenId, mintTxId: markerB.txId }],
    });
    const added = await fetch(`${f.service.urls.admin!}/v1/admin/peers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${f.adminKey}` },
      body: JSON.stringify(trustB),
    });
    assert.equal(added.status, 201);
    proofApiA = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {
        ANCHORPOST_PLATFORM_ID: 'platform-a',
        ANCHORPOST_EVM_ANCHOR_CONTRACT: chain.contractAddress,
        ANCHORPOST_EVM_ANCHOR_SUBMITTERS: chain.owner.address,
      }),
      database: f.database,
      evm: { rpcUrls: [chain.anvil.rpcUrl], chainId: chain.anvil.chainId },
      ergo: { nodeUrls: [devnet.url], network: 'testnet' },
      logger: quiet('proof-api'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    await startParserA();
  });
  after(async () => {
    await parserA?.close();
    await proofApiA.close();
    await f.close();
    await chain.close();
    devnet.child.kill('SIGTERM');
    await devnet.exited;
  });

  it("delivers B's Ergo-anchored file once at A's Ergo trusted depth; its proof verifies with B's roots through the Ergo anchor", async () => {
    // Its blocks are the Ergo chain's, so that the proof's lower bound is checked on it too.
    const [trusted, last] = await client.lastHeaders(2);
    const first = await f.txFile('hello over Ergo', undefined, f.stranger, {
      trustedblock: { height: trusted!.height, signature: trusted!.id },
      lastblock: { height: last!.height, signature: last!.id },
    });
    const group = f.groupOf(first);
    const recipient = parseTxFile(first).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    try {
      assert.equal((await stream.next()).event, 'ready');

      // Anchored on Ergo alone; its block is one confirmation. One block short of A's Ergo depth: nothing.
      const [cid] = await sendFromB([first], { ergo: true });
      await mineErgo(ERGO_DEPTH - 2);
      const { arriving } = await nothingFor(stream, "nothing before A's Ergo trusted depth");
      await mineErgo(1);
      const event = inbound(await arriving);
      assert.deepEqual([event.cid, event.origin], [cid, 'platform-b']);
      const opened = openTxFile(parseTxFile(new Uint8Array(Buffer.from(event.txFile, 'base64'))), { group });
      assert.equal(new TextDecoder().decode(opened.message.data), 'hello over Ergo');

      const proof = (await (await fetch(`${proofApiA.urls.http!}/v1/proofs/${cid}`)).json()) as TxFileProof;
      assert.deepEqual(
        proof.anchors.map((anchor) => anchor.chain),
        ['ergo'],
      );
      const verifyWith = (trust: TrustRoots) =>
        verifyProof(proof, {
          evmRpcUrls: { [String(chain.anvil.chainId)]: chain.anvil.rpcUrl },
          ergoNodeUrls: { testnet: devnet.url },
          trust,
          minConfirmations: ERGO_DEPTH,
          acceptNoLowerBound: true,
        });
      assert.equal((await verifyWith(trustB)).trusted, 'trust-roots');
      await assert.rejects(verifyWith({ ...trustB, ergo: [] }), (error: unknown) => {
        return isProofError(error) && error.code === 'UNTRUSTED_ANCHOR';
      });
      const cursor = await f.database.peers.getPeerCursor('platform-b', 'ergo', 'testnet');
      assert.ok(cursor !== null, "A keeps a cursor for B on Ergo, apart from B's on EVM");
    } finally {
      stream.close();
    }
  });

  it('delivers a batch anchored on both chains once, not twice', async () => {
    const file = await f.txFile('anchored twice', undefined, f.stranger);
    const recipient = parseTxFile(file).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    try {
      assert.equal((await stream.next()).event, 'ready');
      const before = await metricsOfParser();
      const [cid] = await sendFromB([file], { evm: true, ergo: true });
      await Promise.all([chain.mine(TRUSTED_DEPTH), mineErgo(ERGO_DEPTH)]);
      const event = inbound(await stream.next());
      assert.deepEqual([event.cid, event.origin], [cid, 'platform-b']);
      // Both followers took the anchor (the second records it beside the batch the first indexed).
      await until('both anchors of the batch indexed', async () => {
        const now = await metricsOfParser();
        return [`evm:${chain.anvil.chainId}`, ERGO].every(
          (label) => valueOf(now, indexedOn(label)) === valueOf(before, indexedOn(label)) + 1,
        );
      });
      const proof = (await (await fetch(`${proofApiA.urls.http!}/v1/proofs/${cid}`)).json()) as TxFileProof;
      assert.deepEqual(proof.anchors.map((anchor) => anchor.chain).sort(), ['ergo', 'evm']);
      // Once: after two inbound intervals nothing of B's comes again on this recipient.
      await nothingFor(stream, 'the batch anchored on the second chain is not delivered again');
      const metrics = await (await fetch(`${f.service.urls.management!}/metrics`)).text();
      assert.match(metrics, /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 2\n/);
    } finally {
      stream.close();
    }
  });

  it("delivers each of B's Ergo-anchored files once across a restart of A's parser in the middle", async () => {
    const first = await f.txFile('before the restart', undefined, f.stranger);
    const group = f.groupOf(first);
    const recipient = parseTxFile(first).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    try {
      assert.equal((await stream.next()).event, 'ready');
      const sent = await sendFromB([first], { ergo: true });
      await mineErgo(ERGO_DEPTH);
      assert.equal(inbound(await stream.next()).cid, sent[0]);

      await parserA!.close();
      parserA = undefined;
      for (const text of ['while A is down', 'and again']) {
        sent.push(...(await sendFromB([await f.txFile(text, group, f.stranger)], { ergo: true })));
      }
      await mineErgo(ERGO_DEPTH);
      await startParserA();
      const after = [inbound(await stream.next()), inbound(await stream.next())];
      assert.deepEqual(
        after.map((event) => [event.cid, event.origin]),
        sent.slice(1).map((cid) => [cid, 'platform-b']),
      );
      await nothingFor(stream, 'each file once');
    } finally {
      stream.close();
    }
  });

  it("refuses a batch-file whose root B's marker did not anchor: BATCH_MISMATCH on ergo:testnet, logged and counted", async () => {
    const file = await f.txFile('under a forged root', undefined, f.stranger);
    const recipient = parseTxFile(file).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    try {
      assert.equal((await stream.next()).event, 'ready');
      await sendFromB([file], { ergo: true }, 'ab'.repeat(32));
      await mineErgo(ERGO_DEPTH);
      const series =
        'anchorpost_parser_peer_anchors_rejected_total{peer="platform-b",chain="ergo:testnet",code="BATCH_MISMATCH"}';
      await until('the refusal counted', async () => valueOf(await metricsOfParser(), series) === 1);
      const refused = parserLogA
        .map((line) => JSON.parse(line) as { msg: string; chain?: string; err?: { code?: string } })
        .filter((line) => line.msg === "peer's anchor refused");
      assert.deepEqual(
        refused.map((line) => [line.chain, line.err?.code]),
        [[ERGO, 'BATCH_MISMATCH']],
      );
      await nothingFor(stream, 'nothing of a refused batch is delivered');
    } finally {
      stream.close();
    }
  });

  it('does not follow a peer whose marker is not the one its roots say was minted', async () => {
    // C names B's marker with A's minting transaction: the mint check (an auditor's) refuses it.
    const trustC = {
      version: 1,
      platform: 'platform-c',
      evm: [],
      ergo: [{ network: 'testnet', tokenId: markerB.tokenId, mintTxId: markerA.txId }],
    };
    const added = await fetch(`${f.service.urls.admin!}/v1/admin/peers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${f.adminKey}` },
      body: JSON.stringify(trustC),
    });
    assert.equal(added.status, 201);
    const refusal = (line: string) => {
      const parsed = JSON.parse(line) as { msg: string; peer?: string; code?: string };
      return parsed.peer === 'platform-c' && parsed.code === 'UNTRUSTED_ANCHOR';
    };
    await until("C's marker refused", () => Promise.resolve(parserLogA.some(refusal)));
    assert.ok(!parserLogA.some((line) => line.includes('"following peer"') && line.includes('platform-c')));
    assert.equal(await f.database.peers.getPeerCursor('platform-c', 'ergo', 'testnet'), null);
  });
});
