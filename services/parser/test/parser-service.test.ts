import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConfigError, createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { parserConfigSchema } from '../src/parser-config.ts';
import { startParserService } from '../src/parser-service.ts';
import { rebuildIndex } from '../src/rebuild-index.ts';
import { eventually, startWorld } from './environment.ts';
import type { SealedBatch, World } from './environment.ts';

const TRUSTED_DEPTH = 3;
const quiet = () => createLogger('parser', { destination: { write: () => undefined } });
const config = loadConfig(parserConfigSchema, {
  ANCHORPOST_PARSER_TRUSTED_DEPTH: String(TRUSTED_DEPTH),
  ANCHORPOST_PARSER_POLL_INTERVAL: '50ms',
});

describe('parser service against anvil, Helia and PGlite', { timeout: 120_000 }, () => {
  let world: World;
  let batches: SealedBatch[];
  before(async () => {
    world = await startWorld();
    batches = [
      await world.sealAndAnchor(await world.sendTxFiles(5)),
      await world.sealAndAnchor(await world.sendTxFiles(3)),
    ];
    // Batch 0 now has TRUSTED_DEPTH confirmations, batch 1 one fewer.
    await world.mine(1);
  });
  after(async () => {
    await world.close();
  });

  it('reads its settings from ANCHORPOST_PARSER_*, with defaults, naming a bad variable', () => {
    const defaults = loadConfig(parserConfigSchema, {});
    assert.equal(defaults.trustedDepth, 10);
    assert.equal(defaults.pollIntervalMs, 5_000);
    assert.equal(config.pollIntervalMs, 50);
    assert.throws(
      () => loadConfig(parserConfigSchema, { ANCHORPOST_PARSER_TRUSTED_DEPTH: '0' }),
      (error: unknown) => error instanceof ConfigError && error.key === 'ANCHORPOST_PARSER_TRUSTED_DEPTH',
    );
  });

  it('indexes anchors once they are at trusted depth, and reports it in metrics and readiness', async () => {
    const service = await startParserService({
      config,
      database: world.database,
      store: world.store,
      evm: world.evm,
      logger: quiet(),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    try {
      const url = service.urls.http!;
      assert.equal(service.name, 'parser');
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200, await ready.clone().text());
      // Batch 1 is one block short of the trusted depth.
      await eventually(async () => (await world.database.index.getBatch(batches[0]!.cid)) !== null);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await world.database.index.getBatch(batches[1]!.cid), null);

      await world.mine(1);
      await eventually(
        async () => (await world.database.index.getProof(batches[1]!.txFiles[2]!.cid)) !== null,
      );
      const proof = (await world.database.index.getProof(batches[1]!.txFiles[2]!.cid))!;
      assert.equal(proof.index, 2);
      assert.equal(proof.anchors.length, 1);
      assert.equal(proof.anchors[0]!.status, 'confirmed');
      assert.equal(proof.anchors[0]!.chainId, String(world.chain.anvil.chainId));
      const sent = batches[0]!.txFiles[1]!;
      const row = await world.database.index.getTxFile(sent.cid);
      assert.equal(row?.recipientHash, sent.recipientHash);
      assert.deepEqual(row.senderHashes, sent.senderHashes);
      assert.equal(row.batchSequence, 0);
      assert.equal(row.batchIndex, 1);

      const metrics = await (await fetch(`${service.urls.management!}/metrics`)).text();
      // Every series is the chain's own (labelled as the anchorer labels its own).
      const chain = `chain="evm:${world.chain.anvil.chainId}"`;
      assert.match(metrics, new RegExp(`^anchorpost_parser_batches_indexed_total\\{${chain}\\} 2$`, 'm'));
      assert.match(metrics, new RegExp(`^anchorpost_parser_tx_files_indexed_total\\{${chain}\\} 8$`, 'm'));
      assert.match(metrics, new RegExp(`^anchorpost_parser_reorgs_total\\{${chain}\\} 0$`, 'm'));
      assert.match(
        metrics,
        new RegExp(`^anchorpost_parser_run_duration_seconds_count\\{${chain},outcome="ok"\\} [1-9]`, 'm'),
      );
      assert.match(metrics, new RegExp(`^anchorpost_parser_head_lag_blocks\\{${chain}\\} \\d+$`, 'm'));
      const cursor = await world.database.index.getChainCursor('evm', String(world.chain.anvil.chainId));
      assert.ok(cursor !== null);
      assert.match(
        metrics,
        new RegExp(`^anchorpost_parser_cursor_block\\{${chain}\\} ${cursor.lastBlock}$`, 'm'),
      );
    } finally {
      await service.close();
      await service.close(); // idempotent
    }
  });

  it('is not ready while the chain is unreachable, and keeps serving its probes', async () => {
    let service: RunningService | undefined;
    try {
      service = await startParserService({
        config: { ...config, pollIntervalMs: 10_000 },
        database: world.database,
        store: world.store,
        evm: { ...world.evm, rpcUrls: ['http://127.0.0.1:9'], rpcTimeoutMs: 500 },
        logger: quiet(),
        port: 0,
        managementPort: 0,
        handleSignals: false,
      });
      assert.equal((await fetch(`${service.urls.http!}/readyz`)).status, 503);
      const ready = await fetch(`${service.urls.management!}/readyz`);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
      assert.equal(body.checks.database?.ok, true);
      assert.equal(body.checks.chain?.ok, false);
      assert.equal((await fetch(`${service.urls.http!}/healthz`)).status, 200);
    } finally {
      await service?.close();
    }
  });

  it('rebuildIndex restores the same index from chain and storage alone', async () => {
    const before = await world.database.index.dumpAll();
    assert.equal(before.batches.length, 2);
    assert.equal(before.txFiles.length, 8);
    await world.database.index.truncateAll();
    assert.equal((await world.database.index.dumpAll()).batches.length, 0);
    const result = await rebuildIndex({
      database: world.database,
      store: world.store,
      evm: world.evm,
      trustedDepth: TRUSTED_DEPTH,
      logger: quiet(),
    });
    assert.equal(result.anchorsIndexed, 2);
    assert.equal(result.txFilesIndexed, 8);
    const rebuilt = await world.database.index.dumpAll();
    // The cursor may stand further on (blocks were mined meanwhile): compare it separately.
    assert.deepEqual({ ...rebuilt, chainCursors: [] }, { ...before, chainCursors: [] });
    assert.equal(rebuilt.chainCursors.length, 1);
    assert.ok(rebuilt.chainCursors[0]!.lastBlock >= before.chainCursors[0]!.lastBlock);
  });
});
