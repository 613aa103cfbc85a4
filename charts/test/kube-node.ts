// A real Kubernetes node beside the control plane of ./api-server.ts: kube-scheduler,
// kube-controller-manager and a kubelet (scripts/install-kube.sh) on a containerd of its own
// (Debian's, from docker.io) with the CRI plugin, so the chart's Deployments and hook Jobs become
// pods that run, and their probes are the kubelet's. Everything lives in the API server's temp
// folder and listens on 127.0.0.1 only.
//
// What this machine needs, and why (docs/kubernetes.md, "A real node"):
// - cgroup v1: Kubernetes 1.34 keeps it in maintenance, so the kubelet runs with `failCgroupV1: false`
//   and the cgroupfs driver (containerd 1.6 cannot tell the kubelet its driver).
// - This kernel refuses a negative `oom_score_adj` (EIO), which the kubelet asks for every sandbox
//   (-998) and runc then fails to start: containerd's `restrict_oom_score_adj` clamps it to its own.
// - No pod network may be made here, so the CNI configuration holds the `loopback` plugin alone: the
//   runtime reports its network ready, only host-network pods can start, and they bind loopback.
// - The kubelet refuses a loopback node IP (`--node-ip=127.0.0.1`), so the node has none; the
//   probes of a host-network pod then dial its port on the local system, never another address.
// - registry.k8s.io cannot be reached: the sandbox image is made from the `pause` binary that
//   scripts/install-kube.sh builds, and every image is imported from the local Docker engine.
//
// Needs root (containerd, the kubelet), the docker CLI and Debian's CNI plugins in /usr/lib/cni.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort, KUBE_BIN, stopProcess, tail, type ApiServer } from './api-server.ts';

const run = promisify(execFile);
const CNI_BIN = '/usr/lib/cni';
export const NODE_NAME = 'anchorpost-node';
const SANDBOX_IMAGE = 'registry.k8s.io/pause:3.10';
const POD_LOGS = '/var/log/pods';

/** Why a node cannot run here, or undefined when it can. */
export function missingNode(): string | undefined {
  if (process.getuid?.() !== 0) return 'the kubelet and containerd need root';
  for (const binary of ['kubelet', 'kube-scheduler', 'kube-controller-manager', 'pause']) {
    if (!existsSync(join(KUBE_BIN, binary)))
      return `${binary} is not in ${KUBE_BIN} (scripts/install-kube.sh)`;
  }
  if (!existsSync(join(CNI_BIN, 'loopback')))
    return `no CNI loopback plugin in ${CNI_BIN} (scripts/start-docker.sh)`;
  return undefined;
}

export interface KubeNode {
  /** Imports images from the local Docker engine into the node's containerd. */
  importImages(images: readonly string[]): Promise<void>;
  /** The last lines each component logged, for a failure message. */
  logs(): string;
  stop(): Promise<void>;
}

interface Component {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
}

function containerdConfig(dir: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  return [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    '[grpc]',
    `  address = "${dir}/containerd.sock"`,
    `[${cri}]`,
    `  sandbox_image = "${SANDBOX_IMAGE}"`,
    '  restrict_oom_score_adj = true',
    '  disable_tcp_service = true',
    `[${cri}.cni]`,
    `  bin_dir = "${CNI_BIN}"`,
    `  conf_dir = "${dir}/cni"`,
    '',
  ].join('\n');
}

function kubeletConfig(dir: string, port: number, healthzPort: number, containerd: string): string {
  return JSON.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '127.0.0.1',
    port,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort,
    cgroupDriver: 'cgroupfs',
    failCgroupV1: false,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${containerd}`,
    // The kubelet's own API is for the API server only, which this test never asks.
    authentication: { anonymous: { enabled: false }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
    staticPodPath: join(dir, 'static'),
    enforceNodeAllocatable: [],
    // A shared build machine's disk is often above the default eviction thresholds.
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
  });
}

/** Kills and deletes every container of the node, so no shim or pod process outlives the test. */
async function removeContainers(socket: string): Promise<void> {
  const ctr = (args: readonly string[]) =>
    run('ctr', ['--address', socket, '--namespace', 'k8s.io', ...args]);
  const { stdout } = await ctr(['tasks', 'ls', '--quiet']).catch(() => ({ stdout: '' }));
  const tasks = stdout.split('\n').filter((id) => id !== '');
  for (const id of tasks)
    await ctr(['tasks', 'kill', '--all', '--signal', 'SIGKILL', id]).catch(() => undefined);
  for (const id of tasks) await ctr(['tasks', 'delete', '--force', id]).catch(() => undefined);
}

/** Unmounts what the kubelet and containerd mounted under `dir` (volumes, sandboxes' /dev/shm, root filesystems). */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((path) => path === dir || path.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const path of mounts) await run('umount', ['--lazy', path]).catch(() => undefined);
}

/** The newest log of each container the test's pods ran (the kubelet writes them in /var/log/pods). */
function podLogs(): string {
  if (!existsSync(POD_LOGS)) return '';
  const dirs = readdirSync(POD_LOGS).filter((d) => d.startsWith('anchorpost_'));
  return dirs
    .flatMap((pod) =>
      readdirSync(join(POD_LOGS, pod)).map((container) => {
        const dir = join(POD_LOGS, pod, container);
        const newest = readdirSync(dir).sort().at(-1);
        return newest === undefined ? '' : `--- ${pod}/${container}\n${tail(join(dir, newest), 10)}`;
      }),
    )
    .join('\n');
}

/** The pause image, made from the binary scripts/install-kube.sh builds, in the Docker engine. */
async function makeSandboxImage(dir: string): Promise<void> {
  const rootfs = join(dir, 'pause-rootfs');
  await mkdir(rootfs, { recursive: true });
  await run('cp', [join(KUBE_BIN, 'pause'), join(rootfs, 'pause')]);
  await run('tar', ['-C', rootfs, '-cf', join(dir, 'pause.tar'), '.']);
  await run('docker', ['import', '--change', 'ENTRYPOINT ["/pause"]', join(dir, 'pause.tar'), SANDBOX_IMAGE]);
}

/** Starts containerd, the scheduler, the controller manager and a kubelet; waits for the node to be Ready. */
export async function startNode(api: ApiServer): Promise<KubeNode> {
  const dir = join(api.dir, 'node');
  await mkdir(join(dir, 'cni'), { recursive: true });
  await mkdir(join(dir, 'static'), { recursive: true });
  await writeFile(join(dir, 'containerd.toml'), containerdConfig(dir));
  await writeFile(
    join(dir, 'cni', '10-loopback.conflist'),
    JSON.stringify({ cniVersion: '1.0.0', name: 'loopback-only', plugins: [{ type: 'loopback' }] }),
  );
  const socket = join(dir, 'containerd.sock');
  const [kubeletPort, healthzPort, schedulerPort, managerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  await writeFile(join(dir, 'kubelet.json'), kubeletConfig(dir, kubeletPort, healthzPort, socket));
  const components: Component[] = [];
  const start = (name: string, binary: string, args: readonly string[]): void => {
    const log = join(dir, `${name}.log`);
    const child = spawn(binary, args, { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
    components.push({ name, child, log });
  };
  // The control plane's admin identity for the three: this is the test's own node, not the chart's.
  const asAdmin = [
    `--kubeconfig=${api.kubeconfig}`,
    `--authentication-kubeconfig=${api.kubeconfig}`,
    `--authorization-kubeconfig=${api.kubeconfig}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
  ];
  start('containerd', 'containerd', ['--config', join(dir, 'containerd.toml')]);
  start('kube-scheduler', join(KUBE_BIN, 'kube-scheduler'), [...asAdmin, `--secure-port=${schedulerPort}`]);
  start('kube-controller-manager', join(KUBE_BIN, 'kube-controller-manager'), [
    ...asAdmin,
    `--secure-port=${managerPort}`,
    `--service-account-private-key-file=${join(api.dir, 'sa.key')}`,
    `--root-ca-file=${join(api.dir, 'ca.crt')}`,
    // No pod network and no cloud: nothing to allocate or balance.
    '--controllers=*,-nodeipam,-service-lb-controller,-cloud-node-lifecycle',
  ]);
  const node: KubeNode = {
    async importImages(images) {
      const save = spawn('docker', ['save', ...images], { stdio: ['ignore', 'pipe', 'pipe'] });
      const load = spawn('ctr', ['--address', socket, '--namespace', 'k8s.io', 'images', 'import', '-'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      save.stdout.pipe(load.stdin);
      let stderr = '';
      for (const child of [save, load])
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const codes = await Promise.all(
        [save, load].map((child) => new Promise<number | null>((resolve) => child.once('close', resolve))),
      );
      if (codes.some((code) => code !== 0)) throw new Error(`importing ${images.join(', ')}: ${stderr}`);
    },
    logs: () => [...components.map((c) => `--- ${c.name}\n${tail(c.log, 25)}`), podLogs()].join('\n'),
    async stop() {
      const [containerd, ...others] = components;
      for (const component of others.reverse()) await stopProcess(component.child);
      await removeContainers(socket);
      if (containerd !== undefined) await stopProcess(containerd.child);
      await unmountUnder(dir);
    },
  };
  await waitFor(
    async () => run('ctr', ['--address', socket, 'version']).then(() => true),
    node,
    'containerd',
  );
  await makeSandboxImage(dir);
  await node.importImages([SANDBOX_IMAGE]);
  start('kubelet', join(KUBE_BIN, 'kubelet'), [
    `--kubeconfig=${api.kubeconfig}`,
    `--config=${join(dir, 'kubelet.json')}`,
    `--root-dir=${join(dir, 'kubelet')}`,
    `--hostname-override=${NODE_NAME}`,
    // Refused as loopback, so the node has no address: the probes of its host-network pods then
    // dial the local system, never one of the machine's other addresses.
    '--node-ip=127.0.0.1',
  ]);
  await waitFor(
    async () => {
      const ready = await api.kubectl([
        'get',
        'node',
        NODE_NAME,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]);
      return ready.trim() === 'True';
    },
    node,
    'the node to be Ready',
  );
  return node;
}

async function waitFor(check: () => Promise<boolean>, node: KubeNode, what: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      const logs = node.logs();
      await node.stop();
      throw new Error(`waited 120 s for ${what}:\n${logs}`);
    }
    await sleep(500);
  }
}
