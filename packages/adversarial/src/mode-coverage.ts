/**
 * Mode coverage: the standard mode-collapse metric of GANs on mixtures of Gaussians with known centres (the
 * ring of 8 and the grid of 25, see {@link ringOfGaussians} and {@link gridOfGaussians}).
 *
 * @see Metz, Poole, Pfau & Sohl-Dickstein 2017, "Unrolled Generative Adversarial Networks", arXiv:1611.02163 (the ring of 8).
 * @see Dumoulin et al. 2017, "Adversarially Learned Inference", arXiv:1606.00704 (the grid of 25).
 * @see Srivastava, Valkov, Russell, Gutmann & Sutton 2017, "VEEGAN", arXiv:1705.07761, §5.1 (modes captured, high-quality samples within 3σ).
 * @see Lin, Khetan, Fanti & Oh 2018, "PacGAN", arXiv:1712.04086, §5 (a mode counts when it receives at least a fifth of its expected share).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkFloatDtype, checkInteger, checkNumber, checkObject, checkOptions, fail, inferShape } from '@genmod-internal/core';

/** Options of {@link modeCoverage}: the components' σ and the two thresholds. @since 0.1.0 */
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

/** The result of {@link modeCoverage}: plain numbers, nothing to dispose. @since 0.1.0 */
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
  const o = checkOptions(fn, checkObject(fn, 'options', options, 'an object with the components\' std ({ std })'), ['std', 'radius', 'minShare', 'minCount']);
  const std = checkNumber(fn, 'options.std', o.std, { above: 0 });
  const radius = o.radius === undefined ? 3 : checkNumber(fn, 'options.radius', o.radius, { above: 0 });
  const minShare = o.minShare === undefined ? 0.2 : checkNumber(fn, 'options.minShare', o.minShare, { min: 0 });
  const minCount = o.minCount === undefined ? undefined : checkInteger(fn, 'options.minCount', o.minCount, { min: 1 });
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
