/**
 * The dashboard and the alerts may only use metrics the services really export: every
 * `anchorpost_<service>_<what>` in their PromQL must be registered by that service's code (or by
 * service-kit for every service), so neither can drift from the code silently.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { missingTools, render, REPO, sources, withMetricNames } from './tools.ts';

const SERVICES: Record<string, string> = {
  relay: 'services/relay',
  batcher: 'services/batcher',
  anchorer: 'services/anchorer',
  parser: 'services/parser',
  proof_api: 'services/proof-api',
  sponsor: 'services/sponsor',
  updater: 'services/updater',
};

// Registered for every service by the shared packages (service-kit: HTTP; leader-election: leader).
const shared =
  sources(join(REPO, 'packages/service-kit/src')) + sources(join(REPO, 'packages/leader-election/src'));
const code = Object.fromEntries(
  Object.entries(SERVICES).map(([s, dir]) => [s, withMetricNames(sources(join(REPO, dir, 'src')) + shared)]),
);

/** The metrics a PromQL text names, as [service, what]. */
function metricsIn(promql: string): [string, string][] {
  const out: [string, string][] = [];
  for (const [name] of promql.matchAll(/anchorpost_[a-z_]+/g)) {
    const service = Object.keys(SERVICES).find((s) => name.startsWith(`anchorpost_${s}_`));
    assert.ok(service !== undefined, `${name}: no such service`);
    const what = name
      .slice(`anchorpost_${service}_`.length)
      .replace(/_(bucket|count|sum)$/, '')
      .replace(/_total$/, '_total');
    out.push([service, what]);
  }
  return out;
}

function registered(service: string, what: string): boolean {
  // Registered as metrics.counter('what' …), gauge('what' …) or histogram('what' …), on one line or the next.
  return new RegExp(`(counter|gauge|histogram)\\(\\s*'${what}'`).test(code[service]!);
}

describe('metric names in the dashboard and the alerts', () => {
  it('every metric of the Grafana dashboard exists in its service', () => {
    const dashboard = JSON.parse(
      readFileSync(join(REPO, 'charts/anchorpost/files/dashboards/anchorpost.json'), 'utf8'),
    ) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    let checked = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        for (const [service, what] of metricsIn(target.expr)) {
          assert.ok(
            registered(service, what),
            `${panel.title}: anchorpost_${service}_${what} is not exported`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked >= 15, `${checked} metric uses checked`);
  });

  it('every metric of the PrometheusRule exists in its service', { skip: missingTools() }, async () => {
    const docs = await render(['production-values.yaml']);
    const rule = docs.find((d) => d.kind === 'PrometheusRule');
    assert.ok(rule !== undefined);
    const alerts = (rule.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap(
      (g) => g.rules,
    );
    assert.deepEqual(alerts.map((a) => a.alert).sort(), [
      'AnchorpostAnchorLag',
      'AnchorpostBatchBacklog',
      'AnchorpostConsumerLag',
      'AnchorpostParserBehind',
      'AnchorpostProofApiErrors',
      'AnchorpostSponsorLedgerMismatch',
      'AnchorpostSponsorLedgerSendFailing',
      'AnchorpostSponsorTreasuryBalanceLow',
      'AnchorpostSponsorTreasuryCapReached',
      'AnchorpostSponsorTreasuryRefillFailing',
      'AnchorpostUpdaterDeployStuck',
      'AnchorpostUpdaterVerdictRefused',
      'AnchorpostWalletBalanceLow',
    ]);
    for (const alert of alerts) {
      for (const [service, what] of metricsIn(alert.expr)) {
        assert.ok(registered(service, what), `${alert.alert}: anchorpost_${service}_${what} is not exported`);
      }
    }
  });

  it(
    "the updater's alerts select deploy-log records by steps and outcomes the updater writes",
    {
      skip: missingTools(),
    },
    async () => {
      const rule = (await render(['production-values.yaml'])).find((d) => d.kind === 'PrometheusRule');
      const alerts = (rule!.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups
        .flatMap((g) => g.rules)
        .filter((a) => a.alert.startsWith('AnchorpostUpdater'));
      const deployLog = readFileSync(join(REPO, 'packages/updater-core/src/deploy-log.ts'), 'utf8');
      const union = (type: string) =>
        new Set(
          [
            .../type \w+ =([^;]*);/
              .exec(deployLog.slice(deployLog.indexOf(`type ${type} =`)))![1]!
              .matchAll(/'(\w+)'/g),
          ].map((m) => m[1]),
        );
      const allowed = { step: union('DeployStep'), outcome: union('DeployOutcome') };
      assert.ok(allowed.step.has('verdict') && allowed.outcome.has('mismatch'));
      let checked = 0;
      for (const alert of alerts) {
        for (const [, label, values] of alert.expr.matchAll(/\b(step|outcome)=~?"([^"]+)"/g)) {
          for (const value of values!.split('|')) {
            assert.ok(
              allowed[label as 'step' | 'outcome'].has(value),
              `${alert.alert}: ${label} ${value} is never written`,
            );
            checked++;
          }
        }
      }
      assert.ok(alerts.length === 2 && checked >= 4, `${alerts.length} alerts, ${checked} label values`);
    },
  );

  it('would catch a metric that does not exist', () => {
    assert.equal(registered('anchorer', 'no_such_metric_total'), false);
    assert.equal(registered('anchorer', 'wallet_balance'), true);
  });
});
