/**
 * Sample-quality metrics of generative models on feature vectors a user supplies (Inception or any other
 * embedding): the Fréchet distance (the formula of FID) and the kernel distance (KID); precision/recall and
 * density/coverage are in nearest-neighbours.ts. Evaluation metrics: values only, no gradients.
 *
 * @see Heusel, Ramsauer, Unterthiner, Nessler & Hochreiter 2017, "GANs Trained by a Two Time-Scale Update Rule
 *   Converge to a Local Nash Equilibrium", NeurIPS (FID).
 * @see Bińkowski, Sutherland, Arbel & Gretton 2018, "Demystifying MMD GANs", ICLR (KID).
 * @see Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019, "Improved Precision and Recall Metric for Assessing
 *   Generative Models", NeurIPS.
 * @see Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable Fidelity and Diversity Metrics for Generative Models", ICML.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, checkNumber, checkOptions, checkSeed, deriveSeed, fail, mulberry32, toFloat, type Seed } from '@genmod-internal/core';
import { checkPair, meanCov, readHost, symmetricEigen } from './internal/features.js';

/**
 * The Fréchet distance between Gaussian fits of two feature samples (the formula of FID),
 *
 *   d² = ‖μ_r − μ_g‖² + tr(Σ_r + Σ_g − 2(Σ_r Σ_g)^{1/2}),
 *
 * with the sample means and the covariances with ddof 1 (divided by n − 1). The trace of the matrix square
 * root is taken in its symmetric form tr((Σ_r^{1/2} Σ_g Σ_r^{1/2})^{1/2}) (the same eigenvalues as Σ_r Σ_g),
 * from two symmetric eigendecompositions (cyclic Jacobi) in float64 on the host, negative rounding-level
 * eigenvalues clipped to 0; the result is rounded once to float32. Cost O(n·d² + d³) on the host: meant for
 * d up to a few hundred. An evaluation metric: no gradient flows through it.
 *
 * @param real `[n, d]` features of real data, n ≥ 2; `generated` `[m, d]`, m ≥ 2
 * @returns a scalar, d² (the squared distance, as FID reports it)
 * @see Heusel et al. 2017 (FID); Dowson & Landau 1982, "The Fréchet distance between multivariate normal
 *   distributions", J. Multivariate Anal. 12
 * @example
 * ```ts
 * const real = tf.randomNormal([500, 4], 0, 1, 'float32', 1);
 * const fake = tf.randomNormal([500, 4], 1, 1, 'float32', 2);
 * frechetDistance(real, fake).print(); // ≈ 4 = ‖Δμ‖²
 * ```
 * @since 0.1.0
 */
export function frechetDistance(real: Tensor | TensorLike, generated: Tensor | TensorLike): tf.Scalar {
  const fn = 'frechetDistance';
  const [rs, gs] = checkPair(fn, real, generated, [2, 2], 'for a covariance');
  const r = meanCov(readHost(fn, 'real', real, rs));
  const g = meanCov(readHost(fn, 'generated', generated, gs));
  const d = rs[1];
  let value = 0;
  for (let j = 0; j < d; j++) value += (r.mean[j]! - g.mean[j]!) ** 2 + r.cov[j * d + j]! + g.cov[j * d + j]!;
  // A = Σ_r^{1/2} = V diag(√λ) Vᵀ
  const er = symmetricEigen(r.cov, d);
  const sqrtA = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(er.values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < d; i++) {
      const vik = er.vectors[i * d + k]! * s;
      for (let j = 0; j < d; j++) sqrtA[i * d + j] = sqrtA[i * d + j]! + vik * er.vectors[j * d + k]!;
    }
  }
  // S = A Σ_g A (symmetric)
  const tmp = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const aik = sqrtA[i * d + k]!;
    if (aik === 0) continue;
    for (let j = 0; j < d; j++) tmp[i * d + j] = tmp[i * d + j]! + aik * g.cov[k * d + j]!;
  }
  const s = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const t = tmp[i * d + k]!;
    if (t === 0) continue;
    for (let j = 0; j < d; j++) s[i * d + j] = s[i * d + j]! + t * sqrtA[k * d + j]!;
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) {
    const avg = (s[i * d + j]! + s[j * d + i]!) / 2;
    s[i * d + j] = avg;
    s[j * d + i] = avg;
  }
  const es = symmetricEigen(s, d);
  let traceSqrt = 0;
  for (let k = 0; k < d; k++) traceSqrt += Math.sqrt(Math.max(es.values[k]!, 0));
  return tf.scalar(value - 2 * traceSqrt);
}

/** Options of {@link kernelDistance}. @since 0.1.0 */
export interface KernelDistanceOptions {
  /** the number of random subsets S (default 100, as torch-fidelity) */
  subsets?: number;
  /** the points per subset s, drawn without replacement from each sample (default 1000, clipped to min(n, m)); ≥ 2 */
  subsetSize?: number;
  /** the polynomial kernel's degree (default 3) */
  degree?: number;
  /** the polynomial kernel's γ (default 1/d) */
  gamma?: number;
  /** the polynomial kernel's constant c₀ (default 1) */
  coef0?: number;
  /** the seed of the subsets (the 'subsets' stream of `deriveSeed`); unseeded when omitted */
  seed?: Seed;
  /**
   * explicit subsets instead of random ones: `real[s]` and `generated[s]` are the row indices of subset s,
   * all subsets of one size ≥ 2 (distinct indices within a subset); `subsets`, `subsetSize` and `seed` are then
   * not allowed
   */
  indices?: { real: number[][]; generated: number[][] };
}

/** The kernel distance: the mean of the subset estimates and its standard error. @since 0.1.0 */
export interface KernelDistanceResult {
  /** the mean over the subsets of the unbiased MMD² */
  value: tf.Scalar;
  /** the standard error of that mean, sd/√S with the sample sd (ddof 1); NaN when S = 1 */
  standardError: tf.Scalar;
}

function sampleWithoutReplacement(n: number, s: number, rand: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < s; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j]!, idx[i]!];
  }
  return idx.slice(0, s);
}

function checkIndices(fn: string, arg: string, v: unknown, n: number): number[][] {
  if (!Array.isArray(v) || v.length < 1) fail(fn, arg, 'a non-empty array of index arrays', v);
  for (const row of v as unknown[]) {
    if (!Array.isArray(row) || !row.every((i) => Number.isInteger(i) && i >= 0 && i < n)) fail(fn, arg, `arrays of integer row indices in [0, ${n})`, row);
    if (new Set(row).size !== row.length) fail(fn, arg, 'subsets of distinct indices', row);
  }
  return v as number[][];
}

/**
 * The kernel distance KID: the unbiased MMD² with the polynomial kernel k(x, y) = (γ·xᵀy + c₀)^degree (default
 * (xᵀy/d + 1)³), averaged over S random subsets of s points of each sample (drawn without replacement),
 *
 *   MMD²_u = 1/(s(s−1))·Σ_{i≠j} [k(x_i, x_j) + k(y_i, y_j)] − 2/s²·Σ_{i,j} k(x_i, y_j),
 *
 * with the standard error of the mean over the subsets. Unbiased: it can be slightly negative. The kernel
 * sums are float32 (tfjs matMul); the subset estimates are combined in float64 on the host. With
 * `subsets: 1, subsetSize: n` and n = m (or with `indices`) it is the full-sample unbiased MMD².
 * An evaluation metric: no gradient flows through it.
 *
 * @param real `[n, d]`, `generated` `[m, d]`, n, m ≥ 2
 * @see Bińkowski et al. 2018, §4 and Appendix (KID); torch-fidelity's defaults (100 subsets of 1000)
 * @example
 * ```ts
 * const real = tf.randomNormal([300, 8], 0, 1, 'float32', 1);
 * const fake = tf.randomNormal([300, 8], 0.5, 1, 'float32', 2);
 * const { value, standardError } = kernelDistance(real, fake, { subsets: 20, subsetSize: 100, seed: 0 });
 * value.print(); // > 0
 * ```
 * @since 0.1.0
 */
export function kernelDistance(real: Tensor | TensorLike, generated: Tensor | TensorLike, options: KernelDistanceOptions = {}): KernelDistanceResult {
  const fn = 'kernelDistance';
  options = checkOptions(fn, options, ['subsets', 'subsetSize', 'degree', 'gamma', 'coef0', 'seed', 'indices']);
  const [[n, d], [m]] = checkPair(fn, real, generated, [2, 2], 'for an unbiased estimate');
  const degree = options.degree === undefined ? 3 : checkInteger(fn, 'options.degree', options.degree, { min: 1 });
  const gamma = options.gamma === undefined ? 1 / d : checkNumber(fn, 'options.gamma', options.gamma, { above: 0 });
  const coef0 = options.coef0 === undefined ? 1 : checkNumber(fn, 'options.coef0', options.coef0, { min: 0 });
  let realIdx: number[][];
  let genIdx: number[][];
  if (options.indices !== undefined) {
    if (options.subsets !== undefined || options.subsetSize !== undefined || options.seed !== undefined) {
      fail(fn, 'options', 'indices alone, without subsets, subsetSize or seed', 'both');
    }
    const ind = options.indices as { real?: unknown; generated?: unknown };
    if (ind === null || typeof ind !== 'object') fail(fn, 'options.indices', 'an object { real, generated }', ind);
    realIdx = checkIndices(fn, 'options.indices.real', ind.real, n);
    genIdx = checkIndices(fn, 'options.indices.generated', ind.generated, m);
    const s = realIdx[0]!.length;
    if (s < 2 || realIdx.length !== genIdx.length || ![...realIdx, ...genIdx].every((r) => r.length === s)) {
      fail(fn, 'options.indices', 'as many real as generated subsets, all of one size ≥ 2', `${realIdx.length} and ${genIdx.length} subsets of sizes ${[...new Set([...realIdx, ...genIdx].map((r) => r.length))].join(', ')}`);
    }
  } else {
    const subsets = options.subsets === undefined ? 100 : checkInteger(fn, 'options.subsets', options.subsets, { min: 1 });
    const size = options.subsetSize === undefined ? Math.min(1000, n, m) : checkInteger(fn, 'options.subsetSize', options.subsetSize, { min: 2 });
    if (size > Math.min(n, m)) fail(fn, 'options.subsetSize', `at most min(n, m) = ${Math.min(n, m)}`, size);
    const seed = checkSeed(fn, options.seed);
    const rand = mulberry32(deriveSeed(seed ?? Math.floor(Math.random() * 2 ** 32), 'subsets'));
    realIdx = [];
    genIdx = [];
    for (let i = 0; i < subsets; i++) {
      realIdx.push(sampleWithoutReplacement(n, size, rand));
      genIdx.push(sampleWithoutReplacement(m, size, rand));
    }
  }
  const s = realIdx[0]!.length;
  const estimates = realIdx.map((ri, k) => {
    const sums = tf.tidy(() => {
      const x = tf.reshape(toFloat(fn, 'real', real), [n, d]);
      const y = tf.reshape(toFloat(fn, 'generated', generated), [m, d]);
      const xs = tf.gather(x, tf.tensor1d(ri, 'int32'));
      const ys = tf.gather(y, tf.tensor1d(genIdx[k]!, 'int32'));
      const kern = (a: Tensor, b: Tensor) => tf.pow(tf.add(tf.mul(tf.matMul(a, b, false, true), gamma), coef0), degree);
      const diag = (a: Tensor) => tf.sum(tf.pow(tf.add(tf.mul(tf.sum(tf.square(a), 1), gamma), coef0), degree));
      const total = (t: Tensor) => tf.sum(tf.sum(t, 1));
      return tf.stack([total(kern(xs, xs)), diag(xs), total(kern(ys, ys)), diag(ys), total(kern(xs, ys))]);
    });
    const [kxx, dx, kyy, dy, kxy] = Array.from(sums.dataSync());
    sums.dispose();
    return (kxx! - dx! + kyy! - dy!) / (s * (s - 1)) - (2 * kxy!) / (s * s);
  });
  const S = estimates.length;
  const mean = estimates.reduce((a, b) => a + b, 0) / S;
  const se = S < 2 ? NaN : Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (S - 1) / S);
  return { value: tf.scalar(mean), standardError: tf.scalar(se) };
}
