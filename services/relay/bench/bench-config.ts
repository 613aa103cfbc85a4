/** The bench's knobs, from `ANCHORPOST_BENCH_*`; small defaults keep a run within about two minutes on two cores. */
import { ConfigError, loadConfig, type ConfigOf } from '@anchorpost/service-kit';

export const benchConfigSchema = {
  /** Distinct tx-files per throughput phase (baseline B, HTTP, gRPC; baseline A reuses B's). */
  files: { kind: 'int', env: 'ANCHORPOST_BENCH_FILES', default: 1000, min: 8, max: 100_000 },
  /** Files submitted in-process, untimed, before the first phase (JIT, PGlite and Helia caches). */
  warmup: { kind: 'int', env: 'ANCHORPOST_BENCH_WARMUP', default: 100, min: 0, max: 10_000 },
  /** A throughput phase stops taking new files after this long (a slow relay still ends in time). */
  phaseMs: { kind: 'duration', env: 'ANCHORPOST_BENCH_PHASE_DURATION', default: 15_000 },
  /** Requests in flight (HTTP sockets, gRPC streams, in-process callers). */
  concurrency: { kind: 'int', env: 'ANCHORPOST_BENCH_CONCURRENCY', default: 8, min: 1, max: 256 },
  /** Recipient groups the files go to (one SSE subscriber each). */
  groups: { kind: 'int', env: 'ANCHORPOST_BENCH_GROUPS', default: 4, min: 1, max: 64 },
  /** Offered rates of the latency phase, files/s, comma-separated. */
  rates: { kind: 'string', env: 'ANCHORPOST_BENCH_RATES', default: '25,100,250', pattern: /^\d+(,\d+)*$/ },
  /** How long each offered rate is sent. */
  rateMs: { kind: 'duration', env: 'ANCHORPOST_BENCH_RATE_DURATION', default: 10_000 },
  /**
   * Open loop, but not unbounded: a rate stops sending once this many files are sent and not yet
   * delivered (the relay cannot keep up), so the bench and the relay's shutdown stay bounded.
   */
  maxBacklog: { kind: 'int', env: 'ANCHORPOST_BENCH_MAX_BACKLOG', default: 200, min: 1, max: 100_000 },
  /** After a rate's window, how long to wait for the last receipts and deliveries. */
  drainMs: { kind: 'duration', env: 'ANCHORPOST_BENCH_DRAIN_TIMEOUT', default: 15_000 },
  /** The relay's check threads (ANCHORPOST_RELAY_CHECK_THREADS): 0 runs each file's checks on the event loop. */
  checkThreads: { kind: 'int', env: 'ANCHORPOST_BENCH_CHECK_THREADS', default: 1, min: 0, max: 64 },
  /** Bytes of message data per tx-file (a 1 KiB body makes a ~3.5 KB modern tx-file). */
  bodyBytes: { kind: 'int', env: 'ANCHORPOST_BENCH_BODY_BYTES', default: 1024, min: 1, max: 512 * 1024 },
} as const;

export interface BenchConfig extends Omit<ConfigOf<typeof benchConfigSchema>, 'rates'> {
  rates: number[];
}

export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const config = loadConfig(benchConfigSchema, env);
  const rates = config.rates.split(',').map(Number);
  if (rates.some((rate) => rate < 1))
    throw new ConfigError('ANCHORPOST_BENCH_RATES', 'rates must be ≥ 1 file/s');
  return { ...config, rates };
}
