/**
 * Mixtures of Gaussians with known centres, the standard 2-D test beds of mode collapse: the ring of 8 and
 * the grid of 25 (score samples with {@link modeCoverage}).
 *
 * @see Metz, Poole, Pfau & Sohl-Dickstein 2017, "Unrolled Generative Adversarial Networks", arXiv:1611.02163 (the ring of 8).
 * @see Dumoulin et al. 2017, "Adversarially Learned Inference", arXiv:1606.00704 (the grid of 25).
 * @see Srivastava, Valkov, Russell, Gutmann & Sutton 2017, "VEEGAN", arXiv:1705.07761, §5.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { type Seed, checkInteger, checkNumber, checkObject, checkOptions, checkSeed, deriveSeed, fail, mulberry32 } from '@genmod-internal/core';

/** A mixture of M equally weighted isotropic Gaussians N(μ_k, σ²I) with a seeded sampler. */
export interface GaussianMixture {
  /** the centres μ_k, `[M][D]` */
  readonly centers: number[][];
  /** σ, the standard deviation of every component */
  readonly std: number;
  /**
   * N samples `[n, D]`, from a host generator seeded by `seed`, a number or a string (the same seed gives the
   * same samples on every backend; use a new seed per training step). The caller owns the tensor.
   */
  sample(n: number, options: { seed: Seed }): Tensor2D;
}

/** Samples on the host: component k uniform, x = μ_k + σ·ε with Box–Muller normals, from mulberry32(seed). */
function mixture(fn: string, centers: number[][], std: number): GaussianMixture {
  return {
    centers,
    std,
    sample(n: number, options: { seed: Seed }) {
      const name = `${fn}.sample`;
      const o = checkOptions(name, checkObject(name, 'options', options, 'an object { seed }'), ['seed']);
      checkInteger(name, 'n', n, { min: 0 });
      const seed = checkSeed(name, o.seed);
      if (seed === undefined) fail(name, 'options.seed', 'a finite number or a string', seed);
      const u = mulberry32(deriveSeed(seed, 'mixture'));
      const D = centers[0]!.length;
      const out = new Float32Array(n * D);
      for (let i = 0; i < n; i++) {
        const mu = centers[Math.min(centers.length - 1, Math.floor(u() * centers.length))]!;
        for (let j = 0; j < D; j += 2) {
          const r = Math.sqrt(-2 * Math.log(1 - u()));
          const a = 2 * Math.PI * u();
          out[i * D + j] = mu[j]! + std * r * Math.cos(a);
          if (j + 1 < D) out[i * D + j + 1] = mu[j + 1]! + std * r * Math.sin(a);
        }
      }
      return tf.tensor2d(out, [n, D]);
    },
  };
}

/** A size option: absent (the default) or a finite number > 0. */
function positive(fn: string, arg: string, v: unknown, fallback: number): number {
  return v === undefined ? fallback : checkNumber(fn, arg, v, { above: 0 });
}

/** Options of {@link ringOfGaussians}. @since 0.2.0 (the inline type of 0.1, named) */
export interface RingOfGaussiansOptions {
  /** the number of modes M, an integer ≥ 1; default 8 */
  modes?: number;
  /** the ring's radius r > 0; default 2 */
  radius?: number;
  /** σ > 0 of every component; default 0.02 */
  std?: number;
}

/** Options of {@link gridOfGaussians}. @since 0.2.0 (the inline type of 0.1, named) */
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
