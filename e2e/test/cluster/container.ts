// A service run from its image the way the chart runs it: uid 1000, a read-only root filesystem with
// only /tmp writable (the chart's emptyDir, a tmpfs here), every capability dropped, no privilege
// escalation. The host's network is the one network (the engine has no bridge), and every listener
// is bound to loopback: the image's 0.0.0.0 is for a pod's own address, which a host has not.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The image of each service, from ANCHORPOST_E2E_IMAGES (see imageFor). */
export type ImageOf = (service: string) => string;

/**
 * ANCHORPOST_E2E_IMAGES: unset, the services run as processes; `1`, from the images
 * scripts/build-images.sh makes by default (`anchorpost/<service>:local`); anything else is a
 * template in which `{service}` is replaced (`ghcr.io/anchorpost/{service}:0.1.0`).
 */
export function imagesFromEnvironment(env: NodeJS.ProcessEnv = process.env): ImageOf | undefined {
  const value = env['ANCHORPOST_E2E_IMAGES'];
  if (value === undefined || value === '') return undefined;
  const template = value === '1' ? 'anchorpost/{service}:local' : value;
  return (service) => template.replaceAll('{service}', service);
}

/** The variable prefix of a service's own listeners (`PROOF_API` for proof-api). */
function prefixOf(service: string): string {
  return service.toUpperCase().replaceAll('-', '_');
}

/** The variable naming a service's management port (`ANCHORPOST_PROOF_API_MANAGEMENT_PORT`). */
export function managementPortVariable(service: string): string {
  return `ANCHORPOST_${prefixOf(service)}_MANAGEMENT_PORT`;
}

export interface ContainerOptions {
  readonly name: string;
  readonly image: string;
  readonly service: string;
  /** Its settings; passed by name (`--env NAME`), so no value, secrets included, is on a command line. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Host folders the container reads (keys, the tenants file), mounted read-only at the same path. */
  readonly readOnlyMounts?: readonly string[];
  /** Arguments after the image (the entrypoint's). */
  readonly args?: readonly string[];
}

/** `docker run` arguments and the environment the docker CLI needs to pass the settings on. */
export function containerRun(options: ContainerOptions): { args: string[]; env: NodeJS.ProcessEnv } {
  const prefix = prefixOf(options.service);
  const env: Record<string, string> = {
    [`ANCHORPOST_${prefix}_HOST`]: '127.0.0.1',
    [`ANCHORPOST_${prefix}_MANAGEMENT_HOST`]: '127.0.0.1',
  };
  for (const [key, value] of Object.entries(options.env)) {
    // The host's own PATH and HOME are not the container's.
    if (value !== undefined && key !== 'PATH' && key !== 'HOME') env[key] = value;
  }
  const args = [
    'run',
    '--rm',
    '--name',
    options.name,
    '--network',
    'host',
    '--user',
    '1000:1000',
    '--read-only',
    '--tmpfs',
    '/tmp:rw,nosuid,nodev,size=256m',
    '--cap-drop',
    'ALL',
    '--security-opt',
    'no-new-privileges',
    ...(options.readOnlyMounts ?? []).flatMap((dir) => ['--volume', `${dir}:${dir}:ro`]),
    ...Object.keys(env).flatMap((key) => ['--env', key]),
    options.image,
    ...(options.args ?? []),
  ];
  return { args, env: { PATH: process.env.PATH, ...env } };
}

/** SIGKILLs a container: what a SIGKILL of the `docker run` client could not do. */
export async function killContainer(name: string): Promise<void> {
  await run('docker', ['kill', '--signal', 'KILL', name]).catch(() => undefined);
}

/** SIGTERMs a container (its `docker run` client then exits with the container's code). */
export async function stopContainer(name: string): Promise<void> {
  await run('docker', ['kill', '--signal', 'TERM', name]).catch(() => undefined);
}

/** Whether a Docker engine answers, and the reason when none does. */
export async function dockerEngine(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 20_000 });
    return { ok: true };
  } catch (error) {
    const why = (error as { stderr?: string }).stderr?.trim() || String(error);
    return { ok: false, why: `no Docker engine answers (scripts/start-docker.sh starts one): ${why}` };
  }
}

/** The images among `images` the engine does not have. */
export async function missingImages(images: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) {
    await run('docker', ['image', 'inspect', image]).catch(() => missing.push(image));
  }
  return missing;
}
