/**
 * Prometheus metrics for one service, all named `anchorpost_<service>_<what>[_total|_seconds]`,
 * in a registry of its own (so two services in one process — `npm start` — do not collide).
 * Asking twice for one name answers the metric already registered (e.g. one per chain driver,
 * told apart by a `chain` label), as long as it is of the same kind.
 *
 * Each service declares its metric names in one table (`<service>-metrics.ts`), the way the
 * dashboards and alerts see them; a name that is not in the table (nor service-kit's own) is
 * refused when it is registered, so no metric appears that the table does not list.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** `relay`, `proof-api`: a hyphen becomes `_` in metric names (`anchorpost_proof_api_*`). */
const SERVICE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const WHAT = /^[a-z][a-z0-9_]*$/;

/** A service's metric names (`what`, without the `anchorpost_<service>_` prefix), by purpose. */
export type MetricNames = Readonly<Record<string, string>>;

/** What every service has, whatever its table says. */
export const SERVICE_KIT_METRICS = {
  httpRequestDuration: 'http_request_duration_seconds',
} as const satisfies MetricNames;

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly prefix: string;
  readonly httpDuration: Histogram;
  readonly #service: string;
  readonly #declared: ReadonlySet<string>;

  /** `names`: the service's metric table; nothing outside it (and SERVICE_KIT_METRICS) registers. */
  constructor(service: string, names: MetricNames = {}) {
    if (!SERVICE.test(service)) throw new Error(`service name '${service}' must match ${String(SERVICE)}`);
    this.#service = service;
    this.#declared = new Set([...Object.values(SERVICE_KIT_METRICS), ...Object.values(names)]);
    this.prefix = `anchorpost_${service.replaceAll('-', '_')}_`;
    collectDefaultMetrics({ register: this.registry, prefix: this.prefix });
    this.httpDuration = this.histogram(
      SERVICE_KIT_METRICS.httpRequestDuration,
      'HTTP requests by route and status',
      ['method', 'route', 'status'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    );
  }

  #name(what: string): string {
    if (!WHAT.test(what)) throw new Error(`metric name '${what}' must match ${String(WHAT)}`);
    if (!this.#declared.has(what))
      throw new Error(`metric '${what}' is not in the ${this.#service} metric table (<service>-metrics.ts)`);
    return this.prefix + what;
  }

  #existing<T>(name: string, kind: abstract new (...args: never[]) => T): T | undefined {
    const metric = this.registry.getSingleMetric(name);
    if (metric === undefined) return undefined;
    if (!(metric instanceof kind)) throw new Error(`metric '${name}' is already registered as another kind`);
    return metric;
  }

  counter(what: string, help: string, labelNames: readonly string[] = []): Counter {
    const name = this.#name(what);
    return (
      this.#existing(name, Counter) ?? new Counter({ name, help, labelNames, registers: [this.registry] })
    );
  }

  /** With `collect`, the gauge is set at each scrape (e.g. a value read from a server). */
  gauge(
    what: string,
    help: string,
    labelNames: readonly string[] = [],
    collect?: (gauge: Gauge) => void | Promise<void>,
  ): Gauge {
    const name = this.#name(what);
    const existing = this.#existing(name, Gauge);
    if (existing !== undefined) return existing;
    return new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      ...(collect === undefined
        ? {}
        : {
            collect(this: Gauge) {
              return collect(this);
            },
          }),
    });
  }

  histogram(what: string, help: string, labelNames: readonly string[], buckets: number[]): Histogram {
    const name = this.#name(what);
    return (
      this.#existing(name, Histogram) ??
      new Histogram({ name, help, labelNames, buckets, registers: [this.registry] })
    );
  }
}
