import { loadGolden } from './golden.js';

interface StatThresholds {
  chi2_critical_upper: { by_df_then_alpha: Record<string, Record<string, number>> };
  ks_one_sample_critical: { by_N_then_alpha: Record<string, Record<string, number>> };
  ks_asymptotic_c_alpha: { by_alpha: Record<string, number> };
  z_two_sided: { by_alpha: Record<string, number> };
}

const thresholds = () => loadGolden<StatThresholds>('stat_thresholds.json');

/** The golden files key alpha as Python's repr of the float: 0.001, 1e-06. */
function alphaKey(alpha: number): string {
  return alpha >= 1e-4 ? String(alpha) : alpha.toExponential().replace(/e-(\d)$/, 'e-0$1');
}

/** Upper critical value of the chi-square distribution (reject when the statistic exceeds it). */
export function chiSquareCritical(df: number, alpha = 1e-3): number {
  const v = thresholds().chi2_critical_upper.by_df_then_alpha[String(df)]?.[alphaKey(alpha)];
  if (v === undefined) throw new Error(`chiSquareCritical: no tabulated value for df=${df}, alpha=${alpha} in stat_thresholds.json`);
  return v;
}

/**
 * Critical value of the two-sided one-sample Kolmogorov–Smirnov statistic: exact from the table, or the
 * asymptotic c_alpha/√N for N ≥ 1000 not in the table (within 0.3% there, per STAT_CHECKS.md).
 */
export function ksCritical(n: number, alpha = 1e-3): number {
  const t = thresholds();
  const exact = t.ks_one_sample_critical.by_N_then_alpha[String(n)]?.[alphaKey(alpha)];
  if (exact !== undefined) return exact;
  const c = t.ks_asymptotic_c_alpha.by_alpha[alphaKey(alpha)];
  if (n < 1000 || c === undefined) throw new Error(`ksCritical: no value for N=${n}, alpha=${alpha}`);
  return c / Math.sqrt(n);
}

/** Two-sided standard-normal critical value z with P(|Z| > z) = alpha. */
export function zCritical(alpha = 1e-3): number {
  const z = thresholds().z_two_sided.by_alpha[alphaKey(alpha)];
  if (z === undefined) throw new Error(`zCritical: no value for alpha=${alpha}`);
  return z;
}

/**
 * Pearson's chi-square statistic X² = Σ (O_k − E_k)²/E_k of observed counts against cell probabilities.
 * Throws when an expected count is below 5 (the test is not valid there).
 */
export function chiSquare(observed: ArrayLike<number>, probs: ArrayLike<number>): { statistic: number; df: number; minExpected: number } {
  if (observed.length !== probs.length) throw new Error(`chiSquare: ${observed.length} counts vs ${probs.length} probabilities`);
  let n = 0;
  for (let i = 0; i < observed.length; i++) n += observed[i]!;
  let statistic = 0;
  let minExpected = Infinity;
  for (let i = 0; i < observed.length; i++) {
    const e = n * probs[i]!;
    minExpected = Math.min(minExpected, e);
    statistic += ((observed[i]! - e) * (observed[i]! - e)) / e;
  }
  if (minExpected < 5) throw new Error(`chiSquare: an expected count is ${minExpected} < 5: draw more samples`);
  return { statistic, df: observed.length - 1, minExpected };
}

/** Counts of integer labels 0..k−1. */
export function countLabels(labels: ArrayLike<number>, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!(l >= 0 && l < k && Number.isInteger(l))) throw new Error(`countLabels: label ${l} outside 0..${k - 1}`);
    counts[l]!++;
  }
  return counts;
}

/** One-sample Kolmogorov–Smirnov statistic D = sup |F_N(x) − F(x)|. */
export function ksStatistic(samples: ArrayLike<number>, cdf: (x: number) => number): number {
  const xs = Float64Array.from(samples as ArrayLike<number>).sort();
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
