/**
 * What every `npm run bench` row prints and keeps: the machine's load average at the start and
 * end, each figure beside its same-run baseline and their ratio (absolute times are noisy on a
 * shared machine; ratios travel), and the lot as JSON in `bench-results/<name>.json` at the
 * repository root (not committed), so two runs can be compared file by file.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../bench-results/', import.meta.url));

export interface BenchRow {
  /** The row as the performance table names it, e.g. "proof API on 1,000,000 entries". */
  readonly path: string;
  readonly measured: number;
  readonly unit: string;
  /** The same-run figure the row is measured against, in the same unit. */
  readonly baseline?: { readonly label: string; readonly value: number };
  readonly target?: string;
  /** Anything else worth keeping (histograms, memory, settings). */
  readonly details?: Record<string, unknown>;
}

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

export class BenchReport {
  readonly name: string;
  readonly #rows: (BenchRow & { ratio?: number })[] = [];
  readonly #loadBefore = loadavg().map((value) => round(value, 2));
  readonly #started = performance.now();

  constructor(name: string) {
    this.name = name;
    console.log(
      `${name}: node ${process.version}, ${cpus().length} cpus, loadavg ${this.#loadBefore.join(' ')}`,
    );
  }

  row(row: BenchRow): void {
    const ratio = row.baseline === undefined ? undefined : round(row.measured / row.baseline.value);
    this.#rows.push({ ...row, ...(ratio === undefined ? {} : { ratio }) });
    const baseline =
      row.baseline === undefined
        ? ''
        : ` = ${ratio} × ${row.baseline.label} (${round(row.baseline.value, 1)} ${row.unit})`;
    const target = row.target === undefined ? '' : ` [target ${row.target}]`;
    console.log(`  ${row.path}: ${round(row.measured, 1)} ${row.unit}${baseline}${target}`);
  }

  /** Prints the closing load average and writes bench-results/<name>.json; returns its path. */
  async finish(): Promise<string> {
    const loadAfter = loadavg().map((value) => round(value, 2));
    console.log(`${this.name}: loadavg after ${loadAfter.join(' ')}`);
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${this.name}.json`);
    const result = {
      name: this.name,
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadavgBefore: this.#loadBefore,
      loadavgAfter: loadAfter,
      wallSeconds: round((performance.now() - this.#started) / 1000, 2),
      rows: this.#rows,
    };
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`${this.name}: figures in ${file}`);
    return file;
  }
}
