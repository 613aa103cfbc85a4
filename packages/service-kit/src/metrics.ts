/**
 * Prometheus metrics for one service, all named `anchorpost_<service>_<what>[_total|_seconds]`,
 * in a registry of its own (so two services in one process — `npm start` — do not collide).
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

  counter(what: string, help: string, labelNames: readonly string[] = []): Counter {
    return new Counter({ name: this.#name(what), help, labelNames, registers: [this.registry] });
  }

  /** With `collect`, the gauge is set at each scrape (e.g. a value read from a server). */
  gauge(
    what: string,
    help: string,
    labelNames: readonly string[] = [],
    collect?: (gauge: Gauge) => void | Promise<void>,
  ): Gauge {
    return new Gauge({
      name: this.#name(what),
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
    return new Histogram({ name: this.#name(what), help, labelNames, buckets, registers: [this.registry] });
  }
}
