/**
 * Prometheus metrics for one service, all named `anchorpost_<service>_<what>[_total|_seconds]`,
 * in a registry of its own (so two services in one process — `npm start` — do not collide).
 * Asking twice for one name answers the metric already registered (e.g. one per chain driver,
 * told apart by a `chain` label), as long as it is of the same kind.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** `relay`, `proof-api`: a hyphen becomes `_` in metric names (`anchorpost_proof_api_*`). */
const SERVICE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const WHAT = /^[a-z][a-z0-9_]*$/;

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly prefix: string;
  readonly httpDuration: Histogram;

  constructor(service: string) {
    if (!SERVICE.test(service)) throw new Error(`service name '${service}' must match ${String(SERVICE)}`);
    this.prefix = `anchorpost_${service.replaceAll('-', '_')}_`;
    collectDefaultMetrics({ register: this.registry, prefix: this.prefix });
    this.httpDuration = this.histogram(
      'http_request_duration_seconds',
      'HTTP requests by route and status',
      ['method', 'route', 'status'],
      [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    );
  }

  #name(what: string): string {
    if (!WHAT.test(what)) throw new Error(`metric name '${what}' must match ${String(WHAT)}`);
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
