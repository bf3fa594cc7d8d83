/**
 * Mode coverage: the standard mode-collapse metric of GANs on mixtures of Gaussians with known centres (the
 * ring of 8 and the grid of 25), and the two data sets themselves.
 *
 * @see Metz, Poole, Pfau & Sohl-Dickstein 2017, "Unrolled Generative Adversarial Networks", arXiv:1611.02163 (the ring of 8).
 * @see Dumoulin et al. 2017, "Adversarially Learned Inference", arXiv:1606.00704 (the grid of 25).
 * @see Srivastava, Valkov, Russell, Gutmann & Sutton 2017, "VEEGAN", arXiv:1705.07761, §5.1 (modes captured, high-quality samples within 3σ).
 * @see Lin, Khetan, Fanti & Oh 2018, "PacGAN", arXiv:1712.04086, §5 (a mode counts when it receives at least a fifth of its expected share).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, fail, inferShape, mulberry32 } from '@genmod-internal/core';

/** Options of {@link modeCoverage}: the components' σ and the two thresholds. */
export interface ModeCoverageOptions {
  /** the standard deviation σ of every mixture component (isotropic), > 0 */
  std: number;
  /** a sample is high quality when it lies within `radius`·σ (Euclidean) of its nearest centre; default 3 */
  radius?: number;
  /**
   * a mode is covered when at least `minShare` of its expected share N/M of the N samples are high-quality
   * samples whose nearest centre it is: count ≥ max(1, ⌈minShare·N/M⌉). Default 0.2 (PacGAN's rule: 20 of the
   * expected 100 per mode for 2,500 samples on the grid of 25). `minShare: 0` gives VEEGAN's rule (one sample).
   */
  minShare?: number;
  /** an explicit count threshold instead of `minShare` (`minCount: 1` is VEEGAN's rule) */
  minCount?: number;
}

/** The result of {@link modeCoverage}: plain numbers, nothing to dispose. */
export interface ModeCoverage {
  /** the number of covered modes, 0…M */
  modesCovered: number;
  /** M, the number of centres */
  numModes: number;
  /** per mode: whether it is covered */
  covered: boolean[];
  /** per mode: the number of high-quality samples whose nearest centre it is */
  perMode: number[];
  /** the number of high-quality samples (within radius·σ of their nearest centre) */
  highQuality: number;
  /** highQuality / N */
  highQualityFraction: number;
  /** N, the number of samples */
  numSamples: number;
  /** the count a mode needs to be covered */
  minCount: number;
  /**
   * KL(p̂ ‖ uniform) = Σ_k p̂_k log(M·p̂_k) over modes, p̂ the distribution of the high-quality samples over
   * their modes (PacGAN's "reverse KL"): 0 when they are spread evenly, log M when all sit on one mode; NaN
   * without high-quality samples
   */
  modeKl: number;
}

function hostMatrix(fn: string, arg: string, x: Tensor | TensorLike): { values: ArrayLike<number>; rows: number; cols: number } {
  if (x === null || x === undefined) fail(fn, arg, 'a float32 tensor or array of shape [N, D]', x);
  checkFloatDtype(fn, arg, x);
  const shape = inferShape(x);
  if (shape.length !== 2) fail(fn, arg, 'of shape [N, D] (rank 2)', x instanceof tf.Tensor ? x : `shape [${shape.join(', ')}]`);
  const [rows, cols] = shape as [number, number];
  if (x instanceof tf.Tensor) return { values: x.dataSync() as Float32Array, rows, cols };
  const values = (x as ArrayLike<ArrayLike<number>>).length ? Array.from(x as ArrayLike<ArrayLike<number>>).flatMap((r) => Array.from(r, Number)) : [];
  if (values.length !== rows * cols) fail(fn, arg, 'a rectangular array of shape [N, D]', 'a ragged array');
  return { values, rows, cols };
}

/**
 * Mode coverage of samples from a generator trained on a mixture of M isotropic Gaussians N(μ_k, σ²I) with known
 * centres μ_k. Each sample x goes to its nearest centre k(x) = argmin_k ‖x − μ_k‖; it is *high quality* when
 * ‖x − μ_k(x)‖ ≤ 3σ (VEEGAN's criterion, `radius` to change the 3), and a mode is *covered* when it receives at
 * least max(1, ⌈0.2·N/M⌉) high-quality samples (PacGAN's rule; `minShare: 0` or `minCount: 1` gives VEEGAN's
 * "at least one"). Samples drawn from the mixture itself score all M modes and, in D = 2, a high-quality
 * fraction of P(χ²₂ ≤ 9) = 1 − e^{−4.5} ≈ 0.989.
 *
 * A host-side metric: it reads the samples once and returns plain numbers (no tensors to dispose).
 *
 * @param samples generated samples, `[N, D]` (tensor or array)
 * @param centers the mixture's centres, `[M, D]` (e.g. `ringOfGaussians().centers`)
 * @see Srivastava et al. 2017, arXiv:1705.07761, §5.1 · Lin et al. 2018, arXiv:1712.04086, §5
 * @example
 * ```ts
 * const ring = ringOfGaussians();                        // 8 modes on a circle of radius 2, σ = 0.02
 * const x = ring.sample(2000, { seed: 1 });
 * const m = modeCoverage(x, ring.centers, { std: ring.std });
 * console.log(m.modesCovered, m.highQualityFraction);    // 8, ≈ 0.99
 * x.dispose();
 * ```
 * @since 0.1.0
 */
export function modeCoverage(samples: Tensor | TensorLike, centers: Tensor | TensorLike, options: ModeCoverageOptions): ModeCoverage {
  const fn = 'modeCoverage';
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object with the components\' std ({ std })', options);
  const { std, radius = 3, minShare = 0.2, minCount } = options;
  if (typeof std !== 'number' || !Number.isFinite(std) || std <= 0) fail(fn, 'options.std', 'a finite number > 0', std);
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius <= 0) fail(fn, 'options.radius', 'a finite number > 0', radius);
  if (typeof minShare !== 'number' || !Number.isFinite(minShare) || minShare < 0) fail(fn, 'options.minShare', 'a finite number ≥ 0', minShare);
  if (minCount !== undefined && (!Number.isInteger(minCount) || minCount < 1)) fail(fn, 'options.minCount', 'an integer ≥ 1', minCount);
  const c = hostMatrix(fn, 'centers', centers);
  if (c.rows === 0) fail(fn, 'centers', 'non-empty (at least one centre)', 'shape [0, D]');
  const s = hostMatrix(fn, 'samples', samples);
  if (s.cols !== c.cols) fail(fn, 'samples', `of dimension D = ${c.cols} (the centres' [M, D])`, `shape [${s.rows}, ${s.cols}]`);
  const M = c.rows;
  const D = c.cols;
  const N = s.rows;
  const limit2 = (radius * std) ** 2;
  const perMode = new Array<number>(M).fill(0);
  let highQuality = 0;
  for (let i = 0; i < N; i++) {
    let best = Infinity;
    let arg = -1;
    for (let k = 0; k < M; k++) {
      let d2 = 0;
      for (let j = 0; j < D; j++) {
        const d = (s.values[i * D + j] as number) - (c.values[k * D + j] as number);
        d2 += d * d;
      }
      if (d2 < best) {
        best = d2;
        arg = k;
      }
    }
    // NaN samples (best stays Infinity) are never high quality
    if (arg >= 0 && best <= limit2) {
      perMode[arg]! += 1;
      highQuality += 1;
    }
  }
  const threshold = minCount ?? Math.max(1, Math.ceil(minShare * (N / M) - 1e-9));
  const covered = perMode.map((n) => n >= threshold);
  let modeKl = NaN;
  if (highQuality > 0) {
    modeKl = 0;
    for (const n of perMode) if (n > 0) modeKl += (n / highQuality) * Math.log((M * n) / highQuality);
  }
  return {
    modesCovered: covered.filter(Boolean).length,
    numModes: M,
    covered,
    perMode,
    highQuality,
    highQualityFraction: N ? highQuality / N : 0,
    numSamples: N,
    minCount: threshold,
    modeKl,
  };
}

/** A mixture of M equally weighted isotropic Gaussians N(μ_k, σ²I) with a seeded sampler. */
export interface GaussianMixture {
  /** the centres μ_k, `[M][D]` */
  readonly centers: number[][];
  /** σ, the standard deviation of every component */
  readonly std: number;
  /**
   * N samples `[n, D]`, from a host generator seeded by `seed` (the same seed gives the same samples on every
   * backend; derive a new seed per training step). The caller owns the tensor.
   */
  sample(n: number, options: { seed: number }): Tensor2D;
}

/** Samples on the host: component k uniform, x = μ_k + σ·ε with Box–Muller normals, from mulberry32(seed). */
function mixture(fn: string, centers: number[][], std: number): GaussianMixture {
  return {
    centers,
    std,
    sample(n: number, options: { seed: number }) {
      if (!Number.isInteger(n) || n < 0) fail(`${fn}.sample`, 'n', 'an integer ≥ 0', n);
      const seed = options?.seed;
      if (typeof seed !== 'number' || !Number.isFinite(seed)) fail(`${fn}.sample`, 'options.seed', 'a finite number', seed);
      const u = mulberry32(Math.floor(seed) ^ 0x5bd1e995);
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

function positive(fn: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) fail(fn, arg, 'a finite number > 0', v);
  return v;
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
export function ringOfGaussians(options: { modes?: number; radius?: number; std?: number } = {}): GaussianMixture {
  const fn = 'ringOfGaussians';
  const { modes = 8 } = options;
  if (!Number.isInteger(modes) || modes < 1) fail(fn, 'options.modes', 'an integer ≥ 1', modes);
  const radius = positive(fn, 'options.radius', options.radius ?? 2);
  const std = positive(fn, 'options.std', options.std ?? 0.02);
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
export function gridOfGaussians(options: { side?: number; spacing?: number; std?: number } = {}): GaussianMixture {
  const fn = 'gridOfGaussians';
  const { side = 5 } = options;
  if (!Number.isInteger(side) || side < 1) fail(fn, 'options.side', 'an integer ≥ 1', side);
  const spacing = positive(fn, 'options.spacing', options.spacing ?? 2);
  const std = positive(fn, 'options.std', options.std ?? 0.05);
  const half = (side - 1) / 2;
  const centers: number[][] = [];
  for (let i = 0; i < side; i++) for (let j = 0; j < side; j++) centers.push([spacing * (i - half), spacing * (j - half)]);
  return mixture(fn, centers, std);
}
