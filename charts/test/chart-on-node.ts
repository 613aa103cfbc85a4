// The chart installed for real on a real node (./kube-node.ts: kubelet, containerd, scheduler and
// controller manager beside ./api-server.ts's control plane), with the images scripts/build-images.sh
// made, and the platform's end-to-end path run through the pods: the migrations hook Job runs as a
// pod and completes; the relay, batcher, anchorer, parser and proof API each become a pod that the
// kubelet starts as the chart says (uid 1000, read-only root, no capabilities) and finds ready
// through the chart's own probes; an application's tx-files sent to the relay pod are batched,
// anchored on anvil, indexed, and each proof fetched from the proof-API pod verifies against the
// chain under the auditor's own trust roots. The relay's pod is deleted once: its Deployment brings
// a new one, which takes files again, and every file either pod accepted is proven.
//
// Every pod is on the node's network, listening on loopback (the chart's `global.hostNetwork`): this
// machine may make no pod network. One install serves every check. Runs after the images are built
// (scripts/test.sh), as `npm run test:node -w @anchorpost/charts`; it skips, saying why, without
// root, the node's binaries, Docker or the images, unless ANCHORPOST_REQUIRE_KUBE_NODE=1, where it
// fails instead.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { missingKube, startApiServer, type ApiServer } from './api-server.ts';
import { missingNode, startNode, type KubeNode } from './kube-node.ts';
import { installRelease, NAMESPACE, type Release } from './node-release.ts';
import { auditorTrustRoots, fetchProofs, submit, txFile, verifyOnChain } from './node-scenario.ts';
import { startNodeServers, type NodeServers } from './node-servers.ts';
import { missingTools } from './tools.ts';
// The e2e suites' application client: it retries the same bytes until a receipt comes back.
import { submitUntilAccepted } from '../../e2e/test/clients.ts';

const run = promisify(execFile);
const SERVICES = ['relay', 'batcher', 'anchorer', 'parser', 'proof-api'] as const;
const IMAGES = [...SERVICES, 'migrate'].map((service) => `anchorpost/${service}:local`);
// The chart's ports (templates/*.yaml), on the node's loopback.
const RELAY_URL = 'http://127.0.0.1:7410';
const PROOF_API_URL = 'http://127.0.0.1:7450';

async function whyNot(): Promise<string | undefined> {
  let why = missingKube() ?? missingTools() ?? missingNode();
  if (why === undefined) {
    if (!process.env.ANCHORPOST_TEST_POSTGRES_URL) why = 'ANCHORPOST_TEST_POSTGRES_URL is needed';
    else {
      const listed = await run('docker', ['image', 'inspect', ...IMAGES]).catch(() => undefined);
      if (listed === undefined) why = `images not built (scripts/build-images.sh): ${IMAGES.join(', ')}`;
    }
  }
  if (why !== undefined && process.env.ANCHORPOST_REQUIRE_KUBE_NODE === '1') {
    throw new Error(`${why}; required because ANCHORPOST_REQUIRE_KUBE_NODE=1`);
  }
  return why;
}

interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: {
    securityContext: { runAsNonRoot?: boolean };
    containers: {
      securityContext: Record<string, unknown>;
      readinessProbe?: unknown;
      livenessProbe?: unknown;
    }[];
  };
  status: { phase: string; containerStatuses?: { ready: boolean; restartCount: number }[] };
}

const skip = await whyNot();

describe('the chart on a real node', { skip }, () => {
  let api: ApiServer | undefined;
  let node: KubeNode | undefined;
  let servers: NodeServers | undefined;
  let release: Release;
  /** Every file a relay pod gave a receipt for. */
  const accepted: string[] = [];

  const podsOf = async (component: string): Promise<Pod[]> => {
    const selector = `app.kubernetes.io/component=${component}`;
    const listed = await api!.kubectl(['get', 'pods', '-n', NAMESPACE, '-l', selector, '-o', 'json']);
    return (JSON.parse(listed) as { items: Pod[] }).items;
  };

  before(async () => {
    api = await startApiServer();
    const started = Date.now();
    // The node and the servers start side by side.
    const [nodeStarted, serversStarted] = await Promise.allSettled([
      startNode(api).then(async (n) => (await n.importImages(IMAGES), n)),
      startNodeServers(join(api.dir, 'servers'), process.env.ANCHORPOST_TEST_POSTGRES_URL!),
    ]);
    if (nodeStarted.status === 'fulfilled') node = nodeStarted.value;
    if (serversStarted.status === 'fulfilled') servers = serversStarted.value;
    // Whichever did start is stopped by after() if the other failed.
    for (const result of [nodeStarted, serversStarted]) {
      if (result.status === 'rejected') throw result.reason as Error;
    }
    release = await installRelease(api, node!, servers!);
    process.stdout.write(`# node, servers and install ready in ${Date.now() - started} ms\n`);
  });
  after(async () => {
    await node?.stop();
    await servers?.stop();
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

  for (const component of SERVICES) {
    it(`runs the ${component} as the chart says, ready through the chart's probes`, async () => {
      const pods = await podsOf(component);
      assert.equal(pods.length, 1);
      const [pod] = pods as [Pod];
      assert.equal(pod.status.phase, 'Running');
      assert.deepEqual(
        pod.status.containerStatuses?.map((c) => [c.ready, c.restartCount]),
        [[true, 0]],
      );
      const [container] = pod.spec.containers as [Pod['spec']['containers'][number]];
      assert.ok(container.readinessProbe && container.livenessProbe, 'the chart gives it both probes');
      assert.equal(container.securityContext.readOnlyRootFilesystem, true);
      assert.equal(container.securityContext.allowPrivilegeEscalation, false);
      assert.deepEqual(container.securityContext.capabilities, { drop: ['ALL'] });
      // The kubelet refuses to start a container that would run as root under runAsNonRoot.
      assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    });
  }

  it('accepts an application’s tx-files and answers each with a receipt', async () => {
    for (let i = 0; i < 3; i += 1) {
      accepted.push(await submit(RELAY_URL, release.apiKey, await txFile(release.app, `before ${i}`)));
    }
  });

  it('brings the relay back through its Deployment when its pod is deleted, losing no accepted file', async (t) => {
    const [old] = (await podsOf('relay')) as [Pod];
    // An application keeps sending across the delete, each file retried with the same bytes until
    // a receipt comes back, as "accepted means durable" allows.
    const done = new AbortController();
    const sender = (async () => {
      for (let i = 0; !done.signal.aborted; i += 1) {
        const bytes = await txFile(release.app, `across the delete ${i}`);
        const receipt = await submitUntilAccepted(
          () => RELAY_URL,
          release.apiKey,
          bytes,
          Date.now() + 150_000,
        );
        accepted.push(receipt.cid);
      }
    })();
    const deleted = Date.now();
    await api!.kubectl(['delete', 'pod', '-n', NAMESPACE, old.metadata.name, '--wait=true']);
    let back: Pod | undefined;
    while (back === undefined) {
      assert.ok(Date.now() - deleted < 120_000, 'no new relay pod ready within 120 s');
      await sleep(500);
      back = (await podsOf('relay')).find(
        (pod) => pod.metadata.uid !== old.metadata.uid && pod.status.containerStatuses?.[0]?.ready === true,
      );
    }
    t.diagnostic(
      `a new relay pod (${back.metadata.name}) was ready ${Date.now() - deleted} ms after the delete`,
    );
    const before = accepted.length;
    await submit(RELAY_URL, release.apiKey, await txFile(release.app, 'to the new pod')).then((cid) =>
      accepted.push(cid),
    );
    done.abort();
    await sender;
    t.diagnostic(
      `${accepted.length - 3} files accepted across the delete, ${accepted.length - before} by the new pod`,
    );
  });

  it('batches, anchors and indexes every accepted file; each proof from the proof-API pod verifies on the chain', async (t) => {
    assert.ok(accepted.length > 4, 'the files of the two tests above');
    const started = Date.now();
    const proofs = await fetchProofs(PROOF_API_URL, accepted, 180_000);
    t.diagnostic(`every proof served ${Date.now() - started} ms after the last file`);
    const chain = servers!.chain;
    const trust = auditorTrustRoots(chain, 'anchorpost');
    const published: unknown = await (await fetch(`${PROOF_API_URL}/v1/trust-roots`)).json();
    assert.deepEqual(published, trust, 'the proof API publishes the trust roots the auditor holds');
    for (const [cid, proof] of proofs) {
      const verified = await verifyOnChain(proof, chain, trust);
      assert.equal(verified.txFile, cid);
      assert.equal(verified.trusted, 'trust-roots');
      assert.deepEqual(
        verified.anchors.map((anchor) => anchor.chain),
        ['evm'],
      );
    }
  });
});
