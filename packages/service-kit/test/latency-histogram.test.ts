import assert from 'node:assert/strict';
import { it } from 'node:test';
import { LatencyHistogram } from '../src/latency-histogram.ts';

const within = (actual: number, expected: number, relative = 0.01) => {
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} is not within 1 % of ${expected}`);
};

it('gives percentiles to within 1 % over six decades, and the exact max', () => {
  const histogram = new LatencyHistogram();
  // 1 µs … 10 s: 10,000 values evenly spread on a log scale.
  const values = Array.from({ length: 10_000 }, (_, i) => 0.001 * 10 ** ((7 * i) / 9_999));
  for (const value of [...values].reverse()) histogram.record(value);
  const summary = histogram.summary();
  assert.equal(summary.count, 10_000);
  within(summary.p50, values[4_999]!);
  within(summary.p90, values[8_999]!);
  within(summary.p99, values[9_899]!);
  within(summary.p999, values[9_989]!);
  assert.equal(summary.max, values.at(-1));
});

it('answers zeros when empty and counts negative values as 0', () => {
  const histogram = new LatencyHistogram();
  assert.deepEqual(histogram.summary(), { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
  histogram.record(-5);
  assert.equal(histogram.percentile(1), 0);
});

it('merges what another process sent as if it had recorded it', () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  const both = new LatencyHistogram();
  for (let i = 1; i <= 1_000; i += 1) {
    (i % 2 === 0 ? a : b).record(i / 10);
    both.record(i / 10);
  }
  a.merge(JSON.parse(JSON.stringify(b.toJSON())) as ReturnType<LatencyHistogram['toJSON']>);
  assert.deepEqual(a.summary(), both.summary());
});
