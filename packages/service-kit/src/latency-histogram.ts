/**
 * A log-bucketed latency histogram in the manner of HdrHistogram: each power of two of
 * microseconds is cut into 128 equal sub-buckets, so a recorded value is known to within 1/128
 * (0.8 %) from 1 µs to about 18 minutes, in a fixed 40 × 128 array whatever the count. Two
 * histograms merge by adding counts, so load generators in other processes can send theirs.
 */

const SUB_BUCKETS = 128;
const MAGNITUDES = 40;

export interface LatencySummary {
  count: number;
  /** Milliseconds, each to within 0.8 % (max is exact). */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  readonly #counts = new Float64Array(MAGNITUDES * SUB_BUCKETS);
  #count = 0;
  #sumMicros = 0;
  #maxMicros = 0;

  /** Records one latency in milliseconds (negative or NaN counts as 0). */
  record(ms: number): void {
    const micros = Number.isFinite(ms) && ms > 0 ? ms * 1000 : 0;
    this.#counts[bucketOf(micros)]! += 1;
    this.#count += 1;
    this.#sumMicros += micros;
    if (micros > this.#maxMicros) this.#maxMicros = micros;
  }

  get count(): number {
    return this.#count;
  }

  /** The latency (ms) at or below which `quantile` (0…1) of the recorded values lie. */
  percentile(quantile: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(quantile * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < this.#counts.length; bucket += 1) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.min(upperBound(bucket), this.#maxMicros) / 1000;
    }
    return this.#maxMicros / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
      p999: this.percentile(0.999),
      max: this.#maxMicros / 1000,
      mean: this.#count === 0 ? 0 : this.#sumMicros / this.#count / 1000,
    };
  }

  /** The non-empty buckets, for sending to another process (see `merge`). */
  toJSON(): { buckets: [number, number][]; sumMicros: number; maxMicros: number } {
    const buckets: [number, number][] = [];
    this.#counts.forEach((count, bucket) => {
      if (count > 0) buckets.push([bucket, count]);
    });
    return { buckets, sumMicros: this.#sumMicros, maxMicros: this.#maxMicros };
  }

  merge(other: ReturnType<LatencyHistogram['toJSON']>): void {
    for (const [bucket, count] of other.buckets) {
      this.#counts[bucket]! += count;
      this.#count += count;
    }
    this.#sumMicros += other.sumMicros;
    this.#maxMicros = Math.max(this.#maxMicros, other.maxMicros);
  }
}

/** Values below 1 µs share bucket 0; each magnitude m ≥ 1 covers [2^(m-1), 2^m) µs. */
function bucketOf(micros: number): number {
  if (micros < 1) return 0;
  const magnitude = Math.min(MAGNITUDES - 1, Math.floor(Math.log2(micros)) + 1);
  const low = 2 ** (magnitude - 1);
  const sub = Math.min(SUB_BUCKETS - 1, Math.floor(((micros - low) / low) * SUB_BUCKETS));
  return magnitude * SUB_BUCKETS + sub;
}

function upperBound(bucket: number): number {
  const magnitude = Math.floor(bucket / SUB_BUCKETS);
  if (magnitude === 0) return 1;
  const low = 2 ** (magnitude - 1);
  return low + ((bucket % SUB_BUCKETS) + 1) * (low / SUB_BUCKETS);
}
