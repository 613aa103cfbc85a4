// Two platforms that know each other only through the chain and content addresses (ADR 0031), on
// one anvil chain. Platform A is this relay with its database and storage, its parser service and
// its proof API; platform B is an app whose files are sealed into B's batch-files and anchored on
// B's own contract with B's own key. A's operator adds B's trust roots over the admin API. A
// member registered at A receives B's file on A's subscription once B's anchor is at A's trusted
// depth, marked with B's name; opens it with the group's keys; and its proof, from A's proof API,
// verifies with B's trust roots. A restart of A's parser in the middle delivers every file once.
//
// Storage: the embedded Helia store has no network, so B writes its files into A's blockstore —
// the stand-in for B's Kubo node reachable from A's (ADR 0031: public mode).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployAnchorContract, encodeAnchorCall, sendTransactionAndWait } from '@anchorpost/chains';
import { startEvmTestChain, type EvmTestChain } from '@anchorpost/chains/testing';
import { parserConfigSchema, startParserService } from '@anchorpost/parser-service';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import { parseTrustRoots, verifyProof, type TrustRoots, type TxFileProof } from '@anchorpost/proofs';
import { encodeBatchFile, openTxFile, parseTxFile, toHex } from '@anchorpost/protocol';
import { createLogger, loadConfig, type RunningService } from '@anchorpost/service-kit';
import { openRelayServiceFixture, readSse, type RelayServiceFixture } from './relay-service-fixture.ts';

const TRUSTED_DEPTH = 3;
const quiet = (service: string) => createLogger(service, { destination: { write: () => undefined } });

describe('cross-platform delivery through the chain', { timeout: 180_000 }, () => {
  let chain: EvmTestChain;
  let f: RelayServiceFixture;
  let contractB: string;
  let trustB: TrustRoots;
  let parserA: RunningService | undefined;
  let proofApiA: RunningService;
  let sequenceB = 0;
  let previousB: string | null = null;

  /** B seals a batch-file over its files (in the shared storage) and anchors it on B's contract. */
  async function sendFromB(files: Uint8Array[]): Promise<string[]> {
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
    await sendTransactionAndWait(chain.rpc, chain.otherSubmitter, {
      to: contractB,
      data: encodeAnchorCall(root, batchCid, sequenceB),
    });
    sequenceB += 1;
    previousB = batchCid;
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
      logger: quiet('parser'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
  }

  before(async () => {
    chain = await startEvmTestChain();
    f = await openRelayServiceFixture({
      ANCHORPOST_RELAY_INBOUND_INTERVAL: '100ms',
      ANCHORPOST_PLATFORM_ID: 'platform-a',
    });
    contractB = (await deployAnchorContract(chain.otherSubmitter, { rpc: chain.rpc })).address;
    // B's identity, as B's proof API would publish it at GET /v1/trust-roots.
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
  });

  it("delivers B's file to A's member once at the trusted depth; it opens, and its proof verifies with B's roots", async () => {
    // B's app writes to a group with a member who is registered at A (a receive-only member).
    const first = await f.txFile('hello from platform B', undefined, f.stranger);
    const group = f.groupOf(first);
    const nobodys = await f.txFile('for a recipient nobody at A serves', undefined, f.stranger);
    const recipient = parseTxFile(first).recipient.sha512hash;
    await f.administration.registerRecipient(f.tenant, recipient);
    const stream = readSse(`${f.service.urls.http!}/v1/subscriptions/${recipient}`, f.auth);
    assert.equal((await stream.next()).event, 'ready');

    const [cid] = await sendFromB([first, nobodys]);
    await chain.mine(TRUSTED_DEPTH - 2);
    // One block short of A's trusted depth: nothing may arrive; then one more block.
    const arriving = stream.next();
    const early = await Promise.race([
      arriving,
      new Promise((resolve) => setTimeout(resolve, 1_000, 'none')),
    ]);
    assert.equal(early, 'none', 'nothing before the trusted depth');
    await chain.mine(1);
    const event = JSON.parse((await arriving).data) as { cid: string; origin?: string; txFile: string };
    assert.equal(event.cid, cid);
    assert.equal(event.origin, 'platform-b');
    const opened = openTxFile(parseTxFile(new Uint8Array(Buffer.from(event.txFile, 'base64'))), { group });
    assert.equal(new TextDecoder().decode(opened.message.data), 'hello from platform B');

    const proof = (await (await fetch(`${proofApiA.urls.http!}/v1/proofs/${cid}`)).json()) as TxFileProof;
    const verified = await verifyProof(proof, {
      evmRpcUrls: { [String(chain.anvil.chainId)]: chain.anvil.rpcUrl },
      trust: trustB,
      minConfirmations: TRUSTED_DEPTH,
      acceptNoLowerBound: true,
    });
    assert.equal(verified.trusted, 'trust-roots');

    // A's parser stops in the middle; B sends again; a new parser goes on from its cursor for B.
    await parserA!.close();
    const second = await f.txFile('and again', group, f.stranger);
    const [secondCid] = await sendFromB([second]);
    await chain.mine(TRUSTED_DEPTH);
    await startParserA();
    const next = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
    assert.deepEqual([next.cid, next.origin], [secondCid, 'platform-b']);
    // Every file once: the next event is the member's own reply, nothing of B's again.
    const reply = await f.txFile('a reply from A', group);
    const submitted = await fetch(`${f.service.urls.http!}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...f.auth },
      body: reply,
    });
    assert.equal(submitted.status, 201);
    const last = JSON.parse((await stream.next()).data) as { cid: string; origin?: string };
    assert.equal(last.origin, undefined);
    stream.close();
    const metrics = await (await fetch(`${f.service.urls.management!}/metrics`)).text();
    assert.match(metrics, /anchorpost_relay_inbound_delivered_total\{peer="platform-b"\} 2\n/);
    assert.match(
      metrics,
      /anchorpost_relay_inbound_ignored_total\{peer="platform-b",reason="NOT_SERVED"\} 1\n/,
    );
  });
});
