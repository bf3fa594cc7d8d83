/**
 * Mixtures of Gaussians with known centres, the standard 2-D test beds of mode collapse: the ring of 8 and
 * the grid of 25 (score samples with {@link modeCoverage}).
 *
 * @see Metz, Poole, Pfau & Sohl-Dickstein 2017, "Unrolled Generative Adversarial Networks", arXiv:1611.02163 (the ring of 8).
 * @see Dumoulin et al. 2017, "Adversarially Learned Inference", arXiv:1606.00704 (the grid of 25).
 * @see Srivastava, Valkov, Russell, Gutmann & Sutton 2017, "VEEGAN", arXiv:1705.07761, §5.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { type Distribution, type SampleOptions, checkInteger, checkNumber, checkOptions, checkSeed, checkShape, checkTensorArg, deriveSeed, fail, mulberry32, normalLogDensity } from '@genmod-internal/core';

/**
 * A mixture of M equally weighted isotropic Gaussians N(μ_k, σ²I) in ℝᴰ, a {@link Distribution} (event `[D]`,
 * batch `[]`, support 'real') with a host sampler:
 *
 *   p(x) = (1/M) Σ_k N(x; μ_k, σ²I),   log p(x) = logsumexp_k [ Σ_j log N(x_j; μ_kj, σ²) ] − log M.
 *
 * @example
 * ```ts
 * const ring = ringOfGaussians();
 * const x = ring.sample([4], { seed: 0 });  // [4, 2], the same on every backend
 * ring.logProb(x).print();                  // [4]
 * ```
 * @since 0.1.0
 */
export interface GaussianMixture extends Distribution {
  readonly family: 'GaussianMixture';
  /** the centres μ_k, `[M][D]` */
  readonly centers: number[][];
  /** σ, the standard deviation of every component */
  readonly std: number;
  /**
   * Draws without gradient from a host generator seeded by `seed`, a number or a string (the same seed gives
   * the same samples on every backend; use a new seed per training step; unseeded without one): `n` gives
   * `[n, D]` (as in 0.1), a sample shape `[...sampleShape, D]`. The caller owns the tensor.
   */
  sample(n: number, options?: SampleOptions): Tensor2D;
  sample(sampleShape?: number[], options?: SampleOptions): Tensor;
  /** log p(x) of points `[..., D]`, shape `[...]` */
  logProb(x: Tensor): Tensor;
  /** E[X] = (1/M) Σ_k μ_k, `[D]` */
  mean(): Tensor;
  /** Var[X] per coordinate = σ² + (1/M) Σ_k (μ_kj − E X_j)², `[D]` */
  variance(): Tensor;
}

/** Samples on the host: component k uniform, x = μ_k + σ·ε with Box–Muller normals, from mulberry32(seed). */
function mixture(fn: string, centers: number[][], std: number): GaussianMixture {
  const M = centers.length;
  const D = centers[0]!.length;
  const meanOf = centers[0]!.map((_, j) => centers.reduce((s, c) => s + c[j]!, 0) / M);
  return {
    family: 'GaussianMixture',
    batchShape: [],
    eventShape: [D],
    support: 'real',
    centers,
    std,
    sample(sampleShape?: number | number[], options?: SampleOptions): Tensor2D & Tensor {
      const name = `${fn}.sample`;
      const o = checkOptions(name, options, ['seed']);
      const shape = typeof sampleShape === 'number' ? [checkInteger(name, 'n', sampleShape, { min: 0 })] : checkShape(name, sampleShape ?? [], 'sampleShape');
      const seed = checkSeed(name, o.seed) ?? Math.random();
      const u = mulberry32(deriveSeed(seed, 'mixture'));
      const n = shape.reduce((p, d) => p * d, 1);
      const out = new Float32Array(n * D);
      for (let i = 0; i < n; i++) {
        const mu = centers[Math.min(M - 1, Math.floor(u() * M))]!;
        for (let j = 0; j < D; j += 2) {
          const r = Math.sqrt(-2 * Math.log(1 - u()));
          const a = 2 * Math.PI * u();
          out[i * D + j] = mu[j]! + std * r * Math.cos(a);
          if (j + 1 < D) out[i * D + j + 1] = mu[j + 1]! + std * r * Math.sin(a);
        }
      }
      const result: Tensor = tf.tensor(out, [...shape, D], 'float32');
      return result as Tensor2D;
    },
    logProb(x: Tensor) {
      const name = `${fn}.logProb`;
      const shape = checkTensorArg(name, 'x', x, 1);
      if (shape[shape.length - 1] !== D) fail(name, 'x', `points of dimension D = ${D}, shape [..., ${D}]`, x);
      return tf.tidy(name, () => {
        const mu = tf.tensor2d(centers, [M, D], 'float32');
        const xs = tf.expandDims(x, -2); // [..., 1, D]
        const perComponent = tf.sum(normalLogDensity(xs, mu, Math.log(std)), -1); // [..., M]
        return tf.sub(tf.logSumExp(perComponent, -1), Math.log(M));
      });
    },
    mean() {
      return tf.tensor1d(meanOf, 'float32');
    },
    variance() {
      return tf.tensor1d(meanOf.map((m, j) => std * std + centers.reduce((s, c) => s + (c[j]! - m) ** 2, 0) / M), 'float32');
    },
  };
}

/** A size option: absent (the default) or a finite number > 0. */
function positive(fn: string, arg: string, v: unknown, fallback: number): number {
  return v === undefined ? fallback : checkNumber(fn, arg, v, { above: 0 });
}

/** Options of {@link ringOfGaussians}. @since 0.1.0 */
export interface RingOfGaussiansOptions {
  /** the number of modes M, an integer ≥ 1; default 8 */
  modes?: number;
  /** the ring's radius r > 0; default 2 */
  radius?: number;
  /** σ > 0 of every component; default 0.02 */
  std?: number;
}

/** Options of {@link gridOfGaussians}. @since 0.1.0 */
export interface GridOfGaussiansOptions {
  /** modes per side, an integer ≥ 1; default 5 (25 modes) */
  side?: number;
  /** the distance between neighbouring centres, > 0; default 2 */
  spacing?: number;
  /** σ > 0 of every component; default 0.05 */
  std?: number;
}

/**
 * The ring of Gaussians: M modes μ_k = r·(cos 2πk/M, sin 2πk/M), k = 0…M−1, each N(μ_k, σ²I), equally
 * weighted. Defaults M = 8, r = 2, σ = 0.02 (Metz et al. 2017; VEEGAN).
 *
 * @see Metz et al. 2017, arXiv:1611.02163, §3.1 · Srivastava et al. 2017, arXiv:1705.07761, §5.1
 * @example
 * ```ts
 * const ring = ringOfGaussians({ modes: 8, radius: 2, std: 0.05 });
 * const batch = ring.sample(256, { seed: 7 }); // [256, 2]
 * batch.dispose();
 * ```
 * @since 0.1.0
 */
export function ringOfGaussians(options: RingOfGaussiansOptions = {}): GaussianMixture {
  const fn = 'ringOfGaussians';
  const o = checkOptions(fn, options, ['modes', 'radius', 'std']);
  const modes = o.modes === undefined ? 8 : checkInteger(fn, 'options.modes', o.modes, { min: 1 });
  const radius = positive(fn, 'options.radius', o.radius, 2);
  const std = positive(fn, 'options.std', o.std, 0.02);
  const centers = Array.from({ length: modes }, (_, k) => [radius * Math.cos((2 * Math.PI * k) / modes), radius * Math.sin((2 * Math.PI * k) / modes)]);
  return mixture(fn, centers, std);
}

/**
 * The grid of Gaussians: side² modes at μ_ij = spacing·(i − (side − 1)/2, j − (side − 1)/2), each N(μ_ij, σ²I),
 * equally weighted. Defaults side = 5, spacing = 2 (centres in {−4, −2, 0, 2, 4}²), σ = 0.05 (Dumoulin et al.
 * 2017; VEEGAN; PacGAN).
 *
 * @see Dumoulin et al. 2017, arXiv:1606.00704, §4.1 · Lin et al. 2018, arXiv:1712.04086, §5
 * @example
 * ```ts
 * const grid = gridOfGaussians();               // 25 modes
 * const x = grid.sample(2500, { seed: 3 });
 * console.log(modeCoverage(x, grid.centers, { std: grid.std }).modesCovered); // 25
 * x.dispose();
 * ```
 * @since 0.1.0
 */
export function gridOfGaussians(options: GridOfGaussiansOptions = {}): GaussianMixture {
  const fn = 'gridOfGaussians';
  const o = checkOptions(fn, options, ['side', 'spacing', 'std']);
  const side = o.side === undefined ? 5 : checkInteger(fn, 'options.side', o.side, { min: 1 });
  const spacing = positive(fn, 'options.spacing', o.spacing, 2);
  const std = positive(fn, 'options.std', o.std, 0.05);
  const half = (side - 1) / 2;
  const centers: number[][] = [];
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) centers.push([spacing * (i - half), spacing * (j - half)]);
  return mixture(fn, centers, std);
}
