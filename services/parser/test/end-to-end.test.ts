// From acceptance to a verified proof with real components: tx-files accepted on a FileLogBus,
// sealed by the batcher into Helia, anchored on anvil, indexed by the parser service, served by
// the proof API and checked by verifyProof against the chain alone.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Batcher } from '@anchorpost/batcher-core';
import { openFileLogBus } from '@anchorpost/bus';
import type { Bus } from '@anchorpost/bus';
import { BATCH_SEALED_TOPIC, TX_FILE_ACCEPTED_TOPIC, txFileAccepted } from '@anchorpost/events';
import type { BatchSealed } from '@anchorpost/events';
import { proofApiConfigSchema, startProofApiService } from '@anchorpost/proof-api-service';
import { parseTrustRoots, verifyProof } from '@anchorpost/proofs';
import { generateRelayKey, loadRelayKey, signReceipt } from '@anchorpost/relay-core/receipts';
import type { TxFileProof } from '@anchorpost/proofs';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { parserConfigSchema } from '../src/parser-config.ts';
import { startParserService } from '../src/parser-service.ts';
import { eventually, startWorld } from './environment.ts';
import type { SentTxFile, World } from './environment.ts';

const TRUSTED_DEPTH = 3;
/** The relay that signs the receipts; the batcher trusts it. */
const relayKey = loadRelayKey(generateRelayKey().pkcs8Pem);
const quiet = (service: string) => createLogger(service, { destination: { write: () => undefined } });

describe('accepted → sealed → anchored → indexed → proven', { timeout: 120_000 }, () => {
  let world: World;
  let busDir: string;
  let bus: Bus;
  let sequence = 0;
  const services: RunningService[] = [];

  /** What the relay does on acceptance: a receipt in the database, a record on the bus. */
  async function accept(files: readonly SentTxFile[]): Promise<void> {
    for (const file of files) {
      sequence += 1;
      const receipt = signReceipt(
        {
          version: 1,
          cid: file.cid,
          recipientHash: file.recipientHash,
          acceptedAt: new Date().toISOString(),
          sequence,
        },
        relayKey,
      );
      await world.database.receipts.insertReceipt({
        cid: receipt.cid,
        sequence: receipt.sequence,
        recipientHash: receipt.recipientHash,
        acceptedAt: receipt.acceptedAt,
        relayKeyId: receipt.relayKeyId,
        signature: receipt.signature,
      });
      const event = { cid: file.cid, recipientHash: file.recipientHash, receipt, txFile: file.bytes };
      await bus.publish(TX_FILE_ACCEPTED_TOPIC, [
        { key: txFileAccepted.key(event), value: txFileAccepted.encode(event) },
      ]);
    }
  }

  before(async () => {
    world = await startWorld();
    busDir = await mkdtemp(join(tmpdir(), 'anchorpost-e2e-bus-'));
    bus = await openFileLogBus({ dir: busDir });
    await bus.ensureTopic(TX_FILE_ACCEPTED_TOPIC, { partitions: 2 });
    await bus.ensureTopic(BATCH_SEALED_TOPIC, { partitions: 1 });
  });
  after(async () => {
    for (const service of services.reverse()) await service.close();
    await bus.close();
    await rm(busDir, { recursive: true, force: true });
    await world.close();
  });

  it('serves proofs that verify against the chain, and 202 for a file still waiting', async () => {
    const files = await world.sendTxFiles(6);
    await accept(files);
    const batcher = new Batcher({
      bus,
      store: world.store,
      platform: 'e2e',
      relayKeys: [relayKey.publicKeyRaw],
    });
    const sealed: BatchSealed | null = await batcher.sealNow();
    assert.ok(sealed !== null);
    assert.equal(sealed.count, 6);
    await world.anchor(sealed.merkleRoot, sealed.batchCid, sealed.sequence);
    const [waiting] = await world.sendTxFiles(1);
    await accept([waiting!]);
    await world.mine(TRUSTED_DEPTH);

    const parser = await startParserService({
      config: loadConfig(parserConfigSchema, {
        ANCHORPOST_PARSER_TRUSTED_DEPTH: String(TRUSTED_DEPTH),
        ANCHORPOST_PARSER_POLL_INTERVAL: '50ms',
      }),
      database: world.database,
      store: world.store,
      evm: world.evm,
      logger: quiet('parser'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    services.push(parser);
    const proofApi = await startProofApiService({
      config: loadConfig(proofApiConfigSchema, {
        ANCHORPOST_EVM_ANCHOR_CONTRACT: world.chain.contractAddress,
        ANCHORPOST_EVM_ANCHOR_SUBMITTERS: world.chain.owner.address,
      }),
      database: world.database,
      evm: { rpcUrls: world.evm.rpcUrls, chainId: world.evm.chainId },
      logger: quiet('proof-api'),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    services.push(proofApi);
    const api = proofApi.urls.http!;

    await eventually(async () => (await world.database.index.getBatch(sealed.batchCid)) !== null);
    const evmRpcUrls = { [String(world.evm.chainId)]: world.evm.rpcUrls[0]! };
    // The auditor's trust roots: the platform's published ones, taken as they are here.
    const trust = parseTrustRoots(await (await fetch(`${api}/v1/trust-roots`)).json());
    const leaves = new Set<number>();
    for (const file of files) {
      const response = await fetch(`${api}/v1/proofs/${file.cid}`);
      assert.equal(response.status, 200, file.cid);
      const proof = (await response.json()) as TxFileProof;
      // Indexed at the trusted depth: final.
      assert.equal(proof.anchors[0]?.status, 'final');
      // EVM only here: no Ergo node to find the trustedblock on, accepted explicitly.
      const verified = await verifyProof(proof, {
        evmRpcUrls,
        trust,
        minConfirmations: TRUSTED_DEPTH,
        acceptNoLowerBound: true,
      });
      assert.equal(verified.trusted, 'trust-roots');
      assert.equal(verified.lowerBound, 'not-established');
      assert.equal(verified.batch.cid, sealed.batchCid);
      leaves.add(verified.index);
    }
    assert.equal(leaves.size, 6);

    const pending = await fetch(`${api}/v1/proofs/${waiting!.cid}`);
    assert.equal(pending.status, 202);
    assert.deepEqual(await pending.json(), { cid: waiting!.cid, status: 'pending', stage: 'accepted' });

    const batch = (await (await fetch(`${api}/v1/batches/${sealed.batchCid}`)).json()) as {
      root: string;
      size: number;
      anchors: { status: string }[];
    };
    assert.equal(batch.root, sealed.merkleRoot);
    assert.equal(batch.size, 6);
    assert.equal(batch.anchors[0]?.status, 'confirmed');

    const recipient = files[0]!.recipientHash;
    const messages = (await (await fetch(`${api}/v1/messages?recipient=${recipient}`)).json()) as {
      items: { cid: string; batchCid: string; senderHashes: string[] }[];
    };
    const expected = files.filter((file) => file.recipientHash === recipient).map((file) => file.cid);
    assert.deepEqual(messages.items.map((item) => item.cid).sort(), expected.sort());
    assert.ok(messages.items.every((item) => item.batchCid === sealed.batchCid));
    assert.deepEqual(messages.items[0]!.senderHashes, files[0]!.senderHashes);
  });
});
