// Two anchorer services (startAnchorerService, as main runs it) share one Lease through the
// in-memory Lease API test double — no API server runs here — on real parts otherwise: anvil with
// the anchor contract, PGlite, a file-log bus, one signing key (as two replicas of one
// Deployment share it). Each replica talks to anvil through its own counting JSON-RPC relay, so
// every eth_sendRawTransaction is attributed. Exactly one submits; a leader cut off from the API
// server stops before the standby starts; a killed leader (nothing released) is replaced within
// lease + retry; the pending batch is anchored, and no batch twice.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { LeaseElector } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { MemoryLeaseServer } from '@anchorpost/leader-election/testing';
import type { MemoryLeaseApi } from '@anchorpost/leader-election/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { anchorerConfigSchema } from '../src/anchorer-config.ts';
import { startAnchorerService } from '../src/anchorer-service.ts';
import { PostgresAnchorRequestStore } from '../src/postgres-anchor-request-store.ts';

const LEASE = { leaseDurationMs: 2_000, renewDeadlineMs: 1_500, retryPeriodMs: 250 } as const;
/** Timer slack allowed on a shared 2-core machine. */
const SLACK_MS = 150;

/** A JSON-RPC relay to anvil that counts the methods it forwards; `dead` drops every call. */
interface RpcRelay {
  readonly url: string;
  readonly sent: () => number;
  dead: boolean;
  close(): Promise<void>;
}

async function rpcRelay(target: string): Promise<RpcRelay> {
  let sent = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (relay.dead) {
        request.socket.destroy();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const calls = [JSON.parse(body) as { method: string } | { method: string }[]].flat();
      sent += calls.filter((call) => call.method === 'eth_sendRawTransaction').length;
      void fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (answer) => {
          response.writeHead(answer.status, { 'content-type': 'application/json' });
          response.end(await answer.text());
        })
        .catch(() => request.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay: RpcRelay = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent: () => sent,
    dead: false,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  return relay;
}

interface Replica {
  readonly name: string;
  readonly lease: MemoryLeaseApi;
  readonly rpc: RpcRelay;
  readonly service: RunningService;
  /** Its terms (performance.now()), as its elector reported them. */
  readonly terms: { started: number; stopped?: number }[];
  leading(): boolean;
  metric(): Promise<string>;
}

describe('two anchorer replicas on one Lease', () => {
  let chain: EvmTestChain;
  let server: EmbeddedPostgres;
  let database: Database;
  let busDir: string;
  let bus: FileLogBus;
  let requests: PostgresAnchorRequestStore;
  let nonceBefore: number;
  const leases = new MemoryLeaseServer();
  const replicas = new Map<string, Replica>();
  const config = loadConfig(anchorerConfigSchema, {
    ANCHORPOST_ANCHORER_PORT: '0',
    ANCHORPOST_ANCHORER_MANAGEMENT_PORT: '0',
    ANCHORPOST_ANCHORER_TICK_INTERVAL: '50ms',
    ANCHORPOST_ANCHORER_MAX_TICK_BACKOFF: '400ms',
    ANCHORPOST_ANCHORER_MAX_CONSUME_BACKOFF: '200ms',
  });

  const replica = async (name: string): Promise<Replica> => {
    const lease = leases.api('anchorpost-anchorer', 'anchorpost');
    const rpc = await rpcRelay(chain.anvil.rpcUrl);
    const terms: Replica['terms'] = [];
    let elector: LeaseElector | undefined;
    const election: ElectionFactory = (callbacks) =>
      (elector = new LeaseElector({
        api: lease,
        identity: name,
        ...LEASE,
        ...callbacks,
        onStartedLeading: (term) => {
          terms.push({ started: performance.now() });
          callbacks.onStartedLeading?.(term);
        },
        onStoppedLeading: () => {
          terms.at(-1)!.stopped = performance.now();
          return callbacks.onStoppedLeading?.();
        },
      }));
    const evm: EvmChainConfig = {
      rpcUrls: [rpc.url],
      chainId: chain.anvil.chainId,
      contractAddress: chain.contractAddress,
      deployBlock: chain.deployBlock,
      confirmations: 2,
      finalityDepth: 50,
      logPageBlocks: 50,
      replaceAfterMs: 3_600_000,
    };
    const service = await startAnchorerService({
      config,
      bus,
      database,
      signer: chain.owner,
      evm,
      election,
      logger: createLogger('anchorer', { level: 'warn', destination: { write: () => undefined } }),
      handleSignals: false,
    });
    const r: Replica = {
      name,
      lease,
      rpc,
      service,
      terms,
      leading: () => elector?.isLeader ?? false,
      metric: async () => {
        const text = await (await fetch(`${service.urls.management}/metrics`)).text();
        return /^anchorpost_anchorer_leader (\d)$/m.exec(text)?.[1] ?? 'missing';
      },
    };
    replicas.set(name, r);
    return r;
  };

  /** A crash: the process is gone — no renewal, no release, no RPC — without any goodbye. */
  const kill = async (r: Replica): Promise<void> => {
    r.rpc.dead = true;
    r.lease.cut = true;
    await r.service.close();
  };

  const publish = async (sequence: number): Promise<void> => {
    const request = sampleAnchorRequest(sequence);
    await bus.publish(batchSealed.topic, [
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

  const stateOf = async (sequence: number) =>
    (await requests.get(`evm:${chain.anvil.chainId}`, sequence))?.state;

  const confirmed = async (sequence: number): Promise<void> => {
    for (let round = 0; round < 600; round++) {
      if ((await stateOf(sequence)) === AnchorState.Confirmed) return;
      if (round % 2 === 1) await chain.mine(1);
      await sleep(25);
    }
    assert.fail(`sequence ${sequence} was not confirmed`);
  };

  const until = async (what: string, condition: () => boolean, ms = 10_000): Promise<number> => {
    const started = performance.now();
    while (!condition()) {
      if (performance.now() - started > ms) assert.fail(`not within ${ms} ms: ${what}`);
      await sleep(5);
    }
    return performance.now();
  };

  const nonce = async (): Promise<number> =>
    Number(await chain.call<string>('eth_getTransactionCount', [chain.owner.address, 'latest']));

  before(async () => {
    chain = await startEvmTestChain();
    server = await startEmbeddedPostgres();
    await migrate(server.databaseUrl);
    database = createDatabase({ databaseUrl: server.databaseUrl, poolSize: EMBEDDED_POOL_SIZE });
    requests = new PostgresAnchorRequestStore(database.anchorRequests);
    busDir = await mkdtemp(join(tmpdir(), 'anchorpost-anchorer-ha-'));
    bus = await openFileLogBus({ dir: busDir });
    await bus.ensureTopic(batchSealed.topic, { partitions: 1 });
    nonceBefore = await nonce();
  });

  after(async () => {
    for (const r of replicas.values()) {
      await r.service.close();
      await r.rpc.close();
    }
    await bus.close();
    await database.close();
    await server.stop();
    await chain.close();
    await rm(busDir, { recursive: true, force: true });
  });

  it('lets exactly one replica submit; the standby is ready and reports anchorpost_anchorer_leader 0', async () => {
    const a = await replica('anchorer-a');
    await until('a leads', () => a.leading());
    const b = await replica('anchorer-b');
    for (const sequence of [0, 1, 2]) await publish(sequence);
    for (const sequence of [0, 1, 2]) await confirmed(sequence);
    assert.equal(a.rpc.sent(), 3, 'the leader sent one transaction per batch');
    assert.equal(b.rpc.sent(), 0, 'the standby sent none');
    assert.ok(!b.leading() && b.terms.length === 0);
    assert.deepEqual([await a.metric(), await b.metric()], ['1', '0']);
    const ready = await fetch(`${b.service.urls.http}/readyz`);
    assert.equal(ready.status, 200, 'a standby is ready');
  });

  it('a leader cut off from the API server stops before the standby starts, which takes over within the lease', async () => {
    const a = replicas.get('anchorer-a')!;
    const b = replicas.get('anchorer-b')!;
    const cutAt = performance.now();
    a.lease.cut = true;
    await until('b leads', () => b.leading());
    const aStopped = a.terms[0]!.stopped;
    const bStarted = b.terms[0]!.started;
    assert.ok(aStopped !== undefined && aStopped < bStarted, 'never two leaders: a stopped before b started');
    assert.ok(
      aStopped - cutAt <= LEASE.renewDeadlineMs + SLACK_MS,
      `a stopped ${aStopped - cutAt} ms after the cut`,
    );
    assert.ok(bStarted - cutAt <= LEASE.leaseDurationMs + LEASE.retryPeriodMs + SLACK_MS);

    await publish(3);
    await confirmed(3);
    assert.equal(a.rpc.sent(), 3, 'the old leader sent nothing more');
    assert.equal(b.rpc.sent(), 1, 'the new leader anchored the next batch');
    // a is back in touch: it sees b's live lease and stays on standby.
    a.lease.cut = false;
    await sleep(LEASE.leaseDurationMs);
    assert.ok(!a.leading() && b.leading());
    assert.deepEqual([await a.metric(), await b.metric()], ['0', '1']);
  });

  it('a killed leader (nothing released) is replaced within lease + retry; the pending batches are anchored once', async () => {
    const a = replicas.get('anchorer-a')!;
    const b = replicas.get('anchorer-b')!;
    // b sends batch 4 and dies before it is confirmed; batch 5 is sealed while nobody leads.
    await publish(4);
    await until('b sent batch 4', () => b.rpc.sent() === 2);
    const killedAt = performance.now();
    await kill(b);
    await publish(5);
    const aLeads = await until('a takes over', () => a.terms.length === 2);
    const takeover = a.terms[1]!.started - killedAt;
    process.stdout.write(
      `anchorer takeover ${Math.round(takeover)} ms after the leader was killed ` +
        `(lease ${LEASE.leaseDurationMs} ms, retry ${LEASE.retryPeriodMs} ms)\n`,
    );
    assert.ok(
      takeover >= LEASE.leaseDurationMs - LEASE.retryPeriodMs - SLACK_MS,
      `not before the lease expired (${takeover} ms)`,
    );
    assert.ok(
      takeover <= LEASE.leaseDurationMs + LEASE.retryPeriodMs + SLACK_MS,
      `a took over ${Math.round(takeover)} ms after b was killed`,
    );
    assert.ok(aLeads > 0);
    await confirmed(4);
    await confirmed(5);
    assert.equal(a.rpc.sent(), 4, 'a sent batch 5 only (batch 4 was already on chain)');
    assert.equal(b.rpc.sent(), 2);
    const anchors = await allAnchors(chain.open(requests));
    assert.deepEqual(
      anchors.map((x) => x.sequence).sort((x, y) => x - y),
      [0, 1, 2, 3, 4, 5],
      'each batch anchored once',
    );
    assert.equal((await nonce()) - nonceBefore, 6, 'the shared key sent six transactions in all');
    assert.equal(leases.lease('anchorpost-anchorer', 'anchorpost')?.leaseTransitions, 2);
  });
});
