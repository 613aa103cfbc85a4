/**
 * What the chart hands the services must be what the services accept: for each Deployment of the
 * production-like scenario, the environment its pod gets (the ConfigMap through envFrom, its own
 * `env`; secrets stand in as placeholders) is read with the services' own config loaders — the
 * ones that make a pod exit 2 at start on a bad value. A renamed variable or a number Helm prints
 * as 1.048576e+06 fails here, not in a cluster.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { anchorerConfigSchema } from '@anchorpost/anchorer-service';
import { batcherConfigSchema } from '@anchorpost/batcher-service';
import { kafkaBusOptionsFromEnv } from '@anchorpost/bus';
import { ergoChainConfigFromEnv, evmChainConfigFromEnv } from '@anchorpost/chains';
import { electionConfigFromEnv } from '@anchorpost/leader-election';
import { parserConfigSchema } from '@anchorpost/parser-service';
import { proofApiConfigSchema, publishedTrustRoots } from '@anchorpost/proof-api-service';
import { relayConfigSchema } from '@anchorpost/relay-service';
import { evmRpcConfigFromEnv } from '@anchorpost/runtime';
import { loadConfig } from '@anchorpost/service-kit';
import { sponsorConfigSchema } from '@anchorpost/sponsor-service';
import { updaterConfigSchema } from '@anchorpost/updater-service';
import { missingTools, render } from './tools.ts';
import type { Rendered } from './tools.ts';

type Env = Record<string, string>;

interface Container {
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string } }[];
}

/** The environment of each Deployment's container, by component. */
function environments(docs: Rendered[]): Map<string, Env> {
  const configMaps = new Map(
    docs
      .filter((d) => d.kind === 'ConfigMap')
      .map((d) => [d.metadata.name, (d as unknown as { data: Env }).data]),
  );
  const out = new Map<string, Env>();
  for (const d of docs.filter((x) => x.kind === 'Deployment')) {
    const container = (d.spec as { template: { spec: { containers: Container[] } } }).template.spec
      .containers[0]!;
    const env: Env = {};
    for (const from of container.envFrom ?? []) Object.assign(env, configMaps.get(from.configMapRef!.name));
    for (const e of container.env ?? []) {
      // Secrets are not in the manifests: a well-formed stand-in.
      env[e.name] =
        e.value ??
        (e.name.endsWith('DATABASE_URL') ? 'postgresql://user:secret@postgres:5432/anchorpost' : 'secret');
    }
    const component = d.metadata.name.replace(/^anchorpost-/, '');
    out.set(component, env);
  }
  return out;
}

describe('the chart configures the services with settings they accept', () => {
  const skip = missingTools();
  let envs: Map<string, Env>;
  before(async () => {
    if (skip === undefined) envs = environments(await render(['production-values.yaml']));
  });

  it('renders an environment for each of the seven services', { skip }, () => {
    assert.deepEqual([...envs.keys()].sort(), [
      'anchorer',
      'batcher',
      'parser',
      'proof-api',
      'relay',
      'sponsor',
      'updater',
    ]);
  });

  it('relay, batcher, proof API: their own settings and Kafka', { skip }, () => {
    const relay = loadConfig(relayConfigSchema, envs.get('relay'));
    assert.equal(relay.host, '0.0.0.0');
    assert.equal(relay.ergoNodeUrl, 'http://ergo-node:9053');
    assert.equal(relay.ergoNetwork, envs.get('anchorer')?.ANCHORPOST_ERGO_NETWORK);
    assert.equal(relay.trustedblockMaxAge, 360);
    loadConfig(batcherConfigSchema, envs.get('batcher'));
    loadConfig(proofApiConfigSchema, envs.get('proof-api'));
    for (const service of ['relay', 'batcher', 'anchorer']) kafkaBusOptionsFromEnv(envs.get(service));
  });

  it('anchorer and parser: settings, the EVM chain, Ergo, and the Lease election', { skip }, () => {
    for (const [service, schema] of [
      ['anchorer', anchorerConfigSchema],
      ['parser', parserConfigSchema],
    ] as const) {
      const env = envs.get(service)!;
      loadConfig(schema, env);
      evmChainConfigFromEnv(env);
      assert.equal(ergoChainConfigFromEnv(env).network, 'mainnet');
      const election = electionConfigFromEnv(
        { ...env, POD_NAMESPACE: 'anchorpost', POD_NAME: `${service}-0` },
        service,
      );
      assert.equal(election.mode, 'kubernetes');
      assert.equal(election.leaseName, `anchorpost-${service}`);
    }
  });

  it(
    'proof API: the settings its published trust roots come from (contract, submitters, Ergo marker and mint)',
    { skip },
    () => {
      const env = envs.get('proof-api')!;
      const published = publishedTrustRoots(loadConfig(proofApiConfigSchema, env), {
        evmChainId: Number(env.ANCHORPOST_EVM_CHAIN_ID),
        ergoNetwork: 'mainnet',
      });
      assert.ok('trustRoots' in published, JSON.stringify(published));
      assert.equal(published.trustRoots.evm[0]?.submitters.length, 1);
      assert.equal(published.trustRoots.ergo.length, 1);
    },
  );

  it(
    'sponsor and updater: their own settings, the chain RPC, their key files and the Lease election',
    { skip },
    () => {
      const sponsor = loadConfig(sponsorConfigSchema, envs.get('sponsor'));
      assert.equal(sponsor.host, '0.0.0.0');
      assert.equal(sponsor.managementHost, '0.0.0.0');
      assert.equal(sponsor.keyFile, '/etc/anchorpost/secrets/sponsor-key');
      assert.equal(sponsor.treasuryKeyFile, '/etc/anchorpost/secrets/sponsor-treasury-key');
      assert.equal(sponsor.policyFile, '/etc/anchorpost/sponsor/policy.json');
      const updater = loadConfig(updaterConfigSchema, envs.get('updater'));
      assert.equal(updater.host, '0.0.0.0');
      assert.equal(updater.managementHost, '0.0.0.0');
      assert.deepEqual(updater.trustedKeyFiles, ['/etc/anchorpost/trusted-keys/release.pem']);
      assert.equal(updater.gitWorkDir, '/var/lib/anchorpost/gitops');
      assert.equal(updater.signingKeyFile, '/etc/anchorpost/secrets/updater-signing-key');
      assert.equal(updater.argoCdTokenFile, '/etc/anchorpost/secrets/updater-argocd-token');
      assert.equal(updater.trustedDepth, 12);
      for (const service of ['sponsor', 'updater']) {
        const env = envs.get(service)!;
        evmRpcConfigFromEnv(env);
        const election = electionConfigFromEnv(
          { ...env, POD_NAMESPACE: 'anchorpost', POD_NAME: `${service}-0` },
          service,
        );
        assert.equal(election.mode, 'kubernetes');
        assert.equal(election.leaseName, `anchorpost-${service}`);
      }
    },
  );
});
