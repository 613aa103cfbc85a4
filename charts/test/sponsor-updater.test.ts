/**
 * The sponsor and the updater in the chart: off by default; when on, each is a Deployment of its own
 * image with a ServiceAccount, a Service for its API and one for its management port (where the
 * probes and /metrics are), its secrets as read-only files, its Lease Role, NetworkPolicy and
 * ServiceMonitor; an install that lacks a setting they cannot start without is refused.
 */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { missingTools, render, renderFails } from './tools.ts';
import type { Rendered } from './tools.ts';

interface Probe {
  httpGet: { path: string; port: string };
}
interface Container {
  image: string;
  ports: { name: string; containerPort: number }[];
  livenessProbe: Probe;
  readinessProbe: Probe;
  startupProbe: Probe;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  containers: Container[];
  volumes: { name: string; secret?: { defaultMode: number; items: { key: string }[] } }[];
}

const find = (docs: Rendered[], kind: string, name: string): Rendered | undefined =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);
const podOf = (doc: Rendered): PodSpec => (doc.spec as { template: { spec: PodSpec } }).template.spec;
const portsOf = (doc: Rendered): { name: string; port: number }[] =>
  (doc.spec as { ports: { name: string; port: number }[] }).ports;

const COMPONENTS = [
  { name: 'sponsor', ports: { http: 7490, grpc: 7491 }, management: 7492 },
  { name: 'updater', ports: { http: 7480 }, management: 7481 },
] as const;

describe('charts/anchorpost: the sponsor and the updater', () => {
  const skip = missingTools();
  let minimal: Rendered[];
  let production: Rendered[];
  before(async () => {
    if (skip !== undefined) return;
    minimal = await render(['minimal-values.yaml']);
    production = await render(['production-values.yaml']);
  });

  it('are off by default: nothing of theirs is rendered', { skip }, () => {
    const theirs = minimal.filter((d) => /-(sponsor|updater)(-|$)/.test(d.metadata.name));
    assert.deepEqual(
      theirs.map((d) => `${d.kind}/${d.metadata.name}`),
      [],
    );
    const config = find(minimal, 'ConfigMap', 'anchorpost-config') as unknown as { data: object };
    assert.ok(!Object.keys(config.data).some((name) => /SPONSOR|UPDATER/.test(name)));
  });

  for (const component of COMPONENTS) {
    const name = `anchorpost-${component.name}`;

    it(
      `${component.name}: a Deployment of ghcr.io/anchorpost/${component.name}, probed on its management port`,
      { skip },
      () => {
        const deployment = find(production, 'Deployment', name);
        assert.ok(deployment, name);
        const pod = podOf(deployment);
        const container = pod.containers[0]!;
        assert.equal(container.image, `ghcr.io/anchorpost/${component.name}:0.1.0`);
        assert.deepEqual(Object.fromEntries(container.ports.map((p) => [p.name, p.containerPort])), {
          ...component.ports,
          management: component.management,
        });
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
          assert.equal(probe.httpGet.port, 'management');
        }
        assert.equal(container.readinessProbe.httpGet.path, '/readyz');
        assert.equal(pod.serviceAccountName, name);
        // The Lease election needs the API server's token; nothing else of theirs does.
        assert.equal(pod.automountServiceAccountToken, true);
        assert.ok(find(production, 'ServiceAccount', name));
        const secrets = pod.volumes.find((v) => v.name === 'secrets')!.secret!;
        assert.equal(secrets.defaultMode, 0o400);
        assert.ok(container.volumeMounts.find((m) => m.name === 'secrets')!.readOnly);
      },
    );

    it(
      `${component.name}: a Service for its API and one of its own for the management port`,
      { skip },
      () => {
        assert.deepEqual(
          Object.fromEntries(portsOf(find(production, 'Service', name)!).map((p) => [p.name, p.port])),
          component.ports,
        );
        assert.deepEqual(
          portsOf(find(production, 'Service', `${name}-management`)!).map((p) => p.port),
          [component.management],
        );
        assert.ok(find(production, 'ServiceMonitor', name), 'ServiceMonitor');
        assert.ok(find(production, 'PodDisruptionBudget', name), 'PodDisruptionBudget');
      },
    );

    it(
      `${component.name}: a NetworkPolicy that lets Prometheus reach only its management port`,
      { skip },
      () => {
        const policy = find(production, 'NetworkPolicy', name);
        assert.ok(policy, name);
        const ingress = (policy.spec as { ingress: { ports: { port: number }[] }[] }).ingress;
        assert.deepEqual(
          ingress[0]!.ports.map((p) => p.port),
          [component.management],
        );
      },
    );
  }

  it(
    'leases: the updater may touch only its own; the sponsor, whose leases are named per account, all of the namespace',
    { skip },
    () => {
      const rules = (name: string) =>
        (find(production, 'Role', `${name}-lease`) as unknown as { rules: { resourceNames?: string[] }[] })
          .rules;
      assert.deepEqual(rules('anchorpost-updater')[0]!.resourceNames, ['anchorpost-updater']);
      assert.equal(rules('anchorpost-sponsor')[0]!.resourceNames, undefined);
    },
  );

  it(
    'the updater: its trusted keys as files, its clone in an emptyDir, the GitOps remote and Argo CD as egress',
    { skip },
    () => {
      const keys = find(production, 'ConfigMap', 'anchorpost-updater-trusted-keys') as unknown as {
        data: Record<string, string>;
      };
      assert.match(keys.data['release.pem']!, /BEGIN PUBLIC KEY/);
      const pod = podOf(find(production, 'Deployment', 'anchorpost-updater')!);
      assert.ok(pod.containers[0]!.volumeMounts.some((m) => m.mountPath === '/var/lib/anchorpost/gitops'));
      const egress = (
        find(production, 'NetworkPolicy', 'anchorpost-updater')!.spec as {
          egress: { ports: { port: number }[] }[];
        }
      ).egress.flatMap((rule) => rule.ports.map((p) => p.port));
      for (const port of [22, 8080]) assert.ok(egress.includes(port), `egress to ${port}`);
    },
  );

  it(
    "the sponsor's ledger goes to the release's relay by default: its URL, the Ergo node, its keys from the Secret, the flow both ways",
    { skip },
    () => {
      const config = find(production, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(config.data['ANCHORPOST_SPONSOR_LEDGER_RELAY_URL'], 'http://anchorpost-relay:7410');
      assert.equal(config.data['ANCHORPOST_SPONSOR_LEDGER_ERGO_NODE_URL'], 'http://ergo-node:9053');
      const pod = podOf(find(production, 'Deployment', 'anchorpost-sponsor')!);
      const items = pod.volumes.find((v) => v.name === 'secrets')!.secret!.items.map((i) => i.key);
      for (const key of ['sponsor-ledger-relay-api-key', 'sponsor-ledger-identity', 'sponsor-ledger-group']) {
        assert.ok(items.includes(key), key);
      }
      const env = (pod.containers[0] as unknown as { env: { name: string; value?: string }[] }).env;
      assert.equal(
        env.find((e) => e.name === 'ANCHORPOST_SPONSOR_LEDGER_IDENTITY_FILE')?.value,
        '/etc/anchorpost/secrets/sponsor-ledger-identity',
      );
      type Rule = { to?: Peer[]; from?: Peer[]; ports: { port: number }[] };
      type Peer = { podSelector?: { matchLabels: Record<string, string> } };
      const rules = (name: string, way: 'ingress' | 'egress') =>
        (find(production, 'NetworkPolicy', name)!.spec as Record<string, Rule[]>)[way]!;
      const component = (rule: Rule, side: 'to' | 'from') =>
        rule[side]?.[0]?.podSelector?.matchLabels['app.kubernetes.io/component'];
      const out = rules('anchorpost-sponsor', 'egress').find((r) => component(r, 'to') === 'relay');
      assert.deepEqual(
        out?.ports.map((p) => p.port),
        [7410],
      );
      const into = rules('anchorpost-relay', 'ingress').find((r) => component(r, 'from') === 'sponsor');
      assert.deepEqual(
        into?.ports.map((p) => p.port),
        [7410],
      );
    },
  );

  it(
    "with trust roots, the lines' proofs come from the release's proof API: its URL, the trust file, the flow both ways",
    { skip },
    async () => {
      const trust = '{"version":1,"platform":"prod","evm":[],"ergo":[]}';
      // A values file: --set would read the braces as a list.
      const values = join(await mkdtemp(join(tmpdir(), 'anchorpost-trust-')), 'trust-values.yaml');
      await writeFile(values, stringify({ sponsor: { ledger: { trustRoots: trust } } }));
      const docs = await render(['production-values.yaml', values]);
      const config = find(docs, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(
        config.data['ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL'],
        'http://anchorpost-proof-api:7450',
      );
      assert.equal(config.data['ANCHORPOST_SPONSOR_LEDGER_TRUST_FILE'], '/etc/anchorpost/sponsor/trust.json');
      const mounted = find(docs, 'ConfigMap', 'anchorpost-sponsor-policy') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(mounted.data['trust.json'], trust);
      type Rule = { to?: Peer[]; from?: Peer[]; ports: { port: number }[] };
      type Peer = { podSelector?: { matchLabels: Record<string, string> } };
      const rules = (name: string, way: 'ingress' | 'egress') =>
        (find(docs, 'NetworkPolicy', name)!.spec as Record<string, Rule[]>)[way]!;
      const component = (rule: Rule, side: 'to' | 'from') =>
        rule[side]?.[0]?.podSelector?.matchLabels['app.kubernetes.io/component'];
      const out = rules('anchorpost-sponsor', 'egress').filter((r) => component(r, 'to') !== undefined);
      assert.deepEqual(
        out.map((r) => [component(r, 'to'), r.ports[0]!.port]),
        [
          ['relay', 7410],
          ['proof-api', 7450],
        ],
      );
      const into = rules('anchorpost-proof-api', 'ingress').find((r) => component(r, 'from') === 'sponsor');
      assert.deepEqual(
        into?.ports.map((p) => p.port),
        [7450],
      );
      // Without trust roots nothing is checked: no proof API setting, no flow.
      const plain = find(production, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(plain.data['ANCHORPOST_SPONSOR_LEDGER_PROOF_API_URL'], undefined);
    },
  );

  it(
    'without the ledger, or with a relay of its own, no flow to the release relay is opened',
    { skip },
    async () => {
      for (const set of [
        ['sponsor.ledger.enabled=false'],
        ['sponsor.ledger.relayUrl=https://relay.example.invalid'],
      ]) {
        const docs = await render(['production-values.yaml'], set);
        const policy = find(docs, 'NetworkPolicy', 'anchorpost-relay')!.spec as {
          ingress: { from: Peer[] }[];
        };
        type Peer = { podSelector?: unknown };
        assert.ok(!policy.ingress.some((r) => r.from.some((p) => p.podSelector !== undefined)), set[0]);
      }
      const off = await render(['production-values.yaml'], ['sponsor.ledger.enabled=false']);
      const config = find(off, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(config.data['ANCHORPOST_SPONSOR_LEDGER_RELAY_URL'], undefined);
    },
  );

  it(
    "the treasury's Ergo float: the anchorer's address, the node, the network, the limits, the wallet from the Secret; refused without an address",
    { skip },
    async () => {
      const address = '3WwXpssaZwcNzaGMv3AgxBdTPJQBt5gCmqBsg3DykQ39bYdhJBsN';
      const docs = await render(
        ['production-values.yaml'],
        ['sponsor.treasury.ergo.enabled=true', `sponsor.treasury.ergo.accounts[0]=${address}`],
      );
      const config = find(docs, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(config.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS'], address);
      assert.equal(config.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_NODE_URL'], 'http://ergo-node:9053');
      assert.equal(config.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_MINIMUM_ERG'], '1');
      assert.equal(config.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_DAILY_CAP_ERG'], '10');
      assert.ok(config.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_NETWORK'] !== undefined);
      const pod = podOf(find(docs, 'Deployment', 'anchorpost-sponsor')!);
      const items = pod.volumes.find((v) => v.name === 'secrets')!.secret!.items.map((i) => i.key);
      assert.ok(items.includes('sponsor-treasury-ergo-mnemonic'));
      const env = (pod.containers[0] as unknown as { env: { name: string; value?: string }[] }).env;
      assert.equal(
        env.find((e) => e.name === 'ANCHORPOST_SPONSOR_TREASURY_ERGO_MNEMONIC_FILE')?.value,
        '/etc/anchorpost/secrets/sponsor-treasury-ergo-mnemonic',
      );
      const off = find(production, 'ConfigMap', 'anchorpost-config') as unknown as {
        data: Record<string, string>;
      };
      assert.equal(off.data['ANCHORPOST_SPONSOR_TREASURY_ERGO_ACCOUNTS'], undefined, 'off by default');
      await assert.rejects(
        render(['production-values.yaml'], ['sponsor.treasury.ergo.enabled=true']),
        /sponsor\.treasury\.ergo\.accounts: give the anchorer's Ergo address/,
      );
    },
  );

  it('a change of the sponsor policy rolls the pods', { skip }, async () => {
    const checksum = (docs: Rendered[]) =>
      (
        find(docs, 'Deployment', 'anchorpost-sponsor')!.spec as {
          template: { metadata: { annotations: Record<string, string> } };
        }
      ).template.metadata.annotations['checksum/config'];
    const changed = await render(['production-values.yaml'], ['sponsor.policy=another-policy']);
    assert.notEqual(checksum(changed), checksum(production));
  });

  it('refuses an install without what they cannot start without', { skip }, async () => {
    // What the rest of the chart needs, so the refusal is the sponsor's or the updater's.
    const base = [
      'batcher.relayPublicKeys[0]=1f2344732c022cbc06e299290103a8feb44f0d49c646e0689aab3d56204362ab',
      'relay.grpc.plaintext=true',
    ];
    assert.match(
      await renderFails([...base, 'sponsor.enabled=true']),
      /sponsor\.forwarder: give the AnchorpostForwarder/,
    );
    const updater = [
      ...base,
      'updater.enabled=true',
      'updater.governor=0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
      'updater.registry=0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0',
      'updater.gitRemote=git@example.invalid:gitops.git',
      'updater.argoCdUrl=https://argocd.example.invalid',
    ];
    assert.match(await renderFails(updater), /updater\.trustedKeys: give at least one PEM public key/);
    assert.match(
      await renderFails([
        ...base,
        'updater.enabled=true',
        'updater.trustedKeys.a=-----BEGIN PUBLIC KEY-----',
      ]),
      /updater\.governor: give the release Governor's address/,
    );
    assert.match(await renderFails([...base, 'sponsor.forwarder=not-an-address']), /forwarder/);
    assert.match(
      await renderFails([
        ...base,
        'sponsor.enabled=true',
        'sponsor.forwarder=0x5FbDB2315678afecb367f032d93F642f64180aa3',
      ]),
      /sponsor\.ledger\.ergoNodeUrl: give the Ergo node/,
    );
  });
});
