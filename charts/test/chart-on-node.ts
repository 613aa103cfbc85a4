// The chart installed for real on a real node (./kube-node.ts: kubelet, containerd, scheduler and
// controller manager beside ./api-server.ts's control plane), with the images scripts/build-images.sh
// made: the migrations hook Job runs as a pod and completes, the relay's Deployment becomes a pod that
// the kubelet starts as the chart says (uid 1000, read-only root, no capabilities) and finds ready
// through the chart's own probes, and an application's tx-file sent to it gets a receipt, its record
// on Kafka. The relay alone: the other services' pods are the next step (docs/kubernetes.md).
//
// Every pod is on the node's network, listening on loopback (the chart's `global.hostNetwork`): this
// machine may make no pod network. Runs after the images are built (scripts/test.sh), as
// `npm run test:node -w @anchorpost/charts`; it skips, saying why, without root, the node's binaries,
// Docker or the images, unless ANCHORPOST_REQUIRE_KUBE_NODE=1, where it fails instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createTestDatabase } from '@anchorpost/db/testing';
import {
  buildTxFile,
  createGroup,
  generateIdentity,
  serializeTxFile,
  toPublicKeyFile,
  type PrivateIdentity,
} from '@anchorpost/protocol';
import { generateRelayKey, newApiKey } from '@anchorpost/relay-core';
import { startKuboDaemon, type KuboDaemon } from '@anchorpost/storage/testing';
import { missingKube, startApiServer, type ApiServer } from './api-server.ts';
import { missingNode, startNode, type KubeNode } from './kube-node.ts';
import { BIN, CHART, missingTools } from './tools.ts';

const run = promisify(execFile);
const NAMESPACE = 'anchorpost';
const RELEASE = 'anchorpost';
const IMAGES = ['relay', 'migrate'].map((service) => `anchorpost/${service}:local`);
const RELAY_URL = 'http://127.0.0.1:7410';

async function whyNot(): Promise<string | undefined> {
  let why = missingKube() ?? missingTools() ?? missingNode();
  if (why === undefined) {
    if (!process.env.ANCHORPOST_TEST_POSTGRES_URL || !process.env.ANCHORPOST_TEST_KAFKA_BROKERS) {
      why = 'ANCHORPOST_TEST_POSTGRES_URL and ANCHORPOST_TEST_KAFKA_BROKERS are needed';
    } else {
      const listed = await run('docker', ['image', 'inspect', ...IMAGES]).catch(() => undefined);
      if (listed === undefined) why = `images not built (scripts/build-images.sh): ${IMAGES.join(', ')}`;
    }
  }
  if (why !== undefined && process.env.ANCHORPOST_REQUIRE_KUBE_NODE === '1') {
    throw new Error(`${why}; required because ANCHORPOST_REQUIRE_KUBE_NODE=1`);
  }
  return why;
}

const skip = await whyNot();

describe('the chart on a real node', { skip }, () => {
  let api: ApiServer | undefined;
  let node: KubeNode | undefined;
  let kubo: KuboDaemon | undefined;
  let apiKey = '';
  let app: PrivateIdentity;

  before(async () => {
    api = await startApiServer();
    node = await startNode(api);
    await node.importImages(IMAGES);
    kubo = await startKuboDaemon();
    const admin = process.env.ANCHORPOST_TEST_POSTGRES_URL!;
    const state = await createTestDatabase(admin, 'chart_node_state');
    const index = await createTestDatabase(admin, 'chart_node_index');
    await api.kubectl(['create', 'namespace', NAMESPACE]);
    // The Secret the values name (`existingSecret`), as an operator makes it; from stdin, so no
    // value is on a command line.
    await api.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'anchorpost', namespace: NAMESPACE },
        stringData: {
          'state-database-url': state.databaseUrl,
          'index-database-url': index.databaseUrl,
          'relay-key': generateRelayKey().pkcs8Pem,
        },
      }),
    );
    app = await generateIdentity('modern');
    apiKey = newApiKey().key;
    const tenants = {
      tenants: [
        {
          id: 'acme',
          clientKeys: [toPublicKeyFile(app.public)],
          apiKeys: [{ key: apiKey, scopes: ['submit'] }],
        },
      ],
    };
    // The test's values, in a file (JSON is YAML): no API key on a command line.
    const valuesFile = join(api.dir, 'node-values.json');
    await writeFile(
      valuesFile,
      JSON.stringify({
        global: {
          image: { repository: 'docker.io/anchorpost', tag: 'local', pullPolicy: 'Never' },
          hostNetwork: true,
        },
        batcher: { enabled: false },
        anchorer: { enabled: false },
        parser: { enabled: false },
        proofApi: { enabled: false },
        kafkaBrokers: process.env.ANCHORPOST_TEST_KAFKA_BROKERS,
        kuboUrl: kubo.url,
        relay: { tenants: JSON.stringify(tenants) },
      }),
      { mode: 0o600 },
    );
    await run(join(BIN, 'helm'), ['dependency', 'build', CHART]);
    try {
      await run(join(BIN, 'helm'), [
        'install',
        RELEASE,
        CHART,
        '--kubeconfig',
        api.kubeconfig,
        '--namespace',
        NAMESPACE,
        '-f',
        join(CHART, 'ci/minimal-values.yaml'),
        '-f',
        valuesFile,
        '--wait',
        '--timeout',
        '300s',
      ]);
    } catch (error) {
      const pods = await api
        .kubectl(['get', 'pods,jobs,events', '-n', NAMESPACE, '-o', 'wide'])
        .catch(String);
      throw new Error(`helm install failed: ${String(error)}\n${pods}\n${node.logs()}`, { cause: error });
    }
  });
  after(async () => {
    await node?.stop();
    await kubo?.dispose();
    await api?.stop();
  });

  it('ran the migrations as a hook Job whose pod completed', async () => {
    const events = await api!.kubectl(['get', 'events', '-n', NAMESPACE, '-o', 'json']);
    const reasons = (
      JSON.parse(events) as { items: { reason: string; involvedObject: { kind: string } }[] }
    ).items
      .filter((event) => event.involvedObject.kind === 'Job')
      .map((event) => event.reason);
    assert.ok(reasons.includes('Completed'), `the Job's events: ${reasons.join(', ')}`);
  });

  it("runs the relay as the chart says, ready through the chart's probes", async () => {
    const pods = JSON.parse(
      await api!.kubectl([
        'get',
        'pods',
        '-n',
        NAMESPACE,
        '-l',
        'app.kubernetes.io/component=relay',
        '-o',
        'json',
      ]),
    ) as {
      items: {
        spec: {
          securityContext: { runAsNonRoot?: boolean };
          containers: { securityContext: Record<string, unknown>; readinessProbe?: unknown }[];
        };
        status: { phase: string; containerStatuses: { ready: boolean; restartCount: number }[] };
      }[];
    };
    assert.equal(pods.items.length, 1);
    const [pod] = pods.items;
    assert.equal(pod!.status.phase, 'Running');
    assert.deepEqual(
      pod!.status.containerStatuses.map((c) => [c.ready, c.restartCount]),
      [[true, 0]],
    );
    const container = pod!.spec.containers[0]!;
    assert.ok(container.readinessProbe, 'the chart gives the relay a readiness probe');
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
    // The kubelet refuses to start a container that would run as root under runAsNonRoot.
    assert.equal(pod!.spec.securityContext.runAsNonRoot, true);
  });

  it('accepts an application’s tx-file and answers with a receipt', async () => {
    const group = await createGroup('modern', [app.public]);
    const bytes = serializeTxFile(
      buildTxFile({
        group: group.keys,
        senders: [app],
        client: app,
        blockchain: {
          lastblock: { height: 2_000_000, signature: 'a'.repeat(64) },
          trustedblock: { height: 1_999_990, signature: 'b'.repeat(64) },
        },
        message: { data: new TextEncoder().encode('from a pod') },
      }),
    );
    const response = await fetch(`${RELAY_URL}/v1/tx-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', authorization: `Bearer ${apiKey}` },
      body: bytes,
    });
    const body = (await response.json()) as { receipt?: { cid: string }; error?: { code: string } };
    assert.equal(response.status, 201, JSON.stringify(body));
    assert.ok(body.receipt?.cid);
  });
});
