/**
 * What the chart exposes, and where: the Ingress and the Services that route callers carry only
 * the public ports (never the management port with /metrics and the detailed /readyz, nor the
 * relay's admin port); Prometheus scrapes the management Services; the relay's gRPC is TLS from a
 * read-only Secret, or plaintext only when the values say so.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { missingTools, render, renderFails } from './tools.ts';
import type { Rendered } from './tools.ts';

const SCENARIOS = ['minimal-values.yaml', 'production-values.yaml', 'operators-values.yaml'];
const MANAGEMENT_PORTS = [7413, 7431, 7441, 7451, 7461, 7481, 7492];

interface ServicePort {
  name?: string;
  port: number;
}
interface EnvVar {
  name: string;
  value?: string;
}
interface Container {
  name: string;
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
}

const portsOf = (service: Rendered): ServicePort[] => (service.spec as { ports?: ServicePort[] }).ports ?? [];
const podOf = (doc: Rendered): PodSpec => (doc.spec as { template: { spec: PodSpec } }).template.spec;
const configOf = (docs: Rendered[]): Record<string, string> =>
  (
    docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name.endsWith('-config')) as unknown as {
      data: Record<string, string>;
    }
  ).data;

describe('charts/anchorpost ports and gRPC TLS', () => {
  const skip = missingTools();
  const manifests = new Map<string, Rendered[]>();
  before(async () => {
    if (skip !== undefined) return;
    for (const scenario of SCENARIOS) manifests.set(scenario, await render([scenario]));
  });

  it(
    'keeps the management port out of every Service an Ingress routes to, and in a Service of its own',
    { skip },
    () => {
      for (const [scenario, docs] of manifests) {
        const routed = new Set(
          docs
            .filter((d) => d.kind === 'Ingress')
            .flatMap(
              (ingress) =>
                (
                  ingress.spec as {
                    rules: { http: { paths: { backend: { service: { name: string } } }[] } }[];
                  }
                ).rules,
            )
            .flatMap((rule) => rule.http.paths.map((path) => path.backend.service.name)),
        );
        const services = docs.filter((d) => d.kind === 'Service');
        for (const service of services) {
          const ports = portsOf(service);
          const management = ports.some((p) => p.name === 'management' || MANAGEMENT_PORTS.includes(p.port));
          const isManagement = service.metadata.name.endsWith('-management');
          assert.equal(management, isManagement, `${scenario}: ${service.metadata.name}`);
          if (isManagement) {
            assert.ok(
              !routed.has(service.metadata.name),
              `${scenario}: an Ingress routes ${service.metadata.name}`,
            );
            assert.deepEqual(
              ports.map((p) => p.name),
              ['management'],
            );
            const annotations =
              (service.metadata as { annotations?: Record<string, string> }).annotations ?? {};
            assert.equal(annotations['prometheus.io/scrape'], 'true');
            assert.equal(annotations['prometheus.io/port'], String(ports[0]!.port));
          }
        }
        // One management Service per Deployment (the sponsor and the updater run in production-values).
        const deployments = docs.filter((d) => d.kind === 'Deployment');
        assert.equal(
          services.filter((s) => s.metadata.name.endsWith('-management')).length,
          deployments.length,
          scenario,
        );
        // Each service listens for management on the pod's address, so the kubelet and Prometheus reach it.
        const config = configOf(docs);
        const prefixes = deployments.map((d) =>
          d.metadata.name
            .replace(/^anchorpost-/, '')
            .replace('-', '_')
            .toUpperCase(),
        );
        for (const prefix of prefixes) {
          assert.equal(config[`ANCHORPOST_${prefix}_MANAGEMENT_HOST`], '0.0.0.0', `${scenario} ${prefix}`);
        }
      }
    },
  );

  it(
    'runs every pod on the node network, listening on loopback, only with global.hostNetwork',
    { skip },
    async () => {
      const off = manifests.get('production-values.yaml')!;
      const on = await render(['production-values.yaml'], ['global.hostNetwork=true']);
      const pods = (docs: Rendered[]) =>
        docs
          .filter((d) => d.kind === 'Deployment' || d.kind === 'Job')
          .map((d) => [d.metadata.name, podOf(d)] as const);
      assert.ok(
        pods(on).some(([name]) => name.includes('migrate')),
        'the migrations Job is among them',
      );
      for (const [name, pod] of pods(on)) {
        assert.equal((pod as { hostNetwork?: boolean }).hostNetwork, true, name);
        assert.equal((pod as { dnsPolicy?: string }).dnsPolicy, 'ClusterFirstWithHostNet', name);
      }
      for (const [name, pod] of pods(off))
        assert.equal((pod as { hostNetwork?: boolean }).hostNetwork, undefined, name);
      // A Service named <release>-relay-management would otherwise set ANCHORPOST_RELAY_MANAGEMENT_PORT
      // (tcp://…) in every pod, over the relay's own setting: the kubelet's Service links are off.
      for (const [name, pod] of [...pods(on), ...pods(off)]) {
        assert.equal((pod as { enableServiceLinks?: boolean }).enableServiceLinks, false, name);
      }
      const hosts = Object.entries(configOf(on)).filter(([key]) => /^ANCHORPOST_[A-Z_]+_HOST$/.test(key));
      assert.ok(hosts.length >= 14, `listeners: ${hosts.length}`);
      for (const [key, value] of hosts) assert.equal(value, '127.0.0.1', key);
    },
  );

  it('has the ServiceMonitors scrape the management Services', { skip }, () => {
    const docs = manifests.get('production-values.yaml')!;
    const monitors = docs.filter((d) => d.kind === 'ServiceMonitor');
    assert.equal(monitors.length, 7);
    for (const monitor of monitors) {
      const spec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
      assert.equal(spec.selector.matchLabels['anchorpost.io/listener'], 'management');
      assert.deepEqual(
        spec.endpoints.map((e) => [e.port, e.path]),
        [['management', '/metrics']],
      );
    }
  });

  it('serves the relay gRPC over TLS from a read-only Secret, mTLS on request', { skip }, () => {
    const docs = manifests.get('production-values.yaml')!;
    const relay = docs.find((d) => d.kind === 'Deployment' && d.metadata.name.endsWith('-relay'))!;
    const pod = podOf(relay);
    const volume = pod.volumes?.find((v) => v.name === 'grpc-tls');
    assert.equal(volume?.secret?.secretName, 'relay-grpc-tls');
    assert.equal(volume.secret.defaultMode, 256);
    const mount = pod.containers[0]!.volumeMounts?.find((m) => m.name === 'grpc-tls');
    assert.deepEqual(mount, { name: 'grpc-tls', mountPath: '/etc/anchorpost/grpc-tls', readOnly: true });
    const config = configOf(docs);
    assert.equal(config['ANCHORPOST_RELAY_GRPC_TLS_CERT_FILE'], '/etc/anchorpost/grpc-tls/tls.crt');
    assert.equal(config['ANCHORPOST_RELAY_GRPC_TLS_KEY_FILE'], '/etc/anchorpost/grpc-tls/tls.key');
    assert.equal(config['ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE'], '/etc/anchorpost/grpc-tls/ca.crt');
    assert.equal(config['ANCHORPOST_RELAY_GRPC_PLAINTEXT'], undefined);
    // operators-values: TLS without client certificates.
    const operators = configOf(manifests.get('operators-values.yaml')!);
    assert.equal(operators['ANCHORPOST_RELAY_GRPC_TLS_CLIENT_CA_FILE'], undefined);
    assert.equal(configOf(manifests.get('minimal-values.yaml')!)['ANCHORPOST_RELAY_GRPC_PLAINTEXT'], 'true');
  });

  it('refuses an install that chose neither TLS nor plaintext for gRPC, or both', { skip }, async () => {
    const key = 'batcher.relayPublicKeys[0]=1f2344732c022cbc06e299290103a8feb44f0d49c646e0689aab3d56204362ab';
    assert.match(await renderFails([key]), /relay\.grpc: give tls\.existingSecret/);
    assert.match(
      await renderFails([key, 'relay.grpc.plaintext=true', 'relay.grpc.tls.existingSecret=x']),
      /relay\.grpc: set either tls\.existingSecret or plaintext, not both/,
    );
  });
});
