/**
 * The PrometheusRule's alerts evaluated by Prometheus's own rule engine (`promtool test rules`) on
 * series shaped like what the services export: the rules as the chart renders them, the series as
 * the code names and labels them (metrics-names.test.ts checks the names exist). An alert that
 * would never fire, or fire on a healthy system, fails here.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { BIN, missingTools, render } from './tools.ts';

const run = promisify(execFile);

interface Rule {
  alert: string;
  expr: string;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}
interface Group {
  name: string;
  rules: Rule[];
}

function skip(): string | undefined {
  const missing = missingTools();
  if (missing !== undefined) return missing;
  if (existsSync(join(BIN, 'promtool'))) return undefined;
  const why = 'promtool is not installed (scripts/install-k8s-tools.sh)';
  if (process.env.ANCHORPOST_REQUIRE_K8S_TOOLS === '1') throw new Error(why);
  return why;
}

describe('the alert rules under promtool', { skip: skip() }, () => {
  let dir: string;
  let groups: Group[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'anchorpost-alert-rules-'));
    const rule = (await render(['production-values.yaml'])).find((d) => d.kind === 'PrometheusRule');
    groups = (rule!.spec as { groups: Group[] }).groups;
    await writeFile(join(dir, 'rules.yaml'), stringify({ groups }));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** The alert's annotations as Prometheus expands them for these labels. */
  function annotationsFor(alert: string, labels: Record<string, string>): Record<string, string> {
    const rule = groups.flatMap((g) => g.rules).find((r) => r.alert === alert);
    assert.ok(rule !== undefined, `${alert} is in the PrometheusRule`);
    return Object.fromEntries(
      Object.entries(rule.annotations).map(([key, text]) => [
        key,
        text.replace(/\{\{ \$labels\.(\w+) \}\}/g, (_, label: string) => labels[label] ?? ''),
      ]),
    );
  }

  async function promtool(tests: unknown[]): Promise<void> {
    const file = join(dir, 'tests.yaml');
    await writeFile(file, stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }));
    try {
      await run(join(BIN, 'promtool'), ['test', 'rules', file], { cwd: dir });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      assert.fail(`promtool test rules failed:\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }

  it('raises AnchorpostSponsorTreasuryBalanceLow for an account no refill lifts above its minimum, and only then', async () => {
    const alertname = 'AnchorpostSponsorTreasuryBalanceLow';
    const series = (metric: string, account: string, values: string) => ({
      series: `anchorpost_sponsor_treasury_${metric}{account="${account}",pod="sponsor-0"}`,
      values,
    });
    const fires = (account: string) => {
      const labels = { account, severity: 'critical' };
      return { exp_labels: labels, exp_annotations: annotationsFor(alertname, labels) };
    };
    await promtool([
      {
        interval: '1m',
        input_series: [
          // The anchorer's Ergo float: 0.4 ERG under a 1 ERG minimum, the whole time (the treasury's wallet is empty).
          series('account_balance', 'anchorer:ergo', '0.4x30'),
          series('account_minimum', 'anchorer:ergo', '1x30'),
          // A sponsor account spent below its minimum, refilled to 120 % two minutes later: no alert.
          series('account_balance', 'sponsor:shared', '0.6 0.6 2.4x28'),
          series('account_minimum', 'sponsor:shared', '2x30'),
          // Funded all along.
          series('account_balance', 'anchorer', '5x30'),
          series('account_minimum', 'anchorer', '0.5x30'),
        ],
        alert_rule_test: [
          // Below for less than the rule's 10 minutes: pending, not firing yet.
          { eval_time: '5m', alertname, exp_alerts: [] },
          { eval_time: '11m', alertname, exp_alerts: [fires('anchorer:ergo')] },
          { eval_time: '25m', alertname, exp_alerts: [fires('anchorer:ergo')] },
        ],
      },
      {
        interval: '1m',
        input_series: [
          // Refilled at minute 12, after the alert fired: it resolves.
          series('account_balance', 'sponsor:acme', '0.1x11 2.4x18'),
          series('account_minimum', 'sponsor:acme', '2x30'),
        ],
        alert_rule_test: [
          { eval_time: '11m', alertname, exp_alerts: [fires('sponsor:acme')] },
          { eval_time: '13m', alertname, exp_alerts: [] },
        ],
      },
    ]);
  });

  it('would catch an alert that does not fire (promtool compares what fires)', async () => {
    await assert.rejects(
      promtool([
        {
          interval: '1m',
          input_series: [
            {
              series: 'anchorpost_sponsor_treasury_account_balance{account="anchorer"}',
              values: '5x20',
            },
            {
              series: 'anchorpost_sponsor_treasury_account_minimum{account="anchorer"}',
              values: '1x20',
            },
          ],
          alert_rule_test: [
            {
              eval_time: '15m',
              alertname: 'AnchorpostSponsorTreasuryBalanceLow',
              exp_alerts: [{ exp_labels: { account: 'anchorer', severity: 'critical' } }],
            },
          ],
        },
      ]),
      /promtool test rules failed/,
    );
  });
});
