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
 * `mmd` calls it once with the `[N, N]` squared distances of the pooled sample (N = n + m).
 */
export type Kernel = (squaredDistances: Tensor) => Tensor;

/**
 * The median of the off-diagonal entries of a square matrix of squared distances (of every entry for
 * another shape): the median heuristic's h², as a constant (no gradient flows through the bandwidth).
 */
function medianSquaredDistance(sq: Tensor): Tensor {
  return nonDifferentiable((s) => {
    let values = tf.reshape(s, [-1]);
    const n = s.shape[0]!;
    if (s.rank === 2 && n === s.shape[1] && n > 1) {
      const idx: number[] = [];
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) idx.push(i * n + j);
      values = tf.gather(values, tf.tensor1d(idx, 'int32'));
    }
    const k = values.shape[0]!;
    const sorted = tf.topk(values, k).values; // descending
    const lo = tf.slice(sorted, [Math.floor((k - 1) / 2)], [1]);
    const hi = tf.slice(sorted, [Math.ceil((k - 1) / 2)], [1]);
    return tf.reshape(tf.mul(tf.add(lo, hi), 0.5), []);
  }, sq);
}

/**
 * The Gaussian (RBF) kernel k(x, y) = exp(−‖x − y‖²/(2h²)).
 *
 * @param options `bandwidth` h > 0; when omitted, the median heuristic: h = the median distance between
 *   distinct points of the pooled sample, recomputed on each call and treated as a constant
 * @returns a {@link Kernel} for {@link mmd}
 * @see Gretton et al. 2012, §8 (the median heuristic)
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
      const h2 = tf.maximum(medianSquaredDistance(sq), 1e-12);
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

/**
 * The squared maximum mean discrepancy between the laws of two samples,
 *
 *   MMD²_u = 1/(n(n−1))·Σ_{i≠j} k(x_i, x_j) + 1/(m(m−1))·Σ_{i≠j} k(y_i, y_j) − 2/(nm)·Σ_{i,j} k(x_i, y_j)
 *
 * (the unbiased U-statistic; with `biased: true` the V-statistic, with 1/n², 1/m² and the diagonals).
 * Zero in expectation iff the laws agree (characteristic kernels such as RBF and IMQ). Differentiable in
 * x and y: a generative-model loss (GMMN, WAE-MMD).
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
    const z0 = tf.concat([tf.reshape(toFloat(fn, 'x', x), [n, d]), tf.reshape(toFloat(fn, 'y', y), [m, d])], 0);
    // centering (by a constant) leaves distances unchanged and reduces float32 cancellation
    const z = tf.sub(z0, nonDifferentiable((t) => tf.mean(t, 0, true), z0));
    const norms = tf.sum(tf.square(z), 1, true);
    const sq = tf.relu(tf.sub(tf.add(norms, tf.transpose(norms)), tf.mul(tf.matMul(z, z, false, true), 2)));
    const k = kernel(sq);
    const kxx = tf.slice(k, [0, 0], [n, n]);
    const kyy = tf.slice(k, [n, n], [m, m]);
    const kxy = tf.slice(k, [0, n], [n, m]);
    const trace = (t: Tensor, size: number) => tf.sum(tf.mul(t, tf.eye(size)));
    const xx = biased ? tf.div(tf.sum(kxx), n * n) : tf.div(tf.sub(tf.sum(kxx), trace(kxx, n)), n * (n - 1));
    const yy = biased ? tf.div(tf.sum(kyy), m * m) : tf.div(tf.sub(tf.sum(kyy), trace(kyy, m)), m * (m - 1));
    return tf.sub(tf.add(xx, yy), tf.mul(tf.sum(kxy), 2 / (n * m))) as tf.Scalar;
  });
}
