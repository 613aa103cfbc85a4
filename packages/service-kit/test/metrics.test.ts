/** ServiceMetrics registers only the names of the service's metric table (and its own). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SERVICE_KIT_METRICS, ServiceMetrics } from '../src/metrics.ts';

const TABLE = { jobsTotal: 'jobs_total', queueDepth: 'queue_depth' } as const;

describe('ServiceMetrics and its metric table', () => {
  it('registers the names of the table, and the HTTP histogram of every service', async () => {
    const metrics = new ServiceMetrics('worker', TABLE);
    metrics.counter(TABLE.jobsTotal, 'jobs done').inc();
    metrics.gauge(TABLE.queueDepth, 'jobs waiting').set(3);
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    assert.ok(names.includes('anchorpost_worker_jobs_total'));
    assert.ok(names.includes('anchorpost_worker_queue_depth'));
    assert.ok(names.includes(`anchorpost_worker_${SERVICE_KIT_METRICS.httpRequestDuration}`));
  });

  it('refuses to register a name the table does not list, of any kind', () => {
    const metrics = new ServiceMetrics('worker', TABLE);
    const undeclared = /metric 'jobs_failed_total' is not in the worker metric table/;
    assert.throws(() => metrics.counter('jobs_failed_total', 'not declared'), undeclared);
    assert.throws(() => metrics.gauge('jobs_failed_total', 'not declared'), undeclared);
    assert.throws(() => metrics.histogram('jobs_failed_total', 'not declared', [], [1]), undeclared);
    assert.throws(() => new ServiceMetrics('worker').counter(TABLE.jobsTotal, 'no table given'));
  });
});
