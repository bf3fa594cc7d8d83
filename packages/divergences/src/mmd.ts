/**
 * The maximum mean discrepancy (MMD) two-sample statistic, with radial kernels.
 *
 * @see Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, "A Kernel Two-Sample Test", JMLR 13.
 * @see Li, Swersky & Zemel 2015, "Generative Moment Matching Networks", ICML (MMD as a training loss).
 * @see Tolstikhin et al. 2018, "Wasserstein Auto-Encoders", ICLR (the inverse multiquadric kernel).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkBoolean, checkFunction, checkNumber, checkOptions, checkTensorArg, fail, nonDifferentiable, toFloat } from '@genmod-internal/core';

/**
 * A radial kernel k(x, y) = κ(‖x − y‖²), given as κ applied elementwise to a matrix of squared distances.
 * `mmd` calls it once with the `[N, N]` squared distances of the pooled sample (N = n + m), exact zeros on
 * the diagonal.
 *
 * @since 0.1.0
 */
export type Kernel = (squaredDistances: Tensor) => Tensor;

/**
 * The median heuristic's h²: h = the median of the distances ‖z_i − z_j‖ over the pairs i < j (the
 * off-diagonal entries above the diagonal of a square matrix of squared distances; every entry for another
 * shape), the middle pair averaged when their number is even. The median is taken of the distances, not of
 * their squares (the two differ when the number of pairs is even). A constant: no gradient flows through it.
 */
function medianHeuristicH2(sq: Tensor): Tensor {
  return nonDifferentiable((s) => {
    let values = tf.reshape(s, [-1]);
    const n = s.shape[0]!;
    if (s.rank === 2 && n === s.shape[1] && n > 1) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) idx.push(i * n + j);
      values = tf.gather(values, tf.tensor1d(idx, 'int32'));
    }
    const k = values.shape[0]!;
    const sorted = tf.topk(values, k).values; // descending; √ is increasing, so the same order as the distances
    const lo = tf.sqrt(tf.relu(tf.slice(sorted, [Math.floor((k - 1) / 2)], [1])));
    const hi = tf.sqrt(tf.relu(tf.slice(sorted, [Math.ceil((k - 1) / 2)], [1])));
    return tf.reshape(tf.square(tf.mul(tf.add(lo, hi), 0.5)), []);
  }, sq);
}

/**
 * The Gaussian (RBF) kernel k(x, y) = exp(−‖x − y‖²/(2h²)).
 *
 * @param options `bandwidth` h > 0; when omitted, the median heuristic (Gretton et al. 2012 §8; Garreau,
 *   Jitkrittum & Kanagawa 2017): h = median{‖z_i − z_j‖ : i < j} over the pooled sample z (the median of the
 *   distances, not of their squares; the two middle distances averaged when the number of pairs is even),
 *   recomputed on each call and treated as a constant (no gradient flows through h)
 * @returns a {@link Kernel} for {@link mmd}
 * @see Gretton et al. 2012, §8 (the median heuristic) · Garreau, Jitkrittum & Kanagawa 2017, "Large sample
 *   analysis of the median heuristic", arXiv:1707.07269
 * @example
 * ```ts
 * const k = rbfKernel({ bandwidth: 2 });
 * k(tf.tensor1d([0, 4])).print(); // [1, e^(−1/2)]
 * ```
 * @since 0.1.0
 */
export function rbfKernel(options: { bandwidth?: number } = {}): Kernel {
  const fn = 'rbfKernel';
  options = checkOptions(fn, options, ['bandwidth']);
  const h = options.bandwidth === undefined ? undefined : checkNumber(fn, 'options.bandwidth', options.bandwidth, { above: 0 });
  return (sq: Tensor) =>
    tf.tidy(() => {
      if (h !== undefined) return tf.exp(tf.mul(sq, -1 / (2 * h * h)));
      const h2 = tf.maximum(medianHeuristicH2(sq), 1e-12);
      return tf.exp(tf.div(sq, tf.mul(h2, -2)));
    });
}

/**
 * The inverse multiquadric kernel k(x, y) = (1 + ‖x − y‖²/c²)^(−β) = c^(2β)/(c² + ‖x − y‖²)^β, with
 * k(x, x) = 1. Its heavy tails keep gradients alive between distant samples (WAE-MMD's choice, there with
 * β = 1).
 *
 * @param options `scale` c > 0 (default 1); `exponent` β > 0 (default ½, the classical multiquadric exponent)
 * @returns a {@link Kernel} for {@link mmd}
 * @see Tolstikhin et al. 2018 · Gorham & Mackey 2017, "Measuring Sample Quality with Kernels", ICML
 * @example
 * ```ts
 * inverseMultiquadricKernel({ scale: 1 })(tf.tensor1d([0, 3])).print(); // [1, 0.5]
 * ```
 * @since 0.1.0
 */
export function inverseMultiquadricKernel(options: { scale?: number; exponent?: number } = {}): Kernel {
  const fn = 'inverseMultiquadricKernel';
  options = checkOptions(fn, options, ['scale', 'exponent']);
  const c = options.scale === undefined ? 1 : checkNumber(fn, 'options.scale', options.scale, { above: 0 });
  const beta = options.exponent === undefined ? 0.5 : checkNumber(fn, 'options.exponent', options.exponent, { above: 0 });
  return (sq: Tensor) => tf.tidy(() => tf.pow(tf.add(tf.div(sq, c * c), 1), -beta));
}

/** Options of {@link mmd}: the kernel k and the estimator of MMD² (unbiased U-statistic or biased V-statistic). @since 0.1.0 */
export interface MmdOptions {
  /** the kernel, default `rbfKernel()` (median heuristic) */
  kernel?: Kernel;
  /**
   * `false` (default): the unbiased U-statistic (diagonal terms left out; may be slightly negative);
   * `true`: the biased V-statistic ‖mean φ(x) − mean φ(y)‖², always ≥ 0
   */
  biased?: boolean;
}

function asMatrix(fn: string, arg: string, x: unknown): number[] {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length < 1 || shape.length > 2) fail(fn, arg, 'a sample of shape [n] or [n, d]', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  return shape.length === 1 ? [shape[0]!, 1] : shape;
}

/** (n + m)²·d up to which {@link pooledSquaredDistances} forms the differences directly (16 MiB of float32). */
const DIRECT_DIFFERENCES_BUDGET = 2 ** 22;

/**
 * The `[N, N]` squared distances ‖z_i − z_j‖² of the pooled sample z = (x, y), N = n + m.
 *
 * When (n + m)²·d ≤ 2²², from the differences z_i − z_j directly: one rounding per coordinate, exact
 * whatever the offset of the samples, with the exact gradient 2(z_i − z_j).
 *
 * Above that (the `[N, N, d]` differences would not fit), from Gram matrices ‖a‖² + ‖b‖² − 2a·b, each block
 * on points shifted by a constant: x − x̄ for the x–x block, y − ȳ for the y–y block, and both samples minus
 * (x̄ + ȳ)/2 for the x–y block. A squared distance is invariant under a common shift of its two points, so
 * the shifts change nothing in exact arithmetic and their values need not be exact; they are treated as
 * constants (no gradient through the means), which is exact for the same reason (the derivative through
 * the shift is identically zero) and keeps the backward pass free of the cancelling O(N²) terms it would
 * otherwise add. What remains is an absolute error of about 2⁻²³·r² per entry, r the distance of the two
 * points from their block's centre, rather than 2⁻²³·‖z‖² without the shifts: two samples far from each
 * other or from the origin keep their within-sample distances exact.
 */
function pooledSquaredDistances(x: Tensor, y: Tensor): Tensor {
  const [n, d] = x.shape as [number, number];
  const m = y.shape[0]!;
  const z = tf.concat([x, y], 0);
  if ((n + m) * (n + m) * d <= DIRECT_DIFFERENCES_BUDGET) {
    return tf.sum(tf.square(tf.sub(tf.expandDims(z, 1), tf.expandDims(z, 0))), -1);
  }
  const mean = (t: Tensor) => nonDifferentiable((s) => tf.mean(s, 0, true), t);
  const gram = (a: Tensor, b: Tensor) => {
    const na = tf.sum(tf.square(a), 1, true);
    const nb = tf.sum(tf.square(b), 1, true);
    return tf.relu(tf.sub(tf.add(na, tf.transpose(nb)), tf.mul(tf.matMul(a, b, false, true), 2)));
  };
  const offDiagonal = (t: Tensor, size: number) => tf.mul(t, tf.sub(1, tf.eye(size)));
  const mx = mean(x);
  const my = mean(y);
  const a = tf.sub(x, mx);
  const b = tf.sub(y, my);
  const mid = tf.mul(tf.add(mx, my), 0.5);
  const dxx = offDiagonal(gram(a, a), n);
  const dyy = offDiagonal(gram(b, b), m);
  const dxy = gram(tf.sub(x, mid), tf.sub(y, mid));
  return tf.concat([tf.concat([dxx, dxy], 1), tf.concat([tf.transpose(dxy), dyy], 1)], 0);
}

/**
 * The squared maximum mean discrepancy between the laws of two samples,
 *
 *   MMD²_u = 1/(n(n−1))·Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1))·Σ_{i≠j} k(y_i, y_j) − 2/(nm)·Σ_{i,j} k(x_i, y_j)
 *
 * (the unbiased U-statistic; with `biased: true` the V-statistic, with 1/n², 1/m² and the diagonals).
 * Zero in expectation iff the laws agree (characteristic kernels such as RBF and IMQ). Differentiable in
 * x and y: a generative-model loss (GMMN, WAE-MMD).
 *
 * Precision (float32, ε = 2⁻²³): the squared distances are formed from the differences x_i − y_j directly
 * when (n + m)²·d ≤ 2²² (4 194 304), and are then exact to float32 rounding however far the samples sit from
 * the origin or from each other. Above that they come from Gram matrices of each sample centred on its own
 * mean (and, across samples, on the midpoint of the two means), with an absolute error of about ε·r² per
 * entry, r the distance of the two points from their centre: distances below about √ε·r ≈ 3·10⁻⁴·r lose
 * relative accuracy (they matter only for bandwidths that small). The kernel sums are taken row by row, so
 * that they keep about 6 digits on backends that sum in sequence (wasm). The inputs themselves are float32:
 * at an offset of 10⁴ the coordinates are resolved to 2⁻¹⁰ ≈ 10⁻³, so a sample of spread 10⁻³ there has no
 * meaningful MMD; centre such data before converting it to float32.
 *
 * @param x `[n, d]` (or `[n]`), n ≥ 2; `y` `[m, d]` (or `[m]`), m ≥ 2
 * @returns a scalar, the estimate of MMD² (not its square root)
 * @see Gretton et al. 2012, Lemma 6 (U- and V-statistics)
 * @example
 * ```ts
 * const x = tf.randomNormal([200, 2], 0, 1, 'float32', 1);
 * const y = tf.randomNormal([200, 2], 1, 1, 'float32', 2);
 * mmd(x, y, { kernel: rbfKernel({ bandwidth: 1 }) }).print(); // clearly > 0
 * mmd(x, y, { kernel: inverseMultiquadricKernel(), biased: true }).print();
 * ```
 * @since 0.1.0
 */
export function mmd(x: Tensor | TensorLike, y: Tensor | TensorLike, options: MmdOptions = {}): tf.Scalar {
  const fn = 'mmd';
  options = checkOptions(fn, options, ['kernel', 'biased']);
  const [n, d] = asMatrix(fn, 'x', x) as [number, number];
  const [m, dy] = asMatrix(fn, 'y', y) as [number, number];
  if (d !== dy) fail(fn, 'x and y', 'samples of the same dimension d', `d = ${d} and d = ${dy}`);
  if (n < 2 || m < 2) fail(fn, 'x and y', 'samples of at least 2 points each', `${n} and ${m} points`);
  if (options.kernel !== undefined) checkFunction(fn, 'options.kernel', options.kernel);
  const biased = options.biased === undefined ? false : checkBoolean(fn, 'options.biased', options.biased);
  return tf.tidy(fn, () => {
    const kernel = options.kernel ?? rbfKernel();
    const sq = pooledSquaredDistances(tf.reshape(toFloat(fn, 'x', x), [n, d]), tf.reshape(toFloat(fn, 'y', y), [m, d]));
    const k = kernel(sq);
    const kxx = tf.slice(k, [0, 0], [n, n]);
    const kyy = tf.slice(k, [n, n], [m, m]);
    const kxy = tf.slice(k, [0, n], [n, m]);
    const total = (t: Tensor) => tf.sum(tf.sum(t, 1));
    const trace = (t: Tensor, size: number) => tf.sum(tf.mul(t, tf.eye(size)));
    const xx = biased ? tf.div(total(kxx), n * n) : tf.div(tf.sub(total(kxx), trace(kxx, n)), n * (n - 1));
    const yy = biased ? tf.div(total(kyy), m * m) : tf.div(tf.sub(total(kyy), trace(kyy, m)), m * (m - 1));
    return tf.sub(tf.add(xx, yy), tf.mul(total(kxy), 2 / (n * m))) as tf.Scalar;
  });
}
