/**
 * The Kubernetes lease of a service's election, its client (kubernetes-lease-api.ts) imported on the
 * first request: loading @kubernetes/client-node costs a process about 80 MiB of RSS (22 MiB of
 * heap), which a service whose election is off or on a lease file — every service of `npm start` —
 * never needs. The first request is the elector's first try, as the service starts.
 */
import type { KubernetesLeaseApiOptions } from './kubernetes-lease-api.ts';
import type { LeaseApi, LeaseSpec } from './lease.ts';

export function lazyKubernetesLeaseApi(options: KubernetesLeaseApiOptions): LeaseApi {
  let loaded: Promise<LeaseApi> | undefined;
  const api = (): Promise<LeaseApi> =>
    (loaded ??= import('./kubernetes-lease-api.ts').then(
      ({ KubernetesLeaseApi }) => new KubernetesLeaseApi(options),
    ));
  return {
    description: `lease ${options.namespace}/${options.name}`,
    get: async () => (await api()).get(),
    create: async (spec: LeaseSpec) => (await api()).create(spec),
    replace: async (version: string, spec: LeaseSpec) => (await api()).replace(version, spec),
  };
}
