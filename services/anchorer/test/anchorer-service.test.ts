// The anchorer service end to end on real parts: anvil with the anchor contract, PGlite,
// FileLogBus in a temp dir. Sealed batches go in on the bus; anchors come out on chain.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { deadLetterTopic, DeadLetterHeader, openFileLogBus } from '@anchorpost/bus';
import type { FileLogBus } from '@anchorpost/bus';
import { AnchorState, EvmChainReader } from '@anchorpost/chains';
import type { AnchorRecord, EvmChainConfig } from '@anchorpost/chains';
import { allAnchors, sampleAnchorRequest, startEvmTestChain } from '@anchorpost/chains/testing';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { batchSealed } from '@anchorpost/events';
import { ConfigError, createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorerConfigSchema } from '../src/anchorer-config.ts';
import { startAnchorerService } from '../src/anchorer-service.ts';
import { PostgresAnchorRequestStore } from '../src/postgres-anchor-request-store.ts';
import { startTcpGate } from '@anchorpost/service-kit/testing';
import type { TcpGate } from '@anchorpost/service-kit/testing';

const lines: string[] = [];
const logger = createLogger('anchorer', {
  level: 'debug',
  destination: { write: (line: string) => lines.push(line) },
});

function sealed(sequence: number): Uint8Array {
  const request = sampleAnchorRequest(sequence);
  return batchSealed.encode({
    platform: 'test',
    sequence,
    batchCid: request.batchCid,
    previousCid: null,
    merkleRoot: request.root,
    count: 1,
    sealedAt: '2026-11-22T06:00:00.000Z',
    sealedOffsets: { '0': sequence },
  });
}

function logged(message: string): Record<string, unknown>[] {
  return lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry['msg'] === message);
}

describe('anchorer service', () => {
  let chain: EvmTestChain;
  let server: EmbeddedPostgres;
  /** Between the service and the database, so the database can go away for a while. */
  let gate: TcpGate;
  let database: Database;
  let busDir: string;
  let bus: FileLogBus;
  let evm: EvmChainConfig;
  let store: PostgresAnchorRequestStore;
  let service: RunningService | undefined;
  const config = loadConfig(anchorerConfigSchema, {
    ANCHORPOST_ANCHORER_PORT: '0',
    ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
    ANCHORPOST_ANCHORER_READINESS_INTERVAL: '100ms',
    ANCHORPOST_ANCHORER_TICK_INTERVAL: '50ms',
    ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF: '400ms',
    ANCHORPOST_ANCHORER_MAX_CONSUME_BACKOFF: '200ms',
  });

  const start = async (): Promise<RunningService> =>
    startAnchorerService({ config, bus, database, signer: chain.owner, evm, logger, handleSignals: false });

  const status = (sequence: number): Promise<AnchorRecord | undefined> =>
    store.get(`evm:${chain.anvil.chainId}`, sequence);

  /** Waits for `sequence` to reach `state`, mining a block now and then (anvil only mines on demand). */
  const reach = async (sequence: number, state: AnchorState, mine = true): Promise<AnchorRecord> => {
    for (let round = 0; round < 200; round++) {
      const record = await status(sequence);
      if (record?.state === state) return record;
      if (mine && round % 2 === 1) await chain.mine(1);
      await sleep(50);
    }
    assert.fail(`sequence ${sequence} did not reach ${state}: ${JSON.stringify(await status(sequence))}`);
  };

  const publish = async (value: Uint8Array): Promise<void> => {
    await bus.publish(batchSealed.topic, [{ key: 'test', value }]);
  };

  before(async () => {
    chain = await startEvmTestChain();
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    const target = new URL(server.databaseUrl);
    gate = await startTcpGate(target.hostname, Number(target.port));
    database = createDatabase({
      databaseUrl: server.databaseUrl.replace(target.host, gate.address),
      poolSize: EMBEDDED_POOL_SIZE,
      connectTimeoutMs: 500,
    });
    store = new PostgresAnchorRequestStore(database.anchorRequests);
    busDir = await mkdtemp(join(tmpdir(), 'anchorpost-anchorer-'));
    bus = await openFileLogBus({ dir: busDir });
    evm = {
      rpcUrls: [chain.anvil.rpcUrl],
      chainId: chain.anvil.chainId,
      contractAddress: chain.contractAddress,
      deployBlock: chain.deployBlock,
      confirmations: 2,
      // Deep enough that nothing is FINALIZED (and so leaves the open gauge) while a test looks.
      finalityDepth: 50,
      logPageBlocks: 50,
      replaceAfterMs: 3_600_000,
    };
  });

  after(async () => {
    await service?.close();
    await (bus as FileLogBus | undefined)?.close();
    await (database as Database | undefined)?.close();
    await (gate as TcpGate | undefined)?.stop();
    await (server as EmbeddedPostgres | undefined)?.stop();
    await (chain as EvmTestChain | undefined)?.close();
    if ((busDir as string | undefined) !== undefined) await rm(busDir, { recursive: true, force: true });
  });

  it('anchors two sealed batches and follows them to CONFIRMED', async () => {
    service = await start();
    await publish(sealed(0));
    await publish(sealed(1));
    for (const sequence of [0, 1]) {
      const record = await reach(sequence, AnchorState.Confirmed);
      assert.equal(record.root, sampleAnchorRequest(sequence).root);
      assert.equal(record.inclusion?.adopted, false);
    }
    const reader = new EvmChainReader(evm);
    for (const sequence of [0, 1]) {
      assert.equal(await reader.anchoredRoot(sequence), sampleAnchorRequest(sequence).root);
    }
    assert.deepEqual(
      (await allAnchors(reader, chain.deployBlock)).map((anchor) => anchor.sequence).sort(),
      [0, 1],
    );

    const transitions = logged('anchor request transition').filter((entry) => entry['sequence'] === 0);
    assert.deepEqual(
      transitions
        .filter((entry) => entry['from'] !== entry['to'])
        .map((entry) => `${String(entry['from'])}>${String(entry['to'])}`),
      ['PENDING>SUBMITTED', 'SUBMITTED>MINED', 'MINED>CONFIRMED'],
    );
    assert.match(String(transitions[0]?.['txHash']), /^0x[0-9a-f]{64}$/);

    const url = service.urls['management']!;
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /anchorpost_anchorer_transitions_total\{chain="[^"]+",to="CONFIRMED"\} 2/);
    assert.match(metrics, /anchorpost_anchorer_open_requests\{chain="[^"]+",state="CONFIRMED"\} 2/);
    // The anvil owner account's balance, read from the node at the scrape.
    assert.match(metrics, /anchorpost_anchorer_wallet_balance\{chain="evm:\d+"\} \d+(\.\d+)?(e\+\d+)?\n/);
    // Both batches are stored, so the group has committed past them on every partition.
    const lags = [
      ...metrics.matchAll(
        /^anchorpost_anchorer_consumer_lag\{topic="anchorpost\.batch\.sealed\.v1",partition="\d+"\} (\d+)$/gm,
      ),
    ];
    assert.ok(lags.length > 0, 'the consumer lag is exported per partition');
    assert.deepEqual(new Set(lags.map((m) => m[1])), new Set(['0']));
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    const report = (await ready.json()) as Record<string, unknown>;
    assert.deepEqual(
      { status: report['status'], checks: report['checks'] },
      { status: 'ready', checks: { database: { ok: true }, chain: { ok: true } } },
    );
    // The public port tells only whether it is ready.
    assert.deepEqual(await (await fetch(`${service.urls['http']!}/readyz`)).json(), { status: 'ready' });
  });

  it('carries on after a restart with a transaction in flight, anchoring each batch once', async () => {
    // Nothing is mined until asked: the request stays SUBMITTED with its transaction in the mempool.
    await chain.call('evm_setAutomine', [false]);
    await publish(sealed(2));
    const submitted = await reach(2, AnchorState.Submitted, false);
    assert.equal(submitted.attempts.length, 1);
    await service?.close();
    service = undefined;
    await chain.call('evm_setAutomine', [true]);
    await chain.mine(1);

    service = await start();
    const confirmed = await reach(2, AnchorState.Confirmed);
    assert.equal(confirmed.inclusion?.txHash, submitted.attempts[0]!.txHash);
    const anchors = await allAnchors(new EvmChainReader(evm), chain.deployBlock);
    assert.deepEqual(anchors.map((anchor) => anchor.sequence).sort(), [0, 1, 2]);
  });

  it('dead-letters an undecodable event and still anchors the next one', async () => {
    await publish(new TextEncoder().encode('{"not":"a sealed batch"}'));
    await publish(sealed(3));
    await reach(3, AnchorState.Confirmed);
    const dead = await bus.read(deadLetterTopic(batchSealed.topic), 0, 0, 10);
    assert.equal(dead.length, 1);
    assert.equal(dead[0]!.headers[DeadLetterHeader.ErrorCode], 'BAD_EVENT');
    assert.equal(dead[0]!.headers[DeadLetterHeader.GroupId], 'anchorer');
    const lag = await bus.lag('anchorer', batchSealed.topic);
    assert.deepEqual(
      lag.map((partition) => partition.lag),
      [0],
    );
  });

  it('holds a sealed batch through a database outage and anchors it once the database is back', async () => {
    await gate.close();
    const before = lines.filter((line) => line.includes('sealed batch not handled yet')).length;
    await publish(sealed(4));
    const retried = (): number =>
      lines.filter((line) => line.includes('sealed batch not handled yet')).length - before;
    for (let round = 0; round < 100 && retried() < 2; round++) await sleep(50);
    assert.ok(retried() >= 2, 'the record is retried while the database is down');
    // Readiness is checked in the background (every 100 ms here): the next round sees the outage.
    let databaseOk: boolean | undefined = true;
    for (let round = 0; round < 60 && databaseOk !== false; round++) {
      const notReady = (await (await fetch(`${service!.urls['management']!}/readyz`)).json()) as {
        checks: Record<string, { ok: boolean }>;
      };
      databaseOk = notReady.checks['database']?.ok;
      if (databaseOk !== false) await sleep(50);
    }
    assert.equal(databaseOk, false);
    // Not committed: a crash now would read the record again.
    assert.deepEqual(
      (await bus.lag('anchorer', batchSealed.topic)).map((partition) => partition.lag),
      [1],
    );

    await gate.open();
    await reach(4, AnchorState.Confirmed);
    assert.deepEqual(
      (await bus.lag('anchorer', batchSealed.topic)).map((partition) => partition.lag),
      [0],
    );
    // Only the undecodable record of the test before is dead.
    assert.deepEqual(await bus.endOffsets(deadLetterTopic(batchSealed.topic)), [1]);
  });

  it('reports an unreachable chain in /readyz and backs off between failing ticks', async () => {
    const unreachable = await startAnchorerService({
      config: loadConfig(anchorerConfigSchema, {
        ANCHORPOST_ANCHORER_PORT: '0',
        ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
        ANCHORPOST_ANCHORER_TICK_INTERVAL: '20ms',
        ANCHORPOST_ANCHORER_GROUP_ID: 'anchorer-unreachable',
      }),
      bus,
      database,
      signer: chain.owner,
      evm: { ...evm, id: 'evm:unreachable', rpcUrls: ['http://127.0.0.1:1'] },
      logger,
      handleSignals: false,
    });
    try {
      const response = await fetch(`${unreachable.urls['management']!}/readyz`);
      assert.equal(response.status, 503);
      const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };
      assert.equal(body.checks['database']?.ok, true);
      assert.equal(body.checks['chain']?.ok, false);
      await sleep(300);
      const failed = logged('anchor tick failed; retrying').filter(
        (entry) => entry['chain'] === 'evm:unreachable',
      );
      assert.ok(failed.length >= 2);
      assert.equal(failed[0]?.['code'], 'UNAVAILABLE');
      // 20, 40, 80, 160 ms…: far fewer ticks than 300 ms / 20 ms.
      assert.ok(failed.length <= 6, `${failed.length} ticks in 300 ms`);
      assert.ok(Number(failed[1]!['retryInMs']) > Number(failed[0]['retryInMs']));
    } finally {
      await unreachable.close();
    }
  });

  it('names the environment variable of a bad setting', () => {
    for (const [key, value] of [
      ['ANCHORPOST_ANCHORER_TICK_INTERVAL', 'soon'],
      ['ANCHORPOST_ANCHORER_GROUP_ID', 'no spaces'],
      ['ANCHORPOST_BATCH_SEALED_PARTITIONS', '0'],
    ] as const) {
      assert.throws(
        () => loadConfig(anchorerConfigSchema, { [key]: value }),
        (error: unknown) => error instanceof ConfigError && error.key === key && error.message.includes(key),
      );
    }
    assert.equal(loadConfig(anchorerConfigSchema, {}).tickInterval, 2_000);
  });
});
