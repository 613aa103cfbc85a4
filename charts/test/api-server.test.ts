// The chart against a real Kubernetes API server (etcd + kube-apiserver on 127.0.0.1, built by
// scripts/install-kube.sh; ./api-server.ts): `helm install` of the production-like values with
// the API server validating every object, the migration hook Jobs created before the rest, the
// exact rights of every ServiceAccount the chart makes (`kubectl auth can-i`), and two candidates
// electing a leader through a real coordination.k8s.io Lease with the anchorer's ServiceAccount
// token. No controller manager or kubelet runs, so the test itself marks each hook Job complete
// once it has been created, as the Job controller would after its pod ran; nothing else is faked.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { missingKube, startApiServer } from './api-server.ts';
import type { ApiServer } from './api-server.ts';
import { BIN, CHART, missingTools } from './tools.ts';

const run = promisify(execFile);
const NAMESPACE = 'anchorpost';
const RELEASE = 'anchorpost';
/** Short lease timing for the election test, set through the chart's own values. */
const LEASE = { durationMs: 4_000, renewDeadlineMs: 3_000, retryPeriodMs: 500 } as const;
/** The components the chart elects with the production values (sponsor and updater on). */
const ELECTED = ['anchorer', 'parser', 'relay', 'sponsor', 'updater'] as const;
const skip = missingKube() ?? missingTools();

interface KubeObject {
  readonly kind: string;
  readonly metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  readonly spec?: Record<string, unknown>;
  readonly automountServiceAccountToken?: boolean;
}

interface JobSeen {
  readonly name: string;
  readonly hook: string | undefined;
  /** Objects of the release already stored when the Job was (a pre-install hook: none). */
  readonly releaseObjectsBefore: number;
  readonly object: KubeObject;
}

const now = (): string => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** What the Job controller writes once the Job's one pod has succeeded. */
function completedStatus(): string {
  const at = now();
  const condition = (type: string) => ({
    type,
    status: 'True',
    lastProbeTime: at,
    lastTransitionTime: at,
    reason: 'CompletionsReached',
    message: 'Reached expected number of succeeded pods',
  });
  return JSON.stringify({
    status: {
      startTime: at,
      completionTime: at,
      succeeded: 1,
      ready: 0,
      terminating: 0,
      conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
    },
  });
}

/** `helm install` while playing the Job controller: every hook Job it waits for is completed. */
async function installChart(api: ApiServer, jobs: JobSeen[]): Promise<string> {
  const helm = join(BIN, 'helm');
  await run(helm, ['dependency', 'build', CHART]);
  const install = run(helm, [
    'install',
    RELEASE,
    CHART,
    '--kubeconfig',
    api.kubeconfig,
    '--namespace',
    NAMESPACE,
    '--create-namespace',
    '-f',
    join(CHART, 'ci/production-values.yaml'),
    '--set',
    `leaderElection.leaseDurationMs=${LEASE.durationMs}`,
    '--set',
    `leaderElection.renewDeadlineMs=${LEASE.renewDeadlineMs}`,
    '--set',
    `leaderElection.retryPeriodMs=${LEASE.retryPeriodMs}`,
    '--timeout',
    '120s',
  ]);
  // Read in the loop below while the install runs (an object, so its type does not narrow).
  const helmRun = { done: false };
  const finished = install.then(
    ({ stdout }) => ((helmRun.done = true), stdout),
    (error: unknown) => {
      helmRun.done = true;
      throw error;
    },
  );
  const completed = new Set<string>();
  while (!helmRun.done) {
    let listed: { items: KubeObject[] } = { items: [] };
    try {
      listed = JSON.parse(await api.kubectl(['get', 'jobs', '-n', NAMESPACE, '-o', 'json'])) as typeof listed;
    } catch {
      // The namespace does not exist yet.
    }
    for (const job of listed.items) {
      const name = job.metadata.name;
      if (completed.has(name)) continue;
      const release = JSON.parse(
        await api.kubectl([
          'get',
          'all,sa,roles,rolebindings,configmaps',
          '-n',
          NAMESPACE,
          '-o',
          'json',
          '-l',
          `app.kubernetes.io/instance=${RELEASE}`,
        ]),
      ) as { items: KubeObject[] };
      jobs.push({
        name,
        hook: job.metadata.annotations?.['helm.sh/hook'],
        releaseObjectsBefore: release.items.filter((item) => item.kind !== 'Job').length,
        object: job,
      });
      await api.kubectl([
        'patch',
        'job',
        name,
        '-n',
        NAMESPACE,
        '--subresource=status',
        '--type=merge',
        '-p',
        completedStatus(),
      ]);
      completed.add(name);
    }
    await sleep(200);
  }
  return finished;
}

/**
 * The Prometheus Operator's CRDs (the module make-k8s-schemas.sh takes its schemas from), so that
 * the ServiceMonitor and PrometheusRule of the production values are validated by the API server
 * against their real OpenAPI schemas too.
 */
async function installPrometheusCrds(api: ApiServer): Promise<void> {
  const { stdout } = await run(
    'go',
    ['mod', 'download', '-json', 'github.com/prometheus-operator/prometheus-operator@v0.85.0'],
    {
      // -modcacherw: the module cache stays deletable (CI removes its HOME, and the cache with it).
      env: { ...process.env, GOFLAGS: '-modcacherw' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const dir = join((JSON.parse(stdout) as { Dir: string }).Dir, 'example/prometheus-operator-crd');
  for (const kind of ['servicemonitors', 'prometheusrules']) {
    await api.kubectl(['create', '-f', join(dir, `monitoring.coreos.com_${kind}.yaml`)]);
  }
  await api.kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/prometheusrules.monitoring.coreos.com',
  ]);
}

interface CandidateEvent {
  readonly event: string;
  readonly identity: string;
  readonly at: number;
  readonly status?: number;
  readonly message?: string;
}

/** A ./lease-candidate.ts process: its events, in order. */
interface Candidate {
  readonly events: CandidateEvent[];
  /** The first such event from now on (or already seen and not yet taken). */
  next(event: string, timeoutMs: number): Promise<CandidateEvent>;
  seen(event: string): CandidateEvent | undefined;
  kill(signal: NodeJS.Signals): Promise<void>;
}

function startCandidate(identity: string, env: Record<string, string>): Candidate {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'lease-candidate.ts')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env, POD_NAME: identity },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: CandidateEvent[] = [];
  let taken = 0;
  let stderr = '';
  let buffered = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) events.push(JSON.parse(line) as CandidateEvent);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  return {
    events,
    seen: (event) => events.find((e) => e.event === event),
    async next(event, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = events.findIndex((e, i) => i >= taken && e.event === event);
        if (index >= 0) {
          taken = index + 1;
          return events[index]!;
        }
        if (child.exitCode !== null) throw new Error(`${identity} exited (${child.exitCode}): ${stderr}`);
        if (Date.now() > deadline)
          throw new Error(
            `${identity}: no ${event} within ${timeoutMs} ms; saw ${JSON.stringify(events)} ${stderr}`,
          );
        await sleep(20);
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

describe('the chart on a real Kubernetes API server', { skip }, () => {
  let api: ApiServer;
  let manifest: KubeObject[];
  const jobs: JobSeen[] = [];

  before(
    async () => {
      api = await startApiServer();
      await installPrometheusCrds(api);
      try {
        await installChart(api, jobs);
      } catch (error) {
        throw new Error(
          `helm install failed: ${String((error as { stderr?: string }).stderr ?? error)}\n${api.logs()}`,
          { cause: error },
        );
      }
      const { stdout } = await run(
        join(BIN, 'helm'),
        ['get', 'manifest', RELEASE, '-n', NAMESPACE, '--kubeconfig', api.kubeconfig],
        { maxBuffer: 64 * 1024 * 1024 },
      );
      manifest = parseAllDocuments(stdout)
        .map((doc) => doc.toJS() as KubeObject | null)
        .filter((doc): doc is KubeObject => doc !== null);
    },
    { timeout: 240_000 },
  );
  after(() => (api as ApiServer | undefined)?.stop());

  describe('helm install', () => {
    it('deploys the release: every object of its manifest is stored by the API server', async () => {
      const { stdout } = await run(join(BIN, 'helm'), [
        'status',
        RELEASE,
        '-n',
        NAMESPACE,
        '-o',
        'json',
        '--kubeconfig',
        api.kubeconfig,
      ]);
      assert.equal((JSON.parse(stdout) as { info: { status: string } }).info.status, 'deployed');
      assert.ok(manifest.length > 20, `only ${manifest.length} objects`);
      const stored = await api.kubectl(
        ['get', '-n', NAMESPACE, '-f', '-', '-o', 'name'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'List',
          items: manifest,
        }),
      );
      assert.equal(stored.trim().split('\n').length, manifest.length);
    });

    it('creates the migration hook Jobs before anything else of the release', () => {
      assert.deepEqual(jobs.map((job) => job.name).sort(), [
        `${RELEASE}-migrate-index`,
        `${RELEASE}-migrate-state`,
      ]);
      for (const job of jobs) {
        assert.equal(job.hook, 'pre-install,pre-upgrade');
        assert.equal(job.releaseObjectsBefore, 0, `${job.name} ran after other objects of the release`);
        const pod = (job.object.spec!.template as { spec: Record<string, unknown> }).spec;
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal((pod.securityContext as { runAsNonRoot?: boolean }).runAsNonRoot, true);
      }
      // hook-delete-policy hook-succeeded: the completed Jobs are gone again.
      return api.kubectl(['get', 'jobs', '-n', NAMESPACE, '-o', 'name']).then((left) => {
        assert.equal(left.trim(), '');
      });
    });

    it('passes strict server-side validation (unknown or duplicate fields refused)', async () => {
      const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifest });
      await api.kubectl(
        [
          'apply',
          '-n',
          NAMESPACE,
          '--server-side',
          '--force-conflicts',
          '--dry-run=server',
          '--validate=strict',
          '--field-manager=anchorpost-check',
          '-f',
          '-',
        ],
        list,
      );
      // The same check refuses a field the API does not know: it is not vacuous.
      const deployment = structuredClone(manifest.find((o) => o.kind === 'Deployment')!) as KubeObject & {
        spec: { template: { spec: { containers: Record<string, unknown>[] } } };
      };
      deployment.spec.template.spec.containers[0]!.imagePullPolicyy = 'Always';
      await assert.rejects(
        api.kubectl(
          [
            'apply',
            '-n',
            NAMESPACE,
            '--server-side',
            '--dry-run=server',
            '--validate=strict',
            '--field-manager=anchorpost-check',
            '-f',
            '-',
          ],
          JSON.stringify(deployment),
        ),
        /imagePullPolicyy: field not declared in schema/,
      );
    });
  });
  describe('ServiceAccounts: exactly the rights the chart means to give', () => {
    const user = (account: string): string => `system:serviceaccount:${NAMESPACE}:${account}`;
    const leaseOf = (component: string): string => `${RELEASE}-${component}`;

    async function canI(
      account: string,
      verb: string,
      resource: string,
      namespace = NAMESPACE,
    ): Promise<boolean> {
      try {
        await api.kubectl(['auth', 'can-i', verb, resource, '-n', namespace, `--as=${user(account)}`]);
        return true;
      } catch (error) {
        // `no` is exit status 1 with `no` on stdout; anything else is a failure of the check itself.
        if ((error as { stdout?: string }).stdout?.trim() === 'no') return false;
        throw error;
      }
    }

    /** `can-i --list` as rows `resources [urls] [names] [verbs]`, whitespace normalised. */
    async function rules(account: string): Promise<Set<string>> {
      const text = await api.kubectl(['auth', 'can-i', '--list', '-n', NAMESPACE, `--as=${user(account)}`]);
      return new Set(
        text
          .trim()
          .split('\n')
          .slice(1)
          .map((row) => row.trim().split(/\s+/).join(' ')),
      );
    }

    let accounts: KubeObject[];
    before(async () => {
      accounts = (
        JSON.parse(
          await api.kubectl([
            'get',
            'serviceaccounts',
            '-n',
            NAMESPACE,
            '-o',
            'json',
            '-l',
            `app.kubernetes.io/instance=${RELEASE}`,
          ]),
        ) as { items: KubeObject[] }
      ).items;
    });

    it('makes one ServiceAccount per workload; only the elected ones mount a token', async () => {
      const components = accounts.map((account) => account.metadata.name.slice(RELEASE.length + 1)).sort();
      assert.deepEqual(components, [
        'anchorer',
        'batcher',
        'parser',
        'proof-api',
        'relay',
        'sponsor',
        'updater',
      ]);
      for (const account of accounts) {
        const elected = (ELECTED as readonly string[]).includes(
          account.metadata.name.slice(RELEASE.length + 1),
        );
        assert.equal(account.automountServiceAccountToken, elected, account.metadata.name);
      }
      const deployments = JSON.parse(
        await api.kubectl(['get', 'deployments', '-n', NAMESPACE, '-o', 'json']),
      ) as { items: { metadata: { name: string }; spec: { template: { spec: Record<string, unknown> } } }[] };
      for (const deployment of deployments.items) {
        const pod = deployment.spec.template.spec;
        assert.equal(
          pod.serviceAccountName,
          deployment.metadata.name,
          `${deployment.metadata.name} runs as its own account`,
        );
      }
    });

    it('gives each elected component its own Lease and lease creation, nothing more', async () => {
      const baseline = await rules('no-such-account');
      for (const account of accounts) {
        const name = account.metadata.name;
        const component = name.slice(RELEASE.length + 1);
        const granted = [...(await rules(name))].filter((rule) => !baseline.has(rule)).sort();
        const expected = !(ELECTED as readonly string[]).includes(component)
          ? []
          : component === 'sponsor'
            ? ['leases.coordination.k8s.io [] [] [get update create]']
            : [
                'leases.coordination.k8s.io [] [] [create]',
                `leases.coordination.k8s.io [] [${leaseOf(component)}] [get update]`,
              ];
        assert.deepEqual(
          granted,
          expected.sort(),
          `rights of ${name} beyond what every authenticated user has`,
        );
      }
    });

    it('answers can-i as the chart means: own Lease yes; other Leases, deletion, listing, Secrets no', async () => {
      const checks: Promise<void>[] = [];
      for (const account of accounts) {
        const name = account.metadata.name;
        const component = name.slice(RELEASE.length + 1);
        const elected = (ELECTED as readonly string[]).includes(component);
        const expect = (verb: string, resource: string, allowed: boolean, namespace = NAMESPACE) =>
          checks.push(
            canI(name, verb, resource, namespace).then((answer) => {
              assert.equal(answer, allowed, `${name}: can-i ${verb} ${resource} -n ${namespace}`);
            }),
          );
        const own = `leases.coordination.k8s.io/${leaseOf(component)}`;
        expect('get', own, elected);
        expect('update', own, elected);
        expect('create', 'leases.coordination.k8s.io', elected);
        // Only the sponsor's Role leaves the Lease names open (one Lease per sponsor account).
        expect('update', `leases.coordination.k8s.io/${leaseOf('someone-else')}`, component === 'sponsor');
        expect('delete', own, false);
        expect('patch', own, false);
        expect('list', 'leases.coordination.k8s.io', false);
        expect('watch', 'leases.coordination.k8s.io', false);
        expect('create', 'leases.coordination.k8s.io', false, 'kube-system');
        expect('get', 'secrets', false);
        expect('list', 'configmaps', false);
        expect('create', 'pods', false);
        expect('create', 'serviceaccounts/token', false);
        expect('update', 'roles.rbac.authorization.k8s.io', false);
      }
      await Promise.all(checks);
    });
  });
  describe('leader election through a real coordination.k8s.io Lease', () => {
    const lease = `${RELEASE}-anchorer`;
    const candidates: Candidate[] = [];
    let env: Record<string, string>;
    after(() => Promise.all(candidates.map((candidate) => candidate.kill('SIGKILL'))));

    before(async () => {
      // The election's settings exactly as the chart gives them to the anchorer's pods, plus what
      // the kubelet would add: POD_NAMESPACE and POD_NAME (downward API), and the account's token.
      const deployment = JSON.parse(
        await api.kubectl(['get', 'deployment', lease, '-n', NAMESPACE, '-o', 'json']),
      ) as {
        spec: { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } };
      };
      env = Object.fromEntries(
        (deployment.spec.template.spec.containers[0]!.env ?? [])
          .filter((entry) => entry.name.startsWith('ANCHORPOST_LEADER_') && entry.value !== undefined)
          .map((entry) => [entry.name, entry.value!]),
      );
      assert.equal(env.ANCHORPOST_LEADER_ELECTION, 'kubernetes');
      env.POD_NAMESPACE = NAMESPACE;
    });

    const tokenFor = async (account: string): Promise<string> =>
      api.kubeconfigFor(
        account,
        (await api.kubectl(['create', 'token', account, '-n', NAMESPACE, '--duration=10m'])).trim(),
      );

    interface LeaseSpec {
      holderIdentity?: string;
      leaseTransitions?: number;
      renewTime?: string;
    }
    const holder = async (): Promise<LeaseSpec> =>
      (
        JSON.parse(await api.kubectl(['get', 'lease', lease, '-n', NAMESPACE, '-o', 'json'])) as {
          spec: LeaseSpec;
        }
      ).spec;

    it('elects one of two anchorer candidates, and the other takes over when the leader is SIGKILLed', async (t) => {
      const kubeconfig = await tokenFor(lease);
      const a = startCandidate('anchorer-a', { ...env, KUBECONFIG: kubeconfig });
      candidates.push(a);
      await a.next('started', 30_000);
      assert.equal((await holder()).holderIdentity, 'anchorer-a');

      const b = startCandidate('anchorer-b', { ...env, KUBECONFIG: kubeconfig });
      // A candidate with the relay's account, whose rights end at its own Lease: refused, never leads.
      const intruder = startCandidate('relay-x', { ...env, KUBECONFIG: await tokenFor(`${RELEASE}-relay`) });
      candidates.push(b, intruder);
      await b.next('campaigning', 30_000);
      // A full lease duration in which the leader renews: the standby must not take over.
      await sleep(LEASE.durationMs);
      assert.equal(b.seen('started'), undefined, 'the standby led while the leader was alive');
      const before = await holder();
      assert.equal(before.holderIdentity, 'anchorer-a');
      const refusal = await intruder.next('error', 30_000);
      assert.equal(refusal.status, 403, refusal.message);
      assert.equal(intruder.seen('started'), undefined);

      const killedAt = Date.now();
      await a.kill('SIGKILL');
      // The dead leader's last renewal, as the Lease records it (a write still in flight at the kill
      // can only make the real one later).
      const lastRenewal = Date.parse((await holder()).renewTime ?? '');
      assert.ok(Number.isFinite(lastRenewal), 'the Lease has a renewTime');
      const started = await b.next('started', LEASE.durationMs * 5);
      const takeoverMs = started.at - killedAt;
      t.diagnostic(
        `takeover after SIGKILL of the leader: ${takeoverMs} ms after the kill, ` +
          `${started.at - lastRenewal} ms after its last renewal (lease ${LEASE.durationMs} ms, retry ${LEASE.retryPeriodMs} ms)`,
      );
      // The lease's own bound, and the only timed assertion: nobody else leads before a full lease
      // duration has passed since the holder's last renewal.
      assert.ok(
        started.at >= lastRenewal + LEASE.durationMs,
        `took over ${started.at - lastRenewal} ms after the last renewal: before the lease expired`,
      );
      const after = await holder();
      assert.equal(after.holderIdentity, 'anchorer-b');
      assert.equal(after.leaseTransitions, (before.leaseTransitions ?? 0) + 1);

      // SIGTERM: the leader steps down and releases the Lease for the next one at once.
      await b.kill('SIGTERM');
      assert.deepEqual(
        b.events.slice(-2).map((e) => e.event),
        ['stopped', 'closed'],
      );
      assert.equal((await holder()).holderIdentity ?? '', '');
    });
  });
});
