/**
 * The test-set evaluation of the protocol (issue 17, shared by the showcase and bench/src/mnist): per-image
 * bounds computed in chunks (memory stays bounded), then the mean over images and its standard error.
 *
 * - ELBO: one seeded sample per image (`model.testElbo`: Gaussian, a reparameterized z; dVAE, an exact
 *   Categorical draw, hard one-hot, analytic KL).
 * - IWAE (Burda, Grosse & Salakhutdinov 2016, arXiv:1509.00519): L_k(x) = log (1/k) Σᵢ wᵢ by log-sum-exp,
 *   reported as NLL = −mean L_k (an upper bound on the true −log p(x), in expectation).
 * - Standard error over images: SE = sd/√N with the sample standard deviation sd (divisor N − 1).
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from './models.js';

/** A mean over images with its standard error. */
export interface MeanSe {
  mean: number;
  /** sd/√N, sd with divisor N − 1 (0 when N = 1) */
  se: number;
  /** N, the number of images */
  n: number;
}

/** Mean and standard error sd/√N (sd with divisor N − 1) of per-image values, accumulated in float64. */
export function meanSe(values: ArrayLike<number>): MeanSe {
  const n = values.length;
  if (n === 0) throw new Error('meanSe: no values');
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return { mean, se: sd / Math.sqrt(n), n };
}

/**
 * Applies `f` to chunks of `chunk` rows of `x` (`[rows·dim]`) and gathers its per-row output into one float64
 * array `[rows]`. `f` gets the chunk `[m, dim]` and the chunk's index; everything it makes is disposed.
 */
export function perRow(x: Float32Array, rows: number, chunk: number, f: (xb: tf.Tensor2D, index: number) => tf.Tensor): Float64Array {
  if (!Number.isInteger(rows) || rows < 1 || x.length % rows !== 0) throw new Error(`perRow: x (${x.length} numbers) must hold rows = ${rows} equal rows`);
  if (!Number.isInteger(chunk) || chunk < 1) throw new Error(`perRow: chunk must be an integer ≥ 1, got ${chunk}`);
  const dim = x.length / rows;
  const out = new Float64Array(rows);
  for (let s = 0, i = 0; s < rows; s += chunk, i++) {
    const m = Math.min(chunk, rows - s);
    const values = tf.tidy(() => f(tf.tensor2d(x.subarray(s * dim, (s + m) * dim), [m, dim]), i).dataSync());
    if (values.length !== m) throw new Error(`perRow: the function returned ${values.length} values for a chunk of ${m} rows`);
    out.set(values, s);
  }
  return out;
}

/** What {@link evaluateElbo} and {@link evaluateIwae} need of a model. */
export type Evaluable = Pick<Model, 'testElbo' | 'iwae'>;

/**
 * The test ELBO: one seeded sample per image (chunk i uses seed + i), mean over the rows of `x` ± SE, nats.
 * @param x binary images `[rows·784]`
 */
export function evaluateElbo(model: Evaluable, x: Float32Array, rows: number, options: { seed?: number; chunk?: number } = {}): MeanSe & { values: Float64Array } {
  const seed = options.seed ?? 10_000;
  const values = perRow(x, rows, options.chunk ?? 500, (xb, i) => model.testElbo(xb, seed + i));
  return { ...meanSe(values), values };
}

/**
 * The IWAE bound with k samples per image (chunk i uses seed + i): NLL = −mean L_k over the rows of `x`, ± SE,
 * nats. The default chunk keeps chunk·k ≤ 10,000 samples (decoder activations of about 50 MB).
 * @param x binary images `[rows·784]`
 */
export function evaluateIwae(model: Evaluable, x: Float32Array, rows: number, options: { k: number; seed?: number; chunk?: number }): { k: number; nll: number; se: number; n: number; values: Float64Array } {
  const { k } = options;
  if (!Number.isInteger(k) || k < 1) throw new Error(`evaluateIwae: k must be an integer ≥ 1, got ${k}`);
  const seed = options.seed ?? 20_000;
  const chunk = options.chunk ?? Math.max(1, Math.floor(10_000 / k));
  const values = perRow(x, rows, chunk, (xb, i) => model.iwae(xb, k, seed + i));
  const { mean, se, n } = meanSe(values);
  return { k, nll: -mean, se, n, values };
}
