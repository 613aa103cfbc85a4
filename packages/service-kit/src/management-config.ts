/**
 * Every service's management listener: `/metrics`, the detailed `/readyz` and `/healthz`, on a
 * port of its own so that what routes the public port (an Ingress with `path: /`) never reaches
 * them. Loopback by default, as every listener of a local `npm start`; a cluster sets the host to
 * the pod's address (the chart does) so Prometheus and the kubelet's probes reach it.
 */
import type { ConfigSchema } from '@anchorpost/config';

/** `prefix`: the service's variable prefix (`RELAY`, `PROOF_API`); `port`: its default port. */
export function managementConfigSchema<Prefix extends string>(prefix: Prefix, port: number) {
  return {
    managementHost: {
      kind: 'string',
      env: `ANCHORPOST_${prefix}_MANAGEMENT_HOST`,
      default: '127.0.0.1',
    },
    managementPort: {
      kind: 'int',
      env: `ANCHORPOST_${prefix}_MANAGEMENT_PORT`,
      default: port,
      min: 0,
      max: 65_535,
    },
    /** How often the readiness checks run in the background; probes read the last result. */
    readinessInterval: {
      kind: 'duration',
      env: `ANCHORPOST_${prefix}_READINESS_INTERVAL`,
      default: 5_000,
    },
  } as const satisfies ConfigSchema;
}
