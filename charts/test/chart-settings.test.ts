/**
 * The chart's environment against the services' settings schemas, as data: every ANCHORPOST_*
 * variable a Deployment sets for itself is one its service reads; every one in the shared
 * ConfigMap is read by some service that mounts it; every variable a service cannot start
 * without is rendered for it. A renamed or misspelt variable fails here instead of being ignored
 * in a cluster.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorerSettings } from '@anchorpost/anchorer-service';
import { batcherSettings } from '@anchorpost/batcher-service';
import { parserSettings } from '@anchorpost/parser-service';
import { proofApiSettings } from '@anchorpost/proof-api-service';
import { relaySettings } from '@anchorpost/relay-service';
import { requiredVariables, settingsFields, type ServiceSettings } from '@anchorpost/runtime';
import { sponsorSettings } from '@anchorpost/sponsor-service';
import { updaterSettings } from '@anchorpost/updater-service';
import { missingTools, render } from './tools.ts';
import type { Rendered } from './tools.ts';

const SETTINGS: Readonly<Record<string, ServiceSettings>> = {
  relay: relaySettings,
  batcher: batcherSettings,
  anchorer: anchorerSettings,
  parser: parserSettings,
  'proof-api': proofApiSettings,
  sponsor: sponsorSettings,
  updater: updaterSettings,
};

/** The Deployments of each scenario: the sponsor and the updater run in the production-like one. */
const DEPLOYMENTS: Readonly<Record<string, number>> = {
  'minimal-values.yaml': 5,
  'production-values.yaml': 7,
  'operators-values.yaml': 5,
};

interface Container {
  env?: { name: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
}

interface Pod {
  component: string;
  /** The variables it sets itself (`env`). */
  own: string[];
  /** The variables of the ConfigMaps it mounts (`envFrom`), by ConfigMap. */
  shared: Map<string, string[]>;
}

function pods(docs: Rendered[]): Pod[] {
  const configMaps = new Map(
    docs
      .filter((d) => d.kind === 'ConfigMap')
      .map((d) => [d.metadata.name, Object.keys((d as unknown as { data?: object }).data ?? {})]),
  );
  return docs
    .filter((d) => d.kind === 'Deployment')
    .map((d) => {
      const container = (d.spec as { template: { spec: { containers: Container[] } } }).template.spec
        .containers[0]!;
      const shared = new Map<string, string[]>();
      for (const from of container.envFrom ?? []) {
        const name = from.configMapRef!.name;
        shared.set(name, configMaps.get(name) ?? []);
      }
      return {
        component: d.metadata.name.replace(/^anchorpost-/, ''),
        own: (container.env ?? []).map((e) => e.name),
        shared,
      };
    });
}

const ours = (name: string) => name.startsWith('ANCHORPOST_');

/** What the rendered environment sets that no service reading it knows, in words. */
function unknownVariables(rendered: readonly Pod[]): string[] {
  const problems: string[] = [];
  const readersOf = new Map<string, number>();
  for (const pod of rendered) {
    const settings = SETTINGS[pod.component];
    if (settings === undefined) {
      problems.push(`no settings for the component ${pod.component}`);
      continue;
    }
    const known = settingsFields(settings);
    for (const name of pod.own.filter(ours)) {
      if (!known.has(name)) problems.push(`${pod.component} is given ${name}, which it does not read`);
    }
    for (const [configMap, names] of pod.shared) {
      for (const name of names.filter(ours)) {
        const key = `the ConfigMap ${configMap} sets ${name}, which no service mounting it reads`;
        readersOf.set(key, (readersOf.get(key) ?? 0) + (known.has(name) ? 1 : 0));
      }
    }
  }
  return [...problems, ...[...readersOf].filter(([, readers]) => readers === 0).map(([key]) => key)];
}

describe('the chart renders only variables the services read, and all they require', () => {
  const skip = missingTools();

  for (const scenario of ['minimal-values.yaml', 'production-values.yaml', 'operators-values.yaml']) {
    it(
      `${scenario}: every ANCHORPOST_* variable is a setting of the service(s) that get it`,
      { skip },
      async () => {
        const rendered = pods(await render([scenario]));
        assert.equal(rendered.length, DEPLOYMENTS[scenario]);
        assert.deepEqual(unknownVariables(rendered), []);
      },
    );
  }

  it('a misspelt extra variable is caught, not ignored', { skip }, async () => {
    const rendered = pods(
      await render(['production-values.yaml'], ['relay.extraEnv.ANCHORPOST_RELAY_SSE_HEARTBAET=5s']),
    );
    assert.deepEqual(unknownVariables(rendered), [
      'relay is given ANCHORPOST_RELAY_SSE_HEARTBAET, which it does not read',
    ]);
  });

  it('production-values.yaml: every variable a service requires is rendered for it', { skip }, async () => {
    for (const pod of pods(await render(['production-values.yaml']))) {
      const given = new Set([...pod.own, ...[...pod.shared.values()].flat()]);
      for (const variable of requiredVariables(SETTINGS[pod.component]!)) {
        assert.ok(given.has(variable), `${pod.component} requires ${variable}, which the chart does not set`);
      }
    }
  });
});
