// Two platforms on one anvil chain, through the chain and content addresses alone (ADR 0031):
// platform B anchors its batches on its own contract with its own key; platform A, whose operator
// added B's published trust roots as a peer, indexes B's files once they reach A's trusted depth,
// and A's proof API serves proofs of them that verify with B's trust roots (and not with A's).
// Refused: a root B never anchored (logged, counted by code); a platform that is not a peer
// (never read). A restart of A's parser goes on from its cursor for B: each batch indexed once.
//
// Storage: the embedded Helia store has no network, so both platforms read one blockstore here —
// the stand-in for two IPFS nodes that reach each other's content.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { deployAnchorContract, encodeAnchorCall, sendTransactionAndWait } from '@anchorpost/chains';
import type { Wallet } from 'ethers';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database } from '@anchorpost/db';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import { isProofError, parseTrustRoots, verifyProof } from '@anchorpost/proofs';
import type { TrustRoots, TxFileProof } from '@anchorpost/proofs';
import { encodeBatchFile, toHex } from '@anchorpost/protocol';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { parserConfigSchema } from '../src/parser-config.ts';
import { startParserService } from '../src/parser-service.ts';
import { eventually, startWorld } from './environment.ts';
import type { SentTxFile, World } from './environment.ts';

const TRUSTED_DEPTH = 3;
const quiet = (service: string) => createLogger(service, { destination: { write: () => undefined } });

/** A platform anchoring on its own contract with its own key, on the shared chain and storage. */
interface AnchoringPlatform {
  readonly name: string;
  readonly contract: string;
  readonly signer: Wallet;
  sequence: number;
  previous: string | null;
}

describe('platform A follows peer B through the chain', { timeout: 180_000 }, () => {
  let world: World;
  let dir: string;
  let databaseB: Database;
  let stopB: () => Promise<void>;
  let b: AnchoringPlatform;
  let c: AnchoringPlatform;
  let trustA: TrustRoots;
  let trustB: TrustRoots;
  const services: RunningService[] = [];

  async function platform(name: string, signer: Wallet): Promise<AnchoringPlatform> {
    const deployed = await deployAnchorContract(signer, { rpc: world.chain.rpc });
    return { name, contract: deployed.address, signer, sequence: 0, previous: null };
  }

  /** Seals a batch-file over `files` into storage and anchors `root` (its own unless forged). */
  async function sealAndAnchor(p: AnchoringPlatform, files: SentTxFile[], forgedRoot?: string) {
    const header = {
      platform: p.name,
      sequence: p.sequence,
      previous: p.previous,
      sealedAt: new Date().toISOString(),
    };
    let cid = '';
    let root = '';
    for await (const block of encodeBatchFile(
      header,
      files.map((f) => f.cid),
    )) {
      await world.store.putBlock(block.cid, block.bytes);
      if (block.kind === 'root') {
        cid = block.cid.toString();
        root = toHex(block.root.merkleRoot);
      }
    }
    await sendTransactionAndWait(world.chain.rpc, p.signer, {
      to: p.contract,
      data: encodeAnchorCall(forgedRoot ?? root, cid, p.sequence),
    });
    p.previous = cid;
    p.sequence += 1;
    return { cid, root };
  }

  async function startParserA(): Promise<RunningService> {
    const service = await startParserService({
      config: loadConfig(parserConfigSchema, {
        ANCHORPOST_PARSER_TRUSTED_DEPTH: String(TRUSTED_DEPTH),
        ANCHORPOST_PARSER_POLL_INTERVAL: '50ms',
        ANCHORPOST_PARSER_PEER_REFRESH: '100ms',
      }),
      database: world.database,
      store: world.store,
      evm: world.evm,
      logger: quiet('parser'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
      tuning: { storageRetry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 } },
    });
    services.push(service);
    return service;
  }

  async function proofApi(database: Database, platformId: string, contract: string, submitter: string) {
    const service = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {
        ANCHORPOST_PLATFORM_ID: platformId,
        ANCHORPOST_EVM_ANCHOR_CONTRACT: contract,
        ANCHORPOST_EVM_ANCHOR_SUBMITTERS: submitter,
      }),
      database,
      evm: { rpcUrls: world.evm.rpcUrls, chainId: world.evm.chainId },
      logger: quiet('proof-api'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    services.push(service);
    return service.urls.http!;
  }

  const metricsOf = async (service: RunningService) =>
    (await fetch(`${service.urls.management!}/metrics`)).text();

  before(async () => {
    world = await startWorld();
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-peer-b-'));
    const pg = await startEmbeddedPostgres({ dataDir: join(dir, 'pg') });
    await migrate(pg.databaseUrl);
    databaseB = createDatabase({ databaseUrl: pg.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    stopB = async () => {
      await databaseB.close();
      await pg.stop();
    };
    b = await platform('platform-b', world.chain.otherSubmitter);
    c = await platform('platform-c', world.chain.stranger);
    const apiA = await proofApi(
      world.database,
      'platform-a',
      world.chain.contractAddress,
      world.chain.owner.address,
    );
    const apiB = await proofApi(databaseB, b.name, b.contract, b.signer.address);
    // Each platform's identity, as its proof API publishes it; A's operator takes B's as a peer.
    trustA = parseTrustRoots(await (await fetch(`${apiA}/v1/trust-roots`)).json());
    trustB = parseTrustRoots(await (await fetch(`${apiB}/v1/trust-roots`)).json());
    assert.equal(trustB.platform, 'platform-b');
    await world.database.peers.addPeer({
      name: trustB.platform,
      trustRoots: { ...trustB },
      addedAt: new Date(),
    });
  });
  after(async () => {
    for (const service of services.reverse()) await service.close().catch(() => undefined);
    await stopB();
    await rm(dir, { recursive: true, force: true });
    await world.close();
  });

  it("indexes B's files at the trusted depth; their proofs verify with B's roots, not A's", async () => {
    const first = await world.sendTxFiles(3);
    const forgedFiles = await world.sendTxFiles(1);
    const strangerFiles = await world.sendTxFiles(1);
    // Block n: a root B never anchored over a real batch-file; n+1: a non-peer's batch; n+2: B's.
    const forged = await sealAndAnchor(b, forgedFiles, 'ab'.repeat(32));
    const strange = await sealAndAnchor(c, strangerFiles);
    const batch = await sealAndAnchor(b, first);

    const parserA = await startParserA();
    // The forged anchor is at the trusted depth already (3 blocks), B's batch not yet (1 block).
    await eventually(async () =>
      /anchorpost_parser_peer_anchors_rejected_total\{peer="platform-b",chain="evm:31337",code="BATCH_MISMATCH"\} 1/.test(
        await metricsOf(parserA),
      ),
    );
    assert.equal(await world.database.index.getBatch(batch.cid), null, 'not before the trusted depth');
    await world.mine(2);
    await eventually(async () => (await world.database.index.getBatch(batch.cid)) !== null);
    assert.deepEqual(await world.database.peers.peerBatch(batch.cid), {
      batchCid: batch.cid,
      peer: b.name,
      chain: 'evm',
      chainId: '31337',
    });
    assert.equal(await world.database.index.getBatch(forged.cid), null, 'a root B never anchored is refused');
    assert.equal(
      await world.database.index.getBatch(strange.cid),
      null,
      'a platform that is no peer is not read',
    );

    const apiA = services.find((s) => s.name === 'proof-api')!.urls.http!;
    const evmRpcUrls = { [String(world.evm.chainId)]: world.evm.rpcUrls[0]! };
    for (const file of first) {
      const response = await fetch(`${apiA}/v1/proofs/${file.cid}`);
      assert.equal(response.status, 200);
      const proof = (await response.json()) as TxFileProof;
      const options = { evmRpcUrls, minConfirmations: TRUSTED_DEPTH, acceptNoLowerBound: true };
      const verified = await verifyProof(proof, { ...options, trust: trustB });
      assert.equal(verified.trusted, 'trust-roots');
      assert.equal(verified.batch.cid, batch.cid);
      await assert.rejects(
        verifyProof(proof, { ...options, trust: trustA }),
        (error: unknown) => isProofError(error) && error.code === 'UNTRUSTED_ANCHOR',
      );
    }
    assert.equal((await fetch(`${apiA}/v1/proofs/${strangerFiles[0]!.cid}`)).status, 404);
  });

  it("goes on from its cursor for B after a restart: each of B's batches indexed once", async () => {
    const running = services.find((s) => s.name === 'parser')!;
    await running.close();
    services.splice(services.indexOf(running), 1);
    const next = await sealAndAnchor(b, await world.sendTxFiles(2));
    await world.mine(TRUSTED_DEPTH);

    const restarted = await startParserA();
    await eventually(async () => (await world.database.index.getBatch(next.cid)) !== null);
    await eventually(async () =>
      /anchorpost_parser_peer_batches_indexed_total\{peer="platform-b",chain="evm:31337"\} 1/.test(
        await metricsOf(restarted),
      ),
    );
    const metrics = await metricsOf(restarted);
    assert.doesNotMatch(
      metrics,
      /peer_anchors_rejected_total\{[^}]*code="BATCH_MISMATCH"\}/,
      'nothing read twice',
    );
    const dump = await world.database.index.dumpAll();
    assert.equal(dump.batches.filter((row) => row.platform === b.name).length, 2);
    assert.equal(dump.anchors.filter((row) => row.contract === b.contract).length, 2);
  });
});
