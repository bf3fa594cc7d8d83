/**
 * Nearest-neighbour sample-quality metrics: improved precision and recall, density and coverage.
 *
 * @see Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019, "Improved Precision and Recall Metric for Assessing
 *   Generative Models", NeurIPS.
 * @see Naeem, Oh, Uh, Choi & Yoo 2020, "Reliable Fidelity and Diversity Metrics for Generative Models", ICML.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkInteger, checkOptions } from '@genmod-internal/core';
import { checkPair, readHost, type Features } from './internal/features.js';


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
