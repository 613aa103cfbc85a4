/**
 * Readiness: can this instance do its work now (database, bus, storage reachable)? Each check has
 * a time limit, so a hanging dependency makes the instance not-ready instead of hanging the probe.
 * A ReadinessMonitor runs the checks in the background, one round per interval, and probes read
 * its last report: however often /readyz is called (kubelet, load balancers, a caller in a loop),
 * the dependencies see one round of checks per interval.
 */
import { redactSecrets } from './redact-secrets.ts';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  timeoutMs?: number;
}

export interface ReadinessReport {
  ready: boolean;
  /** Per check; `error` is the failure's text with secrets redacted (for the management port only). */
  checks: Record<string, { ok: boolean; error?: string }>;
  /** When the round that made this report finished (ISO 8601). */
  checkedAt?: string;
}

export async function runReadiness(checks: readonly ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check, timeoutMs = 2000 }) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => {
              reject(new Error(`no answer within ${timeoutMs} ms`));
            }, timeoutMs);
          }),
        ]);
        return [name, { ok: true }] as const;
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        return [name, { ok: false, error: redactSecrets(text) }] as const;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const report: ReadinessReport = { ready: true, checks: {} };
  for (const [name, result] of results) {
    report.checks[name] = result;
    if (!result.ok) report.ready = false;
  }
  return report;
}

/** The readiness checks, run every `intervalMs` in the background; `report()` never runs them. */
export class ReadinessMonitor {
  readonly #checks: readonly ReadinessCheck[];
  readonly #intervalMs: number;
  #last: ReadinessReport = { ready: false, checks: {} };
  #first: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(checks: readonly ReadinessCheck[], intervalMs: number) {
    this.#checks = checks;
    this.#intervalMs = intervalMs;
  }

  /** Runs the first round and schedules the next ones; resolves when the first round is done. */
  start(): Promise<void> {
    this.#first ??= this.#round();
    return this.#first;
  }

  async #round(): Promise<void> {
    const report = await runReadiness(this.#checks);
    if (this.#stopped) return;
    this.#last = { ...report, checkedAt: new Date().toISOString() };
    // The next round starts an interval after this one ended: a slow check never overlaps itself.
    this.#timer = setTimeout(() => void this.#round(), this.#intervalMs);
    this.#timer.unref();
  }

  /** The last round's report (not ready until the first round has finished). */
  report(): ReadinessReport {
    return this.#last;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
