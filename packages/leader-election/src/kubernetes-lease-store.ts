/**
 * The lease as a coordination.k8s.io/v1 Lease object, through @kubernetes/client-node. In a pod
 * it uses the service account's token (the chart grants get/create/update on this one Lease
 * only); elsewhere the default kubeconfig.
 */
import {
  CoordinationV1Api,
  KubeConfig,
  V1Lease,
  V1LeaseSpec,
  V1MicroTime,
  V1ObjectMeta,
} from '@kubernetes/client-node';
import { LeaseConflict } from './lease.ts';
import type { LeaseRecord, LeaseSpec, LeaseStore } from './lease.ts';

function statusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number')
    return error.code;
  return undefined;
}

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec;
  const time = (value: unknown): number =>
    value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : 0;
  return {
    holderIdentity: spec?.holderIdentity ?? '',
    leaseDurationSeconds: spec?.leaseDurationSeconds ?? 0,
    acquireTime: time(spec?.acquireTime),
    renewTime: time(spec?.renewTime),
    leaseTransitions: spec?.leaseTransitions ?? 0,
    version: lease.metadata?.resourceVersion ?? '',
  };
}

export class KubernetesLeaseStore implements LeaseStore {
  readonly description: string;
  readonly #api: CoordinationV1Api;
  readonly #name: string;
  readonly #namespace: string;

  constructor(options: { name: string; namespace: string; kubeConfig?: KubeConfig }) {
    this.#name = options.name;
    this.#namespace = options.namespace;
    this.description = `lease ${options.namespace}/${options.name}`;
    let config = options.kubeConfig;
    if (config === undefined) {
      config = new KubeConfig();
      if (process.env.KUBERNETES_SERVICE_HOST !== undefined) config.loadFromCluster();
      else config.loadFromDefault();
    }
    this.#api = config.makeApiClient(CoordinationV1Api);
  }

  async get(): Promise<LeaseRecord | undefined> {
    try {
      return toRecord(await this.#api.readNamespacedLease({ name: this.#name, namespace: this.#namespace }));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  create(spec: LeaseSpec): Promise<LeaseRecord> {
    return this.#write(() =>
      this.#api.createNamespacedLease({ namespace: this.#namespace, body: this.#body(spec) }),
    );
  }

  replace(version: string, spec: LeaseSpec): Promise<LeaseRecord> {
    return this.#write(() =>
      this.#api.replaceNamespacedLease({
        name: this.#name,
        namespace: this.#namespace,
        body: this.#body(spec, version),
      }),
    );
  }

  async #write(call: () => Promise<V1Lease>): Promise<LeaseRecord> {
    try {
      return toRecord(await call());
    } catch (error) {
      if (statusOf(error) === 409) throw new LeaseConflict(`${this.description}: conflict`);
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
