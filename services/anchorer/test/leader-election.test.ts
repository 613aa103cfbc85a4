// Two anchorer replicas on one Lease (the in-memory Lease API test double; no API server runs
// here), on real parts otherwise: anvil with the anchor contract, PGlite, a file-log bus. Exactly
// one submits; when the leader is cut off from the API server it stops, and the other takes over
// within the lease time and anchors what comes next — each batch once.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openFileLogBus } from '@anchorpost/bus';
import type { FileLogBus } from '@anchorpost/bus';
import { AnchorState } from '@anchorpost/chains';
import type { EvmChainConfig } from '@anchorpost/chains';
import { allAnchors, sampleAnchorRequest, startEvmTestChain } from '@anchorpost/chains/testing';
import type { EvmTestChain } from '@anchorpost/chains/testing';
import { createDatabase, EMBEDDED_POOL_SIZE, migrate, startEmbeddedPostgres } from '@anchorpost/db';
import type { Database, EmbeddedPostgres } from '@anchorpost/db';
import { batchSealed } from '@anchorpost/events';
import { LeaderElector } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { MemoryLeaseServer } from '@anchorpost/leader-election/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorerConfigSchema } from '../src/anchorer-config.ts';
import { startAnchorerService } from '../src/anchorer-service.ts';
import { PostgresAnchorRequestStore } from '../src/postgres-anchor-request-store.ts';

const LEASE = { leaseDurationMs: 2_000, renewDeadlineMs: 1_200, retryPeriodMs: 100 } as const;

interface Replica {
  readonly name: string;
  readonly lines: string[];
  readonly store: ReturnType<MemoryLeaseServer['store']>;
  service: RunningService | undefined;
  /** Anchor transactions this replica signed and sent. */
  submitted(): number;
  leading(): boolean;
}

describe('anchorer replicas elect one writer on a Lease', () => {
  let chain: EvmTestChain;
  let server: EmbeddedPostgres;
  let database: Database;
  let busDir: string;
  let bus: FileLogBus;
  let evm: EvmChainConfig;
  let requests: PostgresAnchorRequestStore;
  const leases = new MemoryLeaseServer();
  const replicas: Replica[] = [];
  const config = loadConfig(anchorerConfigSchema, {
    ANCHORPOST_ANCHORER_PORT: '0',
    ANCHORPOST_ANCHORER_TICK_INTERVAL: '50ms',
    ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF: '400ms',
    ANCHORPOST_ANCHORER_MAX_CONSUME_BACKOFF: '200ms',
  });

  const replica = async (name: string): Promise<Replica> => {
    const lines: string[] = [];
    const store = leases.store('anchorpost-anchorer');
    let elector: LeaderElector | undefined;
    const election: ElectionFactory = (callbacks) =>
      (elector = new LeaderElector({ store, identity: name, ...LEASE, ...callbacks }));
    const r: Replica = {
      name,
      lines,
      store,
      service: undefined,
      submitted: () =>
        lines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((entry) => entry.msg === 'anchor request transition' && entry.to === 'SUBMITTED').length,
      leading: () => elector?.isLeader ?? false,
    };
    r.service = await startAnchorerService({
      config,
      bus,
      database,
      signer: chain.owner,
      evm,
      election,
      logger: createLogger('anchorer', {
        level: 'debug',
        destination: { write: (line: string) => lines.push(line) },
      }),
      handleSignals: false,
    });
    replicas.push(r);
    return r;
  };

  const publish = (sequence: number): Promise<unknown> => {
    const request = sampleAnchorRequest(sequence);
    return bus.publish(batchSealed.topic, [
      {
        key: 'test',
        value: batchSealed.encode({
          platform: 'test',
          sequence,
          batchCid: request.batchCid,
          previousCid: null,
          merkleRoot: request.root,
          count: 1,
          sealedAt: '2026-11-22T06:00:00.000Z',
          sealedOffsets: { '0': sequence },
        }),
      },
    ]);
  };

  const confirmed = async (sequence: number): Promise<void> => {
    for (let round = 0; round < 400; round++) {
      if ((await requests.get(`evm:${chain.anvil.chainId}`, sequence))?.state === AnchorState.Confirmed)
        return;
      if (round % 2 === 1) await chain.mine(1);
      await sleep(25);
    }
    assert.fail(`sequence ${sequence} was not confirmed`);
  };

  before(async () => {
    chain = await startEvmTestChain();
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    requests = new PostgresAnchorRequestStore(database.anchorRequests);
    busDir = await mkdtemp(join(tmpdir(), 'anchorpost-anchorer-ha-'));
    bus = await openFileLogBus({ dir: busDir });
    await bus.ensureTopic(batchSealed.topic, { partitions: 1 });
    evm = {
      rpcUrls: [chain.anvil.rpcUrl],
      chainId: chain.anvil.chainId,
      contractAddress: chain.contractAddress,
      deployBlock: chain.deployBlock,
      confirmations: 2,
      finalityDepth: 50,
      logPageBlocks: 50,
      replaceAfterMs: 3_600_000,
    };
  });

  after(async () => {
    for (const r of replicas) await r.service?.close();
    await bus.close();
    await database.close();
    await server.stop();
    await chain.close();
    await rm(busDir, { recursive: true, force: true });
  });

  it('lets exactly one replica submit, and hands over within the lease time when it is cut off', async () => {
    const a = await replica('anchorer-a');
    const deadline = Date.now() + 5_000;
    while (!a.leading() && Date.now() < deadline) await sleep(20);
    assert.ok(a.leading(), 'the first replica leads');
    const b = await replica('anchorer-b');
    for (const sequence of [0, 1, 2]) await publish(sequence);
    for (const sequence of [0, 1, 2]) await confirmed(sequence);
    assert.equal(a.submitted(), 3, 'the leader sent every anchor');
    assert.equal(b.submitted(), 0, 'the standby sent none');
    assert.ok(!b.leading());

    // The leader loses the API server (a partition, or a hung node): it must stop before the
    // standby may take over, and the standby must take over within the lease time.
    const cutAt = performance.now();
    a.store.cut = true;
    let aStopped: number | undefined;
    let bLeads: number | undefined;
    while (bLeads === undefined && performance.now() - cutAt < 10_000) {
      if (aStopped === undefined && !a.leading()) aStopped = performance.now();
      if (b.leading()) bLeads = performance.now();
      await sleep(10);
    }
    assert.ok(aStopped !== undefined && bLeads !== undefined, 'a stepped down and b took over');
    assert.ok(aStopped < bLeads, 'never two writers: a stopped before b started');
    const takeover = bLeads - cutAt;
    assert.ok(
      takeover <= LEASE.leaseDurationMs + 3 * LEASE.retryPeriodMs + 200,
      `takeover after ${Math.round(takeover)} ms`,
    );
    process.stdout.write(
      `anchorer takeover ${Math.round(takeover)} ms after the leader was cut off (lease ${LEASE.leaseDurationMs} ms)\n`,
    );

    await publish(3);
    await confirmed(3);
    assert.equal(a.submitted(), 3, 'the old leader sent nothing more');
    assert.equal(b.submitted(), 1, 'the new leader anchored the next batch');
    const anchors = await allAnchors(chain.open(requests));
    assert.deepEqual(anchors.map((x) => x.sequence).sort(), [0, 1, 2, 3], 'each batch anchored once');
  });
});
