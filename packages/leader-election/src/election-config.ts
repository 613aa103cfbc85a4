/**
 * A service's election from the environment, read once at start-up with @anchorpost/config's loadConfig
 * (a bad value is a ConfigError naming the variable):
 *   ANCHORPOST_LEADER_ELECTION         off (default: one replica, always the leader)
 *                                      | kubernetes (a coordination.k8s.io Lease)
 *                                      | embedded (a lease file: replicas sharing one disk)
 *   ANCHORPOST_LEADER_LEASE_NAME       default `anchorpost-<service>`
 *   ANCHORPOST_LEADER_LEASE_NAMESPACE  default POD_NAMESPACE, else the pod's service account namespace
 *   ANCHORPOST_LEADER_LEASE_FILE       default `<ANCHORPOST_DATA_DIR or ./data>/leases/<name>.json`
 *   ANCHORPOST_LEADER_IDENTITY         default POD_NAME, else `<hostname>-<pid>`
 *   ANCHORPOST_LEADER_LEASE_DURATION / _RENEW_DEADLINE / _RETRY_PERIOD   15s / 10s / 2s (client-go's)
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, type ConfigOf, type ConfigSchema } from '@anchorpost/config';
import { FileLeaseApi } from './file-lease-api.ts';
import { lazyKubernetesLeaseApi } from './lazy-kubernetes-lease-api.ts';
import type { ElectionFactory } from './leader-elector.ts';
import { LeaseElector } from './lease-elector.ts';

/** A DNS subdomain name, as Kubernetes object names are. */
const LEASE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export const electionConfigSchema = {
  mode: {
    kind: 'enum',
    env: 'ANCHORPOST_LEADER_ELECTION',
    values: ['off', 'kubernetes', 'embedded'],
    default: 'off',
  },
  leaseName: { kind: 'string', env: 'ANCHORPOST_LEADER_LEASE_NAME', default: '', pattern: LEASE_NAME },
  namespace: { kind: 'string', env: 'ANCHORPOST_LEADER_LEASE_NAMESPACE', default: '', pattern: LEASE_NAME },
  leaseFile: { kind: 'string', env: 'ANCHORPOST_LEADER_LEASE_FILE', default: '' },
  identity: { kind: 'string', env: 'ANCHORPOST_LEADER_IDENTITY', default: '' },
  leaseDurationMs: { kind: 'duration', env: 'ANCHORPOST_LEADER_LEASE_DURATION', default: 15_000 },
  renewDeadlineMs: { kind: 'duration', env: 'ANCHORPOST_LEADER_RENEW_DEADLINE', default: 10_000 },
  retryPeriodMs: { kind: 'duration', env: 'ANCHORPOST_LEADER_RETRY_PERIOD', default: 2_000 },
} as const satisfies ConfigSchema;

/** Where the election's defaults come from: the pod (downward API) and the data folder. */
export const electionDefaultsSchema = {
  podNamespace: { kind: 'string', env: 'POD_NAMESPACE', optional: true },
  podName: { kind: 'string', env: 'POD_NAME', optional: true },
  dataDir: { kind: 'string', env: 'ANCHORPOST_DATA_DIR', default: 'data' },
} as const satisfies ConfigSchema;

/**
 * Millisecond settings of an earlier draft, refused by name so that a manifest still setting them
 * fails at start-up instead of silently running on the defaults.
 */
const RENAMED: Readonly<Record<string, string>> = {
  ANCHORPOST_LEADER_LEASE_DURATION_MS: 'ANCHORPOST_LEADER_LEASE_DURATION',
  ANCHORPOST_LEADER_RENEW_DEADLINE_MS: 'ANCHORPOST_LEADER_RENEW_DEADLINE',
  ANCHORPOST_LEADER_RETRY_PERIOD_MS: 'ANCHORPOST_LEADER_RETRY_PERIOD',
};

export type ElectionMode = ConfigOf<typeof electionConfigSchema>['mode'];

/** The settings with every default filled in. */
export type ElectionConfig = ConfigOf<typeof electionConfigSchema>;

type Env = Readonly<Record<string, string | undefined>>;

/** `service` names the default lease (`anchorpost-anchorer`). Throws ConfigError. */
export function electionConfigFromEnv(env: Env, service: string): ElectionConfig {
  for (const [old, now] of Object.entries(RENAMED)) {
    if (env[old] !== undefined)
      throw new ConfigError(old, `is not read: set ${now} (a duration such as 15s; a bare number is ms)`);
  }
  const loaded = loadConfig(electionConfigSchema, env);
  const pod = loadConfig(electionDefaultsSchema, env);
  const leaseName = loaded.leaseName || `anchorpost-${service}`;
  let namespace = loaded.namespace || pod.podNamespace || '';
  if (loaded.mode === 'kubernetes' && namespace === '') {
    try {
      namespace = readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim();
    } catch {
      throw new ConfigError(
        'ANCHORPOST_LEADER_LEASE_NAMESPACE',
        'is required outside a pod (in a pod: POD_NAMESPACE or the service account namespace)',
      );
    }
  }
  const config: ElectionConfig = {
    ...loaded,
    leaseName,
    namespace,
    leaseFile: loaded.leaseFile || join(resolve(pod.dataDir), 'leases', `${leaseName}.json`),
    identity: loaded.identity || pod.podName || `${hostname()}-${process.pid}`,
  };
  if (!(config.retryPeriodMs < config.renewDeadlineMs && config.renewDeadlineMs < config.leaseDurationMs)) {
    throw new ConfigError(
      'ANCHORPOST_LEADER_RENEW_DEADLINE',
      `expected retry period < renew deadline < lease duration, got ${config.retryPeriodMs} ms, ` +
        `${config.renewDeadlineMs} ms, ${config.leaseDurationMs} ms`,
    );
  }
  return Object.freeze(config);
}

/** The service's election, or undefined for `off` (the service then always leads). */
export function electionFactory(config: ElectionConfig): ElectionFactory | undefined {
  if (config.mode === 'off') return undefined;
  const api =
    config.mode === 'kubernetes'
      ? lazyKubernetesLeaseApi({ name: config.leaseName, namespace: config.namespace })
      : new FileLeaseApi(config.leaseFile);
  return (callbacks) =>
    new LeaseElector({
      api,
      identity: config.identity,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      ...callbacks,
    });
}
