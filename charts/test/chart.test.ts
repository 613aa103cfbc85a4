/**
 * The chart, checked as CI checks it (helm lint, ct lint, kubeconform -strict against local
 * schemas, README current), and the properties every install must have: bad values refused by
 * values.schema.json; the hardened securityContext on every container; probes and resources on
 * every Deployment; a config change that really rolls the pods.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { missingTools, render, renderFails, runScript } from './tools.ts';
import type { Rendered } from './tools.ts';

const SCENARIOS = ['minimal-values.yaml', 'production-values.yaml', 'operators-values.yaml'];

interface Container {
  name: string;
  securityContext?: Record<string, unknown>;
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}
interface PodSpec {
  securityContext?: Record<string, unknown>;
  containers: Container[];
  initContainers?: Container[];
}

function podSpec(doc: Rendered): PodSpec | undefined {
  const spec = doc.spec as
    { template?: { spec?: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } } | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec.template.spec;
}

describe('charts/anchorpost', () => {
  const skip = missingTools();
  const manifests = new Map<string, Rendered[]>();
  before(async () => {
    if (skip !== undefined) return;
    for (const scenario of SCENARIOS) manifests.set(scenario, await render([scenario]));
  });

  it(
    'passes helm lint, ct lint and kubeconform -strict in every ci/ scenario, with a current README',
    { skip },
    async () => {
      const { stdout } = await runScript('scripts/check-charts.sh');
      for (const line of stdout.split('\n').filter((l) => l.startsWith('Summary:'))) {
        assert.match(line, /Invalid: 0, Errors: 0, Skipped: 0/, line);
      }
      assert.equal(stdout.match(/^Summary:/gm)?.length, SCENARIOS.length);
      assert.match(stdout, /check-charts: ok/);
    },
  );

  it(
    'never routes or exposes the relay admin API: no Ingress path, no Service port, loopback only',
    { skip },
    () => {
      for (const [scenario, docs] of manifests) {
        for (const ingress of docs.filter((doc) => doc.kind === 'Ingress')) {
          const rules = (
            ingress.spec as {
              rules: {
                http: { paths: { backend: { service: { port: { name?: string; number?: number } } } }[] };
              }[];
            }
          ).rules;
          for (const path of rules.flatMap((rule) => rule.http.paths)) {
            const { port } = path.backend.service;
            assert.ok(
              port.name === 'http' || port.name === 'grpc',
              `${scenario}: Ingress routes port ${JSON.stringify(port)}`,
            );
          }
        }
        for (const service of docs.filter((doc) => doc.kind === 'Service')) {
          const ports = (service.spec as { ports?: { port: number; name?: string }[] }).ports ?? [];
          assert.ok(
            !ports.some((port) => port.port === 7412 || port.name === 'admin'),
            `${scenario}: ${service.metadata.name}`,
          );
        }
        // The admin host is never set: the admin API stays on the pod's loopback interface.
        assert.ok(!JSON.stringify(docs).includes('ANCHORPOST_RELAY_ADMIN_HOST'), scenario);
      }
    },
  );

  it(
    'refuses bad values at install: a wrong type, an unknown key, a negative replica count',
    { skip },
    async () => {
      assert.match(
        await renderFails(['relay.replicaCount=two']),
        /\/relay\/replicaCount': got string, want integer/,
      );
      assert.match(
        await renderFails(['relay.replicas=3']),
        /\/relay': additional properties 'replicas' not allowed/,
      );
      assert.match(
        await renderFails(['anchorer.replicaCount=-1']),
        /\/anchorer\/replicaCount': minimum: got -1, want 0/,
      );
      assert.match(await renderFails(['evm.anchorContract=0x12']), /\/evm\/anchorContract/);
      assert.match(await renderFails(['ergo.enabled=true', 'ergo.tokenId=']), /tokenId/);
      // The batcher trusts no relay key by default: without one the install is refused, and a key
      // must be 64 hex characters.
      assert.match(
        await renderFails([]),
        /batcher\.relayPublicKeys: give the public key of the relays' receipt key/,
      );
      assert.match(
        await renderFails(['batcher.relayPublicKeys[0]=not-a-key']),
        /\/batcher\/relayPublicKeys\/0/,
      );
    },
  );

  it(
    'runs every container hardened: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault',
    { skip },
    () => {
      let containers = 0;
      for (const [scenario, docs] of manifests) {
        for (const doc of docs) {
          const pod = podSpec(doc);
          if (pod === undefined) continue;
          for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
            const where = `${scenario} ${doc.kind}/${doc.metadata.name}/${c.name}`;
            const sc = c.securityContext ?? {};
            const psc: Record<string, unknown> = pod.securityContext ?? {};
            assert.equal(sc.runAsNonRoot ?? psc.runAsNonRoot, true, `${where}: runAsNonRoot`);
            assert.equal(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
            assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
            assert.deepEqual(
              (sc.capabilities as { drop?: string[] } | undefined)?.drop,
              ['ALL'],
              `${where}: capabilities.drop`,
            );
            const seccomp = (sc.seccompProfile ?? psc.seccompProfile) as { type?: string } | undefined;
            assert.equal(seccomp?.type, 'RuntimeDefault', `${where}: seccompProfile`);
            containers++;
          }
        }
      }
      assert.ok(containers >= 20, `${containers} containers checked`);
    },
  );

  it(
    'gives every Deployment liveness and readiness probes on /healthz and /readyz of the management port, and resources',
    { skip },
    () => {
      for (const [scenario, docs] of manifests) {
        const deployments = docs.filter((d) => d.kind === 'Deployment');
        assert.ok(deployments.length >= 5, scenario);
        for (const d of deployments) {
          for (const c of podSpec(d)!.containers) {
            const where = `${scenario} ${d.metadata.name}/${c.name}`;
            // On the management port, whose /readyz names the failing dependency.
            assert.deepEqual(
              (c.livenessProbe as { httpGet?: { path: string; port: string } } | undefined)?.httpGet,
              { path: '/healthz', port: 'management' },
              where,
            );
            assert.deepEqual(
              (c.readinessProbe as { httpGet?: { path: string; port: string } } | undefined)?.httpGet,
              { path: '/readyz', port: 'management' },
              where,
            );
            assert.ok(
              c.resources?.requests?.memory !== undefined && c.resources.requests.cpu !== undefined,
              `${where}: requests`,
            );
            assert.ok(c.resources.limits?.memory !== undefined, `${where}: memory limit`);
          }
        }
      }
    },
  );

  it('changes every pod template when the config changes, so the pods roll', { skip }, async () => {
    const checksums = (docs: Rendered[]) =>
      new Map(
        docs
          .filter((d) => d.kind === 'Deployment')
          .map((d) => [
            d.metadata.name,
            (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata
              .annotations['checksum/config'],
          ]),
      );
    const base = checksums(await render(['minimal-values.yaml']));
    const changed = checksums(
      await render(['minimal-values.yaml'], ['evm.rpcUrls=https://another-rpc.example']),
    );
    const dir = await mkdtemp(join(tmpdir(), 'anchorpost-chart-'));
    const tenantsFile = join(dir, 'tenants-values.yaml');
    await writeFile(
      tenantsFile,
      `relay:\n  tenants: '{ "tenants": [{ "id": "acme", "clientKeys": [] }] }'\n`,
    );
    const tenants = checksums(await render(['minimal-values.yaml', tenantsFile]));
    await rm(dir, { recursive: true, force: true });
    assert.equal(base.size, 5);
    for (const [name, checksum] of base) {
      assert.match(checksum!, /^[0-9a-f]{64}$/, name);
      assert.notEqual(changed.get(name), checksum, `${name} rolls on an EVM RPC change`);
      assert.notEqual(tenants.get(name), checksum, `${name} rolls on a tenants change`);
    }
    // The same values render the same template: no spurious rollout.
    assert.deepEqual(checksums(await render(['minimal-values.yaml'])), base);
  });

  it(
    'keeps the tenants file, which may carry API keys, in a Secret that only the relay mounts',
    { skip },
    async () => {
      const apiKey = 'ak_chart-test-key-never-in-a-configmap';
      const tenants = JSON.stringify({
        tenants: [{ id: 'acme', clientKeys: [], apiKeys: [{ key: apiKey }] }],
      });
      const dir = await mkdtemp(join(tmpdir(), 'anchorpost-chart-'));
      const tenantsFile = join(dir, 'tenants-values.yaml');
      await writeFile(tenantsFile, `relay:\n  tenants: '${tenants}'\n`);
      const docs = await render(['minimal-values.yaml', tenantsFile]);
      await rm(dir, { recursive: true, force: true });
      const holding = docs
        .filter((d) => JSON.stringify(d).includes(apiKey))
        .map((d) => `${d.kind}/${d.metadata.name}`);
      assert.deepEqual(holding, ['Secret/anchorpost-tenants']);
      const mounting = docs
        .filter((d) => d.kind === 'Deployment')
        .filter((d) => JSON.stringify(d.spec).includes('"secretName":"anchorpost-tenants"'))
        .map((d) => d.metadata.name);
      assert.deepEqual(mounting, ['anchorpost-relay']);
    },
  );

  it('gives only the elected components a token, and their Role only their own Lease', { skip }, () => {
    const docs = manifests.get('production-values.yaml')!;
    for (const d of docs.filter((x) => x.kind === 'Deployment')) {
      const token = (podSpec(d) as unknown as { automountServiceAccountToken?: boolean })
        .automountServiceAccountToken;
      assert.equal(token, /anchorer|parser|relay|sponsor|updater/.test(d.metadata.name), d.metadata.name);
    }
    const roles = docs.filter((d) => d.kind === 'Role') as unknown as {
      metadata: { name: string };
      rules: { resources: string[]; verbs: string[]; resourceNames?: string[] }[];
    }[];
    assert.equal(roles.length, 5);
    for (const role of roles) {
      for (const rule of role.rules) {
        assert.deepEqual(rule.resources, ['leases']);
        assert.ok(
          !rule.verbs.includes('delete') && !rule.verbs.includes('list') && !rule.verbs.includes('watch'),
        );
        // The sponsor's Leases are named per sponsor account, which the chart cannot list.
        if (rule.verbs.includes('update') && !role.metadata.name.endsWith('-sponsor-lease')) {
          assert.equal(rule.resourceNames?.length, 1, role.metadata.name);
        }
      }
    }
  });
});
