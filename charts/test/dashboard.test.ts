/**
 * The Grafana dashboard beyond its metric names (metrics-names.test.ts): every label its PromQL
 * selects or groups by is one the metric is registered with in the services' code, so a renamed or
 * dropped label cannot blank a panel silently; and it stays a dashboard Grafana imports anywhere —
 * the Prometheus data source a variable, panels on a grid without overlaps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO, sources, withMetricNames } from './tools.ts';

interface Target {
  expr: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  templating: { list: { name: string; type: string; query?: unknown; definition?: string }[] };
  panels: Panel[];
}

const DASHBOARD = JSON.parse(
  readFileSync(join(REPO, 'charts/anchorpost/files/dashboards/anchorpost.json'), 'utf8'),
) as Dashboard;

/** The labels Prometheus adds to every scraped series, and the histogram's own `le`. */
const SCRAPE_LABELS = new Set([
  'le',
  'instance',
  'job',
  'namespace',
  'pod',
  'service',
  'container',
  'endpoint',
]);

const SERVICES: Record<string, string> = {
  relay: 'services/relay',
  batcher: 'services/batcher',
  anchorer: 'services/anchorer',
  parser: 'services/parser',
  proof_api: 'services/proof-api',
  sponsor: 'services/sponsor',
};
const SHARED =
  sources(join(REPO, 'packages/service-kit/src')) + sources(join(REPO, 'packages/leader-election/src'));

/**
 * Every `anchorpost_<service>_<what>` the code registers, with its label names: from
 * `metrics.counter|gauge|histogram('what', 'help', "help" or `help`, ['label', …])` (no list: no labels).
 */
function registeredMetrics(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const call =
    /\.(counter|gauge|histogram)\(\s*'([a-z_]+)',\s*(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|`[^`]*`)\s*(?:,\s*\[([^\]]*)\])?/g;
  for (const [service, dir] of Object.entries(SERVICES)) {
    for (const match of withMetricNames(sources(join(REPO, dir, 'src')) + SHARED).matchAll(call)) {
      const labels = [...(match[3] ?? '').matchAll(/'([a-z_]+)'/g)].map((l) => l[1]!);
      out.set(`anchorpost_${service}_${match[2]!}`, new Set(labels));
    }
  }
  return out;
}

/** The registered metric a PromQL name refers to (histogram and counter series included). */
function baseName(name: string, known: Map<string, Set<string>>): string | undefined {
  for (const candidate of [name, name.replace(/_(bucket|count|sum)$/, '')]) {
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

describe('the Grafana dashboard', () => {
  const known = registeredMetrics();

  it('reads the registrations of the code (the parser labels its series by chain)', () => {
    assert.deepEqual([...known.get('anchorpost_parser_head_lag_blocks')!], ['chain']);
    assert.deepEqual([...known.get('anchorpost_anchorer_open_requests')!], ['chain', 'state']);
    assert.deepEqual(
      [...known.get('anchorpost_proof_api_http_request_duration_seconds')!],
      ['method', 'route', 'status'],
    );
    assert.deepEqual([...known.get('anchorpost_batcher_backlog_records')!], []);
    // The sponsor's and the treasury's, whose help texts are in double quotes too.
    assert.deepEqual([...known.get('anchorpost_sponsor_treasury_account_balance')!], ['account']);
    assert.deepEqual([...known.get('anchorpost_sponsor_treasury_account_minimum')!], ['account']);
    assert.deepEqual([...known.get('anchorpost_sponsor_tenant_budget_used_ratio')!], ['tenant', 'budget']);
    assert.deepEqual([...known.get('anchorpost_sponsor_accept_duration_seconds')!], ['outcome']);
  });

  it('selects and groups only by labels the metrics have', () => {
    let checked = 0;
    for (const panel of DASHBOARD.panels) {
      for (const { expr } of panel.targets) {
        const metrics = new Set<string>();
        // Selectors: metric{label op "value", …} — each label must be the metric's own.
        for (const [, name, selector] of expr.matchAll(/(anchorpost_[a-z_]+)(?:\{([^}]*)\})?/g)) {
          const base = baseName(name!, known);
          assert.ok(base !== undefined, `${panel.title}: ${name!} is not registered`);
          metrics.add(base);
          for (const [, label] of (selector ?? '').matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) {
            assert.ok(known.get(base)!.has(label!), `${panel.title}: ${base} has no label ${label!}`);
            checked++;
          }
        }
        // Grouping: by (…) may only name labels of the metrics in the expression.
        const labels = new Set([...metrics].flatMap((m) => [...known.get(m)!]));
        for (const [, list] of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
          for (const label of list!.split(',').map((l) => l.trim())) {
            assert.ok(
              labels.has(label) || SCRAPE_LABELS.has(label),
              `${panel.title}: grouped by ${label}, which ${[...metrics].join(', ')} do not have`,
            );
            checked++;
          }
        }
      }
    }
    assert.ok(checked >= 30, `${checked} label uses checked`);
  });

  it('would catch a label the metric does not have', () => {
    const base = baseName('anchorpost_parser_cursor_block', known)!;
    assert.equal(known.get(base)!.has('chain'), true);
    assert.equal(known.get(base)!.has('network'), false);
    assert.equal(
      baseName('anchorpost_batcher_seal_duration_seconds_bucket', known),
      'anchorpost_batcher_seal_duration_seconds',
    );
  });

  it('takes its data source and chains from variables, and lays its panels out without overlap', () => {
    const variables = new Map(DASHBOARD.templating.list.map((v) => [v.name, v]));
    assert.equal(variables.get('datasource')?.type, 'datasource');
    const chain = variables.get('chain');
    assert.match(chain?.definition ?? '', /^label_values\((anchorpost_[a-z_]+), chain\)$/);
    assert.ok(known.get(/label_values\(([a-z_]+)/.exec(chain!.definition!)![1]!)?.has('chain'));

    const cells = new Set<string>();
    const ids = new Set<number>();
    for (const panel of DASHBOARD.panels) {
      assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title}: data source`);
      for (const target of panel.targets) assert.equal(target.datasource?.uid, '${datasource}', panel.title);
      assert.ok(!ids.has(panel.id), `${panel.title}: id ${panel.id} taken`);
      ids.add(panel.id);
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24, `${panel.title}: inside the 24 columns`);
      for (let row = y; row < y + h; row++) {
        for (let col = x; col < x + w; col++) {
          assert.ok(!cells.has(`${row}:${col}`), `${panel.title} overlaps another panel`);
          cells.add(`${row}:${col}`);
        }
      }
    }
    assert.ok(DASHBOARD.panels.length >= 20);
  });

  it("shows the sponsor's and the treasury's metrics (issue 17's dashboard panels)", () => {
    const used = new Set(
      DASHBOARD.panels.flatMap((panel) =>
        panel.targets.flatMap(({ expr }) =>
          [...expr.matchAll(/anchorpost_sponsor_[a-z_]+/g)].map((m) => m[0]),
        ),
      ),
    );
    for (const metric of [
      'sponsorships_total', // sponsorships by outcome
      'sponsorships_open', // by state
      'tenant_budget_used_ratio', // budget used per tenant
      'accept_duration_seconds_bucket', // reservation latency
      'treasury_account_balance', // balances …
      'treasury_account_minimum', // … against the minimum
      'treasury_refills_total',
      'treasury_refill_failures_total',
      'ledger_mismatches', // reconciliation mismatches
    ]) {
      assert.ok(used.has(`anchorpost_sponsor_${metric}`), `no panel shows anchorpost_sponsor_${metric}`);
    }
  });
});
