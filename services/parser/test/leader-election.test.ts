// Only the elected parser replica indexes: two parser services on one Lease (the in-memory Lease
// API test double) over anvil, Helia and PGlite. The standby is ready, reports
// anchorpost_parser_leader 0 and writes nothing; when the leader stops (releasing the lease) the
// standby takes over and indexes what came since.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { LeaseElector } from '@anchorpost/leader-election';
import type { ElectionFactory } from '@anchorpost/leader-election';
import { MemoryLeaseServer } from '@anchorpost/leader-election/testing';
import { createLogger, loadConfig } from '@anchorpost/service-kit';
import type { RunningService } from '@anchorpost/service-kit';
import { parserConfigSchema } from '../src/parser-config.ts';
import { startParserService } from '../src/parser-service.ts';
import { eventually, startWorld } from './environment.ts';
import type { World } from './environment.ts';

const TRUSTED_DEPTH = 2;
const LEASE = { leaseDurationMs: 1_000, renewDeadlineMs: 600, retryPeriodMs: 100 } as const;
const config = loadConfig(parserConfigSchema, {
  ANCHORPOST_PARSER_TRUSTED_DEPTH: String(TRUSTED_DEPTH),
  ANCHORPOST_PARSER_POLL_INTERVAL: '50ms',
});

describe('parser replicas elect one indexer', { timeout: 120_000 }, () => {
  let world: World;
  const leases = new MemoryLeaseServer();
  const services: RunningService[] = [];

  const replica = async (name: string) => {
    let elector: LeaseElector | undefined;
    const election: ElectionFactory = (callbacks) =>
      (elector = new LeaseElector({
        api: leases.api('anchorpost-parser'),
        identity: name,
        ...LEASE,
        ...callbacks,
      }));
    const service = await startParserService({
      config,
      database: world.database,
      store: world.store,
      evm: world.evm,
      election,
      logger: createLogger('parser', { destination: { write: () => undefined } }),
      port: 0,
      managementPort: 0,
      handleSignals: false,
    });
    services.push(service);
    const metrics = async () => (await fetch(`${service.urls.management!}/metrics`)).text();
    return { service, leading: () => elector?.isLeader ?? false, metrics };
  };

  before(async () => {
    world = await startWorld();
  });
  after(async () => {
    for (const service of services) await service.close();
    await world.close();
  });

  it('indexes on the leader only, and on the standby once the leader has gone', async () => {
    const a = await replica('parser-a');
    await eventually(() => Promise.resolve(a.leading()));
    const b = await replica('parser-b');
    const first = await world.sealAndAnchor(await world.sendTxFiles(2));
    await world.mine(TRUSTED_DEPTH);
    await eventually(async () => (await world.database.index.getBatch(first.cid)) !== null);
    assert.match(await a.metrics(), /^anchorpost_parser_leader 1$/m);
    const standby = await b.metrics();
    assert.match(standby, /^anchorpost_parser_leader 0$/m);
    assert.match(
      standby,
      /^anchorpost_parser_batches_indexed_total\{chain="evm:\d+"\} 0$/m,
      'the standby indexed nothing',
    );
    assert.equal((await fetch(`${b.service.urls.http!}/readyz`)).status, 200, 'a standby is ready');

    await a.service.close();
    await eventually(() => Promise.resolve(b.leading()), 5_000);
    const second = await world.sealAndAnchor(await world.sendTxFiles(2));
    await world.mine(TRUSTED_DEPTH);
    await eventually(async () => (await world.database.index.getBatch(second.cid)) !== null);
    await sleep(100);
    const leader = await b.metrics();
    assert.match(leader, /^anchorpost_parser_leader 1$/m);
    assert.match(
      leader,
      /^anchorpost_parser_batches_indexed_total\{chain="evm:\d+"\} 1$/m,
      'b indexed the batch that came after',
    );
  });
});
