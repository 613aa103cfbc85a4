/**
 * The lease as a coordination.k8s.io/v1 Lease, through @kubernetes/client-node's CoordinationV1Api
 * (read, create, replace with metadata.resourceVersion). In a pod it authenticates with the
 * service account (the chart grants get/create/update on leases); elsewhere with the default
 * kubeconfig. The times go out as MicroTime (6 fractional digits), as the API server requires.
 */
import {
  CoordinationV1Api,
  KubeConfig,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
  V1ObjectMeta,
} from '@kubernetes/client-node';
import { LeaseConflict, LeaseNotFound } from './lease.ts';
import type { LeaseApi, LeaseRecord, LeaseSpec } from './lease.ts';

export interface KubernetesLeaseApiOptions {
  readonly name: string;
  readonly namespace: string;
  /** Default: the pod's service account in a cluster (KUBERNETES_SERVICE_HOST), else ~/.kube/config. */
  readonly kubeConfig?: KubeConfig;
}

function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;
}

function millis(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  return 0;
}

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec;
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: millis(spec?.acquireTime),
    renewTime: millis(spec?.renewTime),
    leaseTransitions: spec?.leaseTransitions ?? 0,
    version: lease.metadata?.resourceVersion ?? '',
  };
}

export function defaultKubeConfig(env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const config = new KubeConfig();
  if (env.KUBERNETES_SERVICE_HOST !== undefined && env.KUBERNETES_SERVICE_HOST !== '')
    config.loadFromCluster();
  else config.loadFromDefault();
  return config;
}

export class KubernetesLeaseApi implements LeaseApi {
  readonly description: string;
  readonly #api: CoordinationV1Api;
  readonly #name: string;
  readonly #namespace: string;

  constructor(options: KubernetesLeaseApiOptions) {
    this.#name = options.name;
    this.#namespace = options.namespace;
    this.description = `lease ${options.namespace}/${options.name}`;
    this.#api = (options.kubeConfig ?? defaultKubeConfig()).makeApiClient(CoordinationV1Api);
  }

  async get(): Promise<LeaseRecord | undefined> {
    try {
      return toRecord(await this.#api.readNamespacedLease({ name: this.#name, namespace: this.#namespace }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create(spec: LeaseSpec): Promise<LeaseRecord> {
    try {
      return toRecord(
        await this.#api.createNamespacedLease({ namespace: this.#namespace, body: this.#body(spec) }),
      );
    } catch (error) {
      if (statusOf(error) === 409)
        throw new LeaseConflict('AlreadyExists', `${this.description} already exists`);
      throw error;
    }
  }

  async replace(version: string, spec: LeaseSpec): Promise<LeaseRecord> {
    try {
      return toRecord(
        await this.#api.replaceNamespacedLease({
          name: this.#name,
          namespace: this.#namespace,
          body: this.#body(spec, version),
        }),
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 409)
        throw new LeaseConflict('Conflict', `${this.description}: resourceVersion ${version} is stale`);
      if (status === 404) throw new LeaseNotFound(`${this.description} not found`);
      throw error;
    }
  }

  #body(spec: LeaseSpec, resourceVersion?: string): V1Lease {
    const metadata = new V1ObjectMeta();
    metadata.name = this.#name;
    metadata.namespace = this.#namespace;
    if (resourceVersion !== undefined) metadata.resourceVersion = resourceVersion;
    const leaseSpec = new V1LeaseSpec();
    leaseSpec.holderIdentity = spec.holderIdentity;
    leaseSpec.leaseDurationSeconds = spec.leaseDurationSeconds;
    leaseSpec.acquireTime = new V1MicroTime(spec.acquireTime);
    leaseSpec.renewTime = new V1MicroTime(spec.renewTime);
    leaseSpec.leaseTransitions = spec.leaseTransitions;
    const lease = new V1Lease();
    lease.apiVersion = 'coordination.k8s.io/v1';
    lease.kind = 'Lease';
    lease.metadata = metadata;
    lease.spec = leaseSpec;
    return lease;
  }
}
