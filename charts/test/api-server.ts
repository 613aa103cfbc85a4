// A real Kubernetes control plane for the chart tests: etcd and kube-apiserver (built by
// scripts/install-kube.sh) on 127.0.0.1 only, on free ports, in a temp folder that holds
// everything they need — a CA and the server's certificate made here with openssl, a bearer token
// for the admin (group system:masters, RBAC for everyone else) and the service-account signing key,
// so that TokenRequest hands out real ServiceAccount tokens. No controller manager, scheduler or
// kubelet runs: objects are stored and validated, nothing reconciles them.
//
// Present, or the tests skip — unless ANCHORPOST_REQUIRE_KUBE=1 (CI), where a missing binary fails.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KUBE_VERSION = 'v1.34.4';
export const KUBE_BIN =
  process.env.ANCHORPOST_KUBE_BIN_DIR ??
  join(process.env.ANCHORPOST_TOOLS_DIR ?? join(homedir(), '.cache/anchorpost'), `kube-${KUBE_VERSION}`);

/** Why the API server tests cannot run here, or undefined when they can. */
export function missingKube(): string | undefined {
  for (const binary of ['etcd', 'kube-apiserver', 'kubectl']) {
    if (!existsSync(join(KUBE_BIN, binary))) {
      const why = `${binary} is not in ${KUBE_BIN} (scripts/install-kube.sh)`;
      if (process.env.ANCHORPOST_REQUIRE_KUBE === '1') throw new Error(why);
      return why;
    }
  }
  return undefined;
}

export interface ApiServer {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig for the admin (system:masters). */
  readonly kubeconfig: string;
  readonly dir: string;
  /** kubectl as the admin; its stdout. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /** A kubeconfig that authenticates with this bearer token (a ServiceAccount's, say). */
  kubeconfigFor(name: string, token: string): Promise<string>;
  /** The last lines both servers logged, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** The CA, the serving certificate for 127.0.0.1 and the service-account key pair, in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  const oneDay = ['-days', '1'];
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-subj',
    '/CN=anchorpost-test-ca',
    ...oneDay,
  ]);
  await openssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=kube-apiserver',
  ]);
  await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-extfile',
    'server.ext',
    ...oneDay,
  ]);
  await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function kubeconfigText(url: string, ca: string, name: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: url, 'certificate-authority': ca } }],
    users: [{ name, user: { token } }],
    contexts: [{ name, context: { cluster: 'test', user: name } }],
    'current-context': name,
  });
}

/** The last lines of a log file, or '' when there is none. */
export function tail(path: string, lines = 30): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts etcd, then kube-apiserver, and waits until the API server answers /readyz. */
export async function startApiServer(): Promise<ApiServer> {
  const dir = await mkdtemp(join(tmpdir(), 'anchorpost-kube-'));
  await makeCertificates(dir);
  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  const etcdUrl = `http://127.0.0.1:${etcdClient}`;
  const etcdLog = join(dir, 'etcd.log');
  const apiLog = join(dir, 'kube-apiserver.log');
  const etcd = spawn(
    join(KUBE_BIN, 'etcd'),
    [
      '--name=test',
      `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
      // A throw-away store: durability costs seconds of fsync on a shared disk and buys nothing.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    { stdio: ['ignore', 'ignore', openSync(etcdLog, 'a')] },
  );
  const adminToken = randomBytes(24).toString('hex');
  await writeFile(join(dir, 'tokens.csv'), `${adminToken},anchorpost-test-admin,admin,"system:masters"\n`);
  const apiServer = spawn(
    join(KUBE_BIN, 'kube-apiserver'),
    [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${join(dir, 'certs')}`,
      `--tls-cert-file=${join(dir, 'server.crt')}`,
      `--tls-private-key-file=${join(dir, 'server.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      // The `kubernetes` Service's endpoints would be 127.0.0.1, which the API refuses: no pods
      // run here to reach it anyway.
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ],
    { stdio: ['ignore', 'ignore', openSync(apiLog, 'a')] },
  );
  const url = `https://127.0.0.1:${apiPort}`;
  const ca = join(dir, 'ca.crt');
  const kubeconfig = join(dir, 'admin.kubeconfig');
  await writeFile(kubeconfig, kubeconfigText(url, ca, 'admin', adminToken));
  const kubectl = async (args: readonly string[], input?: string): Promise<string> => {
    const child = execFile(join(KUBE_BIN, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (code) => {
        if (code === 0) resolve(stdout);
        else
          reject(
            Object.assign(new Error(`kubectl ${args.join(' ')}: ${stderr.trim()}`), { stdout, stderr, code }),
          );
      });
    });
  };
  const server: ApiServer = {
    url,
    kubeconfig,
    dir,
    kubectl,
    async kubeconfigFor(name, token) {
      const path = join(dir, `${name}.kubeconfig`);
      await writeFile(path, kubeconfigText(url, ca, name, token));
      return path;
    },
    logs: () => `--- etcd\n${tail(etcdLog)}\n--- kube-apiserver\n${tail(apiLog)}`,
    async stop() {
      await stopProcess(apiServer);
      await stopProcess(etcd);
      await rm(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (apiServer.exitCode !== null || etcd.exitCode !== null) {
      const logs = server.logs();
      await server.stop();
      throw new Error(`the control plane exited while starting:\n${logs}`);
    }
    try {
      if ((await kubectl(['get', '--raw', '/readyz'])).trim() === 'ok') return server;
    } catch (error) {
      if (Date.now() > deadline) {
        const logs = server.logs();
        await server.stop();
        throw new Error(`kube-apiserver not ready after 120 s: ${String(error)}\n${logs}`, { cause: error });
      }
    }
    await sleep(500);
  }
}
