// The statistics a benchmark reports: order statistics, and a bootstrap confidence interval for the ratio
// of two medians. Pure functions, no I/O.

/** Order statistics of one figure. */
export interface Stats {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
}

const sortedCopy = (values: readonly number[]) => Float64Array.from(values).sort();

/** The nearest-rank percentile `p` (0..1) of sorted values. */
function rank(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** p50, p90, p99, mean, min and max (nearest-rank percentiles). */
export function stats(values: readonly number[]): Stats {
  const v = sortedCopy(values);
  let sum = 0;
  for (const x of v) sum += x;
  return {
    p50: rank(v, 0.5),
    p90: rank(v, 0.9),
    p99: rank(v, 0.99),
    mean: sum / v.length,
    min: v[0]!,
    max: v[v.length - 1]!,
  };
}

/** A ratio of medians with its 95% bootstrap interval. */
export interface RatioEstimate {
  /** median(a) / median(b). */
  readonly ratio: number;
  readonly low: number;
  readonly high: number;
  /** False when the interval includes 1: no measurable difference. */
  readonly measurable: boolean;
}

/** A small seeded generator (mulberry32): the same samples always give the same interval. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The median of a resample (with replacement) of `values`, drawn with `random`. */
function resampledMedian(values: readonly number[], random: () => number, scratch: Float64Array): number {
  const n = values.length;
  for (let i = 0; i < n; i++) scratch[i] = values[Math.floor(random() * n)]!;
  scratch.sort();
  return rank(scratch, 0.5);
}

/**
 * median(a) / median(b) with a 95% percentile-bootstrap interval (`rounds` resamples of each side). At
 * least two samples a side, else undefined: one value has no spread to resample. A zero median in the
 * denominator gives undefined too.
 */
export function ratioOfMedians(
  a: readonly number[],
  b: readonly number[],
  rounds = 1000,
): RatioEstimate | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const mb = rank(sortedCopy(b), 0.5);
  if (mb === 0) return undefined;
  const ratio = rank(sortedCopy(a), 0.5) / mb;
  const random = seeded(a.length * 7919 + b.length);
  const sa = new Float64Array(a.length);
  const sb = new Float64Array(b.length);
  const ratios = new Float64Array(rounds);
  let kept = 0;
  for (let i = 0; i < rounds; i++) {
    const denominator = resampledMedian(b, random, sb);
    const numerator = resampledMedian(a, random, sa);
    if (denominator > 0) ratios[kept++] = numerator / denominator;
  }
  const all = ratios.subarray(0, kept).sort();
  const low = rank(all, 0.025);
  const high = rank(all, 0.975);
  return { ratio, low, high, measurable: low > 1 || high < 1 };
}

/** Counts of `values` in `bins` equal-width bins between `min` and `max` (for a histogram or sparkline). */
export function histogram(values: readonly number[], bins: number, min: number, max: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (max - min) / bins || 1;
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - min) / width)))]!++;
  return counts;
}
