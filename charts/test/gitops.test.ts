/**
 * k8s/: the kustomize overlays that install charts/anchorpost per environment and the Argo CD
 * objects that sync them (docs/gitops.md). Checked as CI checks them (`kustomize build
 * --enable-helm | kubeconform -strict`, the Argo CD objects against Argo CD's CRD schemas), and for
 * what they promise: dev and prod differ where they should, prod runs only images pinned by digest,
 * each environment has its own restricted namespace, and the AppProject allows exactly what the
 * chart renders.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { BIN, CHART, missingTools, render, REPO, runScript } from './tools.ts';

const run = promisify(execFile);

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
  readonly subjects?: { kind: string; name: string; namespace?: string }[];
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string }[];
}
interface Kustomization {
  namespace: string;
  helmCharts: { name: string; releaseName: string; namespace: string; valuesFile: string }[];
  images?: { name: string; digest?: string }[];
}
interface Application {
  metadata: { name: string };
  spec: {
    project: string;
    source: { repoURL: string; targetRevision: string; path: string };
    destination: { server: string; namespace: string };
    syncPolicy?: { automated?: { prune?: boolean; selfHeal?: boolean } };
  };
}
interface GroupKind {
  group: string;
  kind: string;
  name?: string;
}
interface AppProject {
  spec: {
    sourceRepos: string[];
    destinations: { server: string; namespace: string }[];
    clusterResourceWhitelist: GroupKind[];
    namespaceResourceWhitelist: GroupKind[];
  };
}

const NAMESPACES: Record<string, string> = { dev: 'anchorpost-dev', prod: 'anchorpost' };
const OVERLAYS = Object.keys(NAMESPACES);

function readYaml(path: string): unknown {
  return parse(readFileSync(join(REPO, path), 'utf8'));
}

function kustomization(overlay: string): Kustomization {
  return readYaml(`k8s/overlays/${overlay}/kustomization.yaml`) as Kustomization;
}

/** Why these tests cannot run here (no chart tools, no kustomize), or undefined when they can. */
function missing(): string | undefined {
  const chartTools = missingTools();
  if (chartTools !== undefined) return chartTools;
  if (existsSync(join(BIN, 'kustomize'))) return undefined;
  const why = 'kustomize is not installed (scripts/install-k8s-tools.sh)';
  if (process.env.ANCHORPOST_REQUIRE_K8S_TOOLS === '1') throw new Error(why);
  return why;
}

/** `kustomize build --enable-helm` of a folder of this repository; the manifests, parsed. */
async function build(dir: string): Promise<Manifest[]> {
  const { stdout } = await run(
    join(BIN, 'kustomize'),
    ['build', '--enable-helm', '--helm-command', join(BIN, 'helm'), join(REPO, dir)],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => doc !== null);
}

function containers(doc: Manifest): Container[] {
  const spec = doc.spec as
    { template?: { spec?: { containers: Container[]; initContainers?: Container[] } } } | undefined;
  const pod = spec?.template?.spec;
  return pod === undefined ? [] : [...pod.containers, ...(pod.initContainers ?? [])];
}

function named(docs: Manifest[], kind: string, name: string): Manifest {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  assert.ok(doc !== undefined, `${kind}/${name}`);
  return doc;
}

function groupKind(doc: { apiVersion: string; kind: string }): string {
  const group = doc.apiVersion.includes('/') ? doc.apiVersion.split('/')[0]! : '';
  return `${group}/${doc.kind}`;
}

describe('k8s/ (GitOps)', () => {
  const skip = missing();
  const built = new Map<string, Manifest[]>();
  before(async () => {
    if (skip !== undefined) return;
    for (const overlay of OVERLAYS) built.set(overlay, await build(`k8s/overlays/${overlay}`));
  });

  it(
    'builds every overlay, and kubeconform -strict accepts them and the Argo CD objects',
    { skip },
    async () => {
      assert.deepEqual(readdirSync(join(REPO, 'k8s/overlays')).sort(), [...OVERLAYS].sort());
      const { stdout } = await runScript('scripts/check-gitops.sh');
      const summaries = stdout.split('\n').filter((l) => l.startsWith('Summary:'));
      assert.equal(summaries.length, OVERLAYS.length + 1, stdout);
      for (const line of summaries) assert.match(line, /Invalid: 0, Errors: 0, Skipped: 0/, line);
      assert.match(stdout, /check-gitops: ok/);
    },
  );

  it(
    'puts each environment in its own namespace, restricted, with the chart released there',
    { skip },
    () => {
      for (const [overlay, docs] of built) {
        const namespace = NAMESPACES[overlay]!;
        const k = kustomization(overlay);
        assert.equal(k.namespace, namespace, overlay);
        assert.deepEqual(
          k.helmCharts.map((c) => [c.name, c.releaseName, c.namespace]),
          [['anchorpost', 'anchorpost', namespace]],
          overlay,
        );
        const namespaces = docs.filter((d) => d.kind === 'Namespace');
        assert.deepEqual(
          namespaces.map((n) => n.metadata.name),
          [namespace],
          overlay,
        );
        assert.equal(namespaces[0]!.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
        assert.match(
          namespaces[0]!.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '',
          /Delete=false/,
        );
        for (const doc of docs.filter((d) => d.kind !== 'Namespace')) {
          // Argo CD puts objects without a namespace into the Application's destination namespace.
          assert.ok(
            doc.metadata.namespace === undefined || doc.metadata.namespace === namespace,
            `${overlay} ${doc.kind}/${doc.metadata.name} in ${doc.metadata.namespace}`,
          );
        }
        // The Lease rights are bound to the ServiceAccounts of this namespace, not another one.
        const bindings = docs.filter((d) => d.kind === 'RoleBinding');
        // The anchorer, the parser and the relay (its inbound deliverer) are elected; prod also runs
        // the sponsor, whose writers are elected per sponsor account: a binding of its own.
        assert.equal(bindings.length, overlay === 'prod' ? 4 : 3, overlay);
        for (const binding of bindings) {
          for (const subject of binding.subjects ?? []) assert.equal(subject.namespace, namespace, overlay);
        }
      }
    },
  );

  it('keeps dev small and private, and scales, exposes over TLS and monitors prod', { skip }, () => {
    const dev = built.get('dev')!;
    const prod = built.get('prod')!;
    const count = (docs: Manifest[], kind: string) => docs.filter((d) => d.kind === kind).length;
    const replicas = (docs: Manifest[], name: string) => named(docs, 'Deployment', name).spec?.replicas;
    const config = (docs: Manifest[]) => named(docs, 'ConfigMap', 'anchorpost-config').data!;

    // dev: one relay and one proof API, nothing exposed or scaled, no Prometheus Operator objects.
    assert.equal(replicas(dev, 'anchorpost-relay'), 1);
    assert.equal(replicas(dev, 'anchorpost-proof-api'), 1);
    for (const kind of [
      'HorizontalPodAutoscaler',
      'Ingress',
      'PodDisruptionBudget',
      'ServiceMonitor',
      'PrometheusRule',
    ]) {
      assert.equal(count(dev, kind), 0, `dev: no ${kind}`);
    }
    assert.equal(config(dev).ANCHORPOST_EVM_CHAIN_ID, '11155111');

    // prod: the HPAs own the relay's and the proof API's replicas.
    for (const [name, min] of [
      ['anchorpost-relay', 3],
      ['anchorpost-proof-api', 2],
    ] as const) {
      assert.equal(replicas(prod, name), undefined, `${name}: replicas left to the HPA`);
      assert.equal(named(prod, 'HorizontalPodAutoscaler', name).spec?.minReplicas, min);
      const ingress = named(prod, 'Ingress', name).spec as {
        rules: { host: string }[];
        tls: { hosts: string[]; secretName: string }[];
      };
      assert.deepEqual(
        ingress.tls.flatMap((t) => t.hosts),
        ingress.rules.map((r) => r.host),
        `${name}: every host served over TLS`,
      );
      assert.ok(ingress.tls.every((t) => t.secretName !== ''));
    }
    // The sponsor's too: prod runs it, its image pinned with the others.
    assert.equal(count(prod, 'PodDisruptionBudget'), 5);
    assert.equal(count(prod, 'ServiceMonitor'), 6);
    assert.equal(replicas(prod, 'anchorpost-sponsor'), 2);
    assert.equal(count(prod, 'PrometheusRule'), 1);
    assert.equal(named(prod, 'ConfigMap', 'anchorpost-dashboard').metadata.labels?.grafana_dashboard, '1');
    assert.equal(config(prod).ANCHORPOST_EVM_CHAIN_ID, '1');
    assert.ok(
      Number(config(prod).ANCHORPOST_EVM_CONFIRMATIONS) > Number(config(dev).ANCHORPOST_EVM_CONFIRMATIONS),
    );

    // Both: NetworkPolicies, and two anchorers and two parsers of which one is elected to write.
    for (const [overlay, docs] of built) {
      assert.equal(count(docs, 'NetworkPolicy'), overlay === 'prod' ? 6 : 5, overlay);
      for (const name of ['anchorpost-anchorer', 'anchorpost-parser']) {
        assert.equal(replicas(docs, name), 2, `${overlay} ${name}`);
        const env = containers(named(docs, 'Deployment', name)).flatMap((c) => c.env ?? []);
        assert.equal(env.find((e) => e.name === 'ANCHORPOST_LEADER_ELECTION')?.value, 'kubernetes');
      }
    }
  });

  it('writes every number of the config as the services read it: digits, never 1e+06', { skip }, () => {
    for (const [overlay, docs] of built) {
      const values = [
        ...docs.filter((d) => d.kind === 'ConfigMap').flatMap((d) => Object.entries(d.data ?? {})),
        ...docs.flatMap(containers).flatMap((c) => (c.env ?? []).map((e) => [e.name, e.value ?? ''])),
      ];
      assert.ok(values.length > 20, overlay);
      for (const [name, value] of values) {
        assert.doesNotMatch(String(value), /^-?\d+(\.\d+)?e[+-]\d+$/, `${overlay} ${name}=${value}`);
      }
    }
  });

  it(
    'runs in prod only images pinned by digest, exactly the ones the release pipeline sets',
    { skip },
    () => {
      const pods = built.get('prod')!.filter((d) => ['Deployment', 'StatefulSet', 'Job'].includes(d.kind));
      const images = new Set(pods.flatMap(containers).map((c) => c.image));
      assert.ok(images.size >= 6);
      for (const image of images) assert.match(image, /^ghcr\.io\/anchorpost\/[a-z-]+@sha256:[0-9a-f]{64}$/);
      const pinned = (kustomization('prod').images ?? []).map((i) => i.name).sort();
      assert.deepEqual([...images].map((i) => i.split('@')[0]!).sort(), pinned);
      // dev runs what `main` builds: the chart's tags, no digest.
      const dev = built
        .get('dev')!
        .flatMap(containers)
        .map((c) => c.image);
      assert.ok(
        dev.every((image) => /^ghcr\.io\/anchorpost\/[a-z-]+:[\w.-]+$/.test(image)),
        dev.join(' '),
      );
    },
  );

  it(
    'lets the AppProject deploy exactly the kinds the chart renders, to exactly the two namespaces',
    { skip },
    async () => {
      const project = (readYaml('k8s/argocd/appproject.yaml') as AppProject).spec;
      // Everything the chart renders in any scenario (operators included) and the overlays add.
      const rendered: Manifest[] = [...built.values()].flat();
      for (const scenario of readdirSync(join(CHART, 'ci'))) {
        rendered.push(...((await render([scenario])) as unknown as Manifest[]));
      }
      const namespaced = new Set(rendered.filter((d) => d.kind !== 'Namespace').map(groupKind));
      assert.deepEqual(
        project.namespaceResourceWhitelist.map((g) => `${g.group}/${g.kind}`).sort(),
        [...namespaced].sort(),
      );
      assert.ok(!namespaced.has('/Secret'), 'Secrets are created out of band, never by Argo CD');
      assert.deepEqual(
        project.clusterResourceWhitelist.map((g) => `${g.group}/${g.kind}/${g.name ?? '*'}`).sort(),
        OVERLAYS.map((o) => `/Namespace/${NAMESPACES[o]!}`).sort(),
      );
      assert.deepEqual(project.destinations.map((d) => d.namespace).sort(), Object.values(NAMESPACES).sort());
      assert.ok(project.destinations.every((d) => d.server === 'https://kubernetes.default.svc'));
      assert.equal(project.sourceRepos.length, 1);
      assert.doesNotMatch(project.sourceRepos[0]!, /\*/);
    },
  );

  it("syncs each overlay of this repository into that overlay's namespace: dev from main, prod from release", () => {
    const project = (readYaml('k8s/argocd/appproject.yaml') as AppProject).spec;
    const listed = (readYaml('k8s/argocd/kustomization.yaml') as { resources: string[] }).resources;
    const apps = listed
      .filter((f) => f.startsWith('application-'))
      .map((f) => readYaml(`k8s/argocd/${f}`) as Application);
    assert.deepEqual(apps.map((a) => a.metadata.name).sort(), OVERLAYS.map((o) => `anchorpost-${o}`).sort());
    for (const app of apps) {
      const overlay = app.metadata.name.replace('anchorpost-', '');
      const { source, destination } = app.spec;
      assert.equal(app.spec.project, 'anchorpost');
      assert.ok(project.sourceRepos.includes(source.repoURL), source.repoURL);
      assert.equal(source.path, `k8s/overlays/${overlay}`);
      assert.equal(destination.namespace, kustomization(overlay).namespace);
      assert.equal(source.targetRevision, overlay === 'prod' ? 'release' : 'main');
      assert.equal(app.spec.syncPolicy?.automated?.selfHeal, true, `${app.metadata.name}: drift is undone`);
    }
  });

  it('would refuse a misspelt field of an Argo CD Application', { skip }, async () => {
    const app = readFileSync(join(REPO, 'k8s/argocd/application-prod.yaml'), 'utf8').replace(
      'selfHeal:',
      'selfHael:',
    );
    assert.ok(app.includes('selfHael'));
    const schemas = join(dirname(BIN), 'schemas/crds');
    const child = execFile(join(BIN, 'kubeconform'), [
      '-strict',
      '-schema-location',
      `${schemas}/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json`,
      '-',
    ]);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stdin?.end(app);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 1, out);
    assert.match(out, /additional properties 'selfHael' not allowed/);
  });
});
