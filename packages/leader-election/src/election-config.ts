/**
 * The election of a service from the environment, checked once at start-up:
 *   ANCHORPOST_LEADER_ELECTION        off (default: a single replica, always the leader)
 *                                     | kubernetes (a coordination.k8s.io Lease)
 *                                     | file (a lease file: replicas on one machine)
 *   ANCHORPOST_LEADER_LEASE_NAME      default `anchorpost-<service>`
 *   ANCHORPOST_LEADER_LEASE_NAMESPACE default POD_NAMESPACE (kubernetes)
 *   ANCHORPOST_LEADER_LEASE_FILE      default `<ANCHORPOST_DATA_DIR or ./data>/leases/<name>.json` (file)
 *   ANCHORPOST_LEADER_IDENTITY        default POD_NAME, else `<hostname>-<pid>`
 *   ANCHORPOST_LEADER_LEASE_DURATION_MS / _RENEW_DEADLINE_MS / _RETRY_PERIOD_MS  15000 / 10000 / 2000
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { FileLeaseStore } from './file-lease-store.ts';
import { KubernetesLeaseStore } from './kubernetes-lease-store.ts';
import { alwaysLeader, LeaderElector } from './lease-elector.ts';
import type { LeaderElection, LeaderElectorOptions } from './lease-elector.ts';

export type ElectionMode = 'off' | 'kubernetes' | 'file';

export interface ElectionConfig {
  readonly mode: ElectionMode;
  readonly leaseName: string;
  readonly namespace: string;
  readonly file: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

/** A bad setting: the variable and what is wrong (services turn it into their ConfigError). */
export class ElectionConfigError extends Error {
  override readonly name = 'ElectionConfigError';
  readonly variable: string;
  /** What is wrong with it. */
  readonly detail: string;
  constructor(variable: string, detail: string) {
    super(`${variable} ${detail}`);
    this.variable = variable;
    this.detail = detail;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function electionConfigFromEnv(env: Env, service: string): ElectionConfig {
  const value = (key: string) => {
    const text = env[key]?.trim();
    return text === undefined || text === '' ? undefined : text;
  };
  const mode = value('ANCHORPOST_LEADER_ELECTION') ?? 'off';
  if (mode !== 'off' && mode !== 'kubernetes' && mode !== 'file') {
    throw new ElectionConfigError(
      'ANCHORPOST_LEADER_ELECTION',
      `expected off, kubernetes or file, got '${mode}'`,
    );
  }
  const leaseName = value('ANCHORPOST_LEADER_LEASE_NAME') ?? `anchorpost-${service}`;
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(leaseName)) {
    throw new ElectionConfigError('ANCHORPOST_LEADER_LEASE_NAME', 'must be a DNS subdomain name');
  }
  const namespace = value('ANCHORPOST_LEADER_LEASE_NAMESPACE') ?? value('POD_NAMESPACE') ?? '';
  if (mode === 'kubernetes' && namespace === '') {
    throw new ElectionConfigError(
      'ANCHORPOST_LEADER_LEASE_NAMESPACE',
      'is required (or POD_NAMESPACE from the downward API)',
    );
  }
  const ms = (key: string, fallback: number) => {
    const text = value(key);
    if (text === undefined) return fallback;
    if (!/^\d{1,9}$/.test(text) || Number(text) < 1)
      throw new ElectionConfigError(key, `expected milliseconds, got '${text}'`);
    return Number(text);
  };
  const config: ElectionConfig = {
    mode,
    leaseName,
    namespace,
    file:
      value('ANCHORPOST_LEADER_LEASE_FILE') ??
      join(resolve(value('ANCHORPOST_DATA_DIR') ?? 'data'), 'leases', `${leaseName}.json`),
    identity: value('ANCHORPOST_LEADER_IDENTITY') ?? value('POD_NAME') ?? `${hostname()}-${process.pid}`,
    leaseDurationMs: ms('ANCHORPOST_LEADER_LEASE_DURATION_MS', 15_000),
    renewDeadlineMs: ms('ANCHORPOST_LEADER_RENEW_DEADLINE_MS', 10_000),
    retryPeriodMs: ms('ANCHORPOST_LEADER_RETRY_PERIOD_MS', 2_000),
  };
  if (!(config.retryPeriodMs < config.renewDeadlineMs && config.renewDeadlineMs < config.leaseDurationMs)) {
    throw new ElectionConfigError(
      'ANCHORPOST_LEADER_LEASE_DURATION_MS',
      'expected retry period < renew deadline < lease duration',
    );
  }
  return config;
}

/** What runs the election: a factory the service calls with its term callbacks. */
export type ElectionFactory = (
  callbacks: Pick<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onError'>,
) => LeaderElection;

export function electionFactory(config: ElectionConfig): ElectionFactory {
  if (config.mode === 'off') return (callbacks) => alwaysLeader(callbacks);
  const store =
    config.mode === 'kubernetes'
      ? new KubernetesLeaseStore({ name: config.leaseName, namespace: config.namespace })
      : new FileLeaseStore(config.file);
  return (callbacks) =>
    new LeaderElector({
      store,
      identity: config.identity,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      ...callbacks,
    });
}
