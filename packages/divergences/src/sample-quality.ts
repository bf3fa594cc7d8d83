/**
 * Sample-quality metrics of generative models on feature vectors a user supplies (Inception or any other
 * embedding): the Fréchet distance (the formula of FID), the kernel distance (KID), precision and recall,
 * density and coverage. Evaluation metrics: values only, no gradients.
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
import { checkInteger, checkNumber, checkOptions, checkSeed, checkTensorArg, deriveSeed, fail, mulberry32, toFloat, type Seed } from '@genmod-internal/core';

/** A checked `[n, d]` feature matrix, read to the host as float64 rows. */
interface Features {
  n: number;
  d: number;
  data: Float64Array;
}

function checkFeatures(fn: string, arg: string, x: unknown): [number, number] {
  const shape = checkTensorArg(fn, arg, x);
  if (shape.length !== 2) fail(fn, arg, 'a feature matrix of shape [n, d]', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  return shape as [number, number];
}

function checkPair(fn: string, real: unknown, generated: unknown, minPoints: number[], why: string): [[number, number], [number, number]] {
  const r = checkFeatures(fn, 'real', real);
  const g = checkFeatures(fn, 'generated', generated);
  if (r[1] !== g[1]) fail(fn, 'real and generated', 'features of the same dimension d', `d = ${r[1]} and d = ${g[1]}`);
  if (r[1] < 1) fail(fn, 'real and generated', 'features of dimension d ≥ 1', `d = ${r[1]}`);
  if (r[0] < minPoints[0]!) fail(fn, 'real', `at least ${minPoints[0]} points (${why})`, `${r[0]} points`);
  if (g[0] < minPoints[1]!) fail(fn, 'generated', `at least ${minPoints[1]} points (${why})`, `${g[0]} points`);
  return [r, g];
}

function readHost(fn: string, arg: string, x: Tensor | TensorLike, [n, d]: [number, number]): Features {
  const t = toFloat(fn, arg, x);
  const data = Float64Array.from(t.dataSync());
  if (t !== x) t.dispose();
  return { n, d, data };
}

/** Mean and covariance (ddof 1) of the rows, in float64. */
function meanCov({ n, d, data }: Features): { mean: Float64Array; cov: Float64Array } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = mean[j]! + data[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(d * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) row[j] = data[i * d + j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const ra = row[a]!;
      for (let b = a; b < d; b++) cov[a * d + b] = cov[a * d + b]! + ra * row[b]!;
    }
  }
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const v = cov[a * d + b]! / (n - 1);
      cov[a * d + b] = v;
      cov[b * d + a] = v;
    }
  }
  return { mean, cov };
}

/**
 * The eigendecomposition A = V diag(λ) Vᵀ of a symmetric d×d matrix by cyclic Jacobi rotations in float64
 * (Golub & Van Loan, Matrix Computations, §8.5): returns λ and V (columns), to full float64 accuracy.
 */
function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += m[p * d + p]! * m[p * d + p]!;
      for (let q = p + 1; q < d; q++) off += m[p * d + q]! * m[p * d + q]!;
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p]!;
          const mkq = m[k * d + q]!;
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k]!;
          const mqk = m[q * d + k]!;
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i]!;
  return { values, vectors: v };
}

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

/** Squared Euclidean distances between the rows of a and b, in float64 on the host. */
function sqDistances(a: Features, b: Features): Float64Array {
  const { d } = a;
  const out = new Float64Array(a.n * b.n);
  for (let i = 0; i < a.n; i++) {
    for (let j = 0; j < b.n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = a.data[i * d + k]! - b.data[j * d + k]!;
        s += t * t;
      }
      out[i * b.n + j] = s;
    }
  }
  return out;
}

/** Squared radius of each point's k-nearest-neighbour ball within its own sample (the point itself excluded). */
function knnRadii(a: Features, k: number): Float64Array {
  const dist = sqDistances(a, a);
  const r = new Float64Array(a.n);
  for (let i = 0; i < a.n; i++) {
    const row = Array.from(dist.subarray(i * a.n, (i + 1) * a.n));
    row.splice(i, 1);
    row.sort((u, v) => u - v);
    r[i] = row[k - 1]!;
  }
  return r;
}

/** For each row of `points`, how many balls (centres `centres`, squared radii `radii`) contain it. */
function ballCounts(points: Features, centres: Features, radii: Float64Array): Int32Array {
  const dist = sqDistances(points, centres);
  const c = new Int32Array(points.n);
  for (let i = 0; i < points.n; i++) for (let j = 0; j < centres.n; j++) if (dist[i * centres.n + j]! <= radii[j]!) c[i] = c[i]! + 1;
  return c;
}

/** Options of {@link precisionRecall} and {@link densityCoverage}: the neighbourhood size k. @since 0.1.0 */
export interface NeighbourhoodOptions {
  /** the k of the k-nearest-neighbour balls (default 3 for precision/recall, 5 for density/coverage) */
  k?: number;
}

function neighbourhoodArgs(fn: string, real: Tensor | TensorLike, generated: Tensor | TensorLike, options: NeighbourhoodOptions, defaultK: number, both: boolean) {
  options = checkOptions(fn, options, ['k']);
  const k = options.k === undefined ? defaultK : checkInteger(fn, 'options.k', options.k, { min: 1 });
  const [rs, gs] = checkPair(fn, real, generated, [k + 1, both ? k + 1 : 1], `k + 1 = ${k + 1} for k-nearest-neighbour balls`);
  return { k, r: readHost(fn, 'real', real, rs), g: readHost(fn, 'generated', generated, gs) };
}

/**
 * Improved precision and recall: each sample's manifold is the union of the balls around its points of radius
 * the distance to their k-th nearest neighbour (the point itself excluded),
 *
 *   precision = 1/m·Σ_j 1[y_j ∈ manifold(real)],   recall = 1/n·Σ_i 1[x_i ∈ manifold(generated)]
 *
 * (a point on a ball's boundary counts as inside). Precision measures fidelity, recall diversity. Distances
 * in float64 on the host, O((n + m)²·d). An evaluation metric: no gradient flows through it.
 *
 * @param real `[n, d]`, n ≥ k + 1; `generated` `[m, d]`, m ≥ k + 1
 * @param options `k` (default 3, as the paper)
 * @see Kynkäänniemi et al. 2019, §2
 * @example
 * ```ts
 * const real = tf.randomNormal([200, 2], 0, 1, 'float32', 1);
 * const { precision, recall } = precisionRecall(real, tf.mul(real, 0.5));
 * precision.print(); // ≈ 1: every generated point lies in the real manifold
 * recall.print();    // < 1: the generated points cover only the centre
 * ```
 * @since 0.1.0
 */
export function precisionRecall(real: Tensor | TensorLike, generated: Tensor | TensorLike, options: NeighbourhoodOptions = {}): { precision: tf.Scalar; recall: tf.Scalar } {
  const { k, r, g } = neighbourhoodArgs('precisionRecall', real, generated, options, 3, true);
  const inReal = ballCounts(g, r, knnRadii(r, k));
  const inGen = ballCounts(r, g, knnRadii(g, k));
  const frac = (c: Int32Array) => c.reduce((a, v) => a + (v > 0 ? 1 : 0), 0) / c.length;
  return { precision: tf.scalar(frac(inReal)), recall: tf.scalar(frac(inGen)) };
}

/**
 * Density and coverage, from k-nearest-neighbour balls around the real points only (radius: the distance to
 * the k-th nearest real neighbour, the point itself excluded),
 *
 *   density = 1/(k·m)·Σ_j Σ_i 1[y_j ∈ B(x_i)],   coverage = 1/n·Σ_i 1[∃ j: y_j ∈ B(x_i)].
 *
 * Density can exceed 1 (generated points crowding real ones); coverage is in [0, 1]. Distances in float64 on
 * the host, O((n + m)·n·d). An evaluation metric: no gradient flows through it.
 *
 * @param real `[n, d]`, n ≥ k + 1; `generated` `[m, d]`, m ≥ 1
 * @param options `k` (default 5, as the paper)
 * @see Naeem et al. 2020, §3
 * @example
 * ```ts
 * const real = tf.randomNormal([200, 2], 0, 1, 'float32', 1);
 * const { density, coverage } = densityCoverage(real, tf.randomNormal([200, 2], 0, 1, 'float32', 2));
 * density.print();  // ≈ 1
 * coverage.print(); // close to 1
 * ```
 * @since 0.1.0
 */
export function densityCoverage(real: Tensor | TensorLike, generated: Tensor | TensorLike, options: NeighbourhoodOptions = {}): { density: tf.Scalar; coverage: tf.Scalar } {
  const { k, r, g } = neighbourhoodArgs('densityCoverage', real, generated, options, 5, false);
  const radii = knnRadii(r, k);
  const inReal = ballCounts(g, r, radii);
  const dist = sqDistances(r, g);
  let cov = 0;
  for (let i = 0; i < r.n; i++) {
    let hit = false;
    for (let j = 0; j < g.n && !hit; j++) hit = dist[i * g.n + j]! <= radii[i]!;
    if (hit) cov++;
  }
  const density = inReal.reduce((a, v) => a + v, 0) / (k * g.n);
  return { density: tf.scalar(density), coverage: tf.scalar(cov / r.n) };
}
