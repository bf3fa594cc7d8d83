/**
 * The Gaussian pieces of the variational bound: the KL divergence between two diagonal Gaussians and the
 * decoder likelihood of L₀.
 *
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, §3.3 and eq. (13) (the discretized decoder).
 * @see Nichol & Dhariwal 2021, arXiv:2102.09672 (improved-diffusion's `normal_kl`, `discretized_gaussian_log_likelihood`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { broadcastShapes, checkObject, checkOptions, checkTensorArg, fail, normalKlLogScale, toFloat } from '@genmod-internal/core';
import { discretizedTensors } from './internal/discretized.js';

/**
 * A diagonal Gaussian N(loc, e^{logVar}) given by its mean and log-variance: the shape of @genmod/vae's
 * encoder heads.
 *
 * @since 0.1.0
 */
export interface GaussianLogVar {
  /** the mean μ, float32 */
  loc: Tensor | TensorLike;
  /** the log-variance ℓ = log σ², float32, broadcast with `loc` */
  logVar: Tensor | TensorLike;
}

const GAUSSIAN_KEYS = ['loc', 'logVar'];

/** The shapes of the named tensor arguments, broadcast together (an Error naming the pair otherwise). */
function broadcastAll(fn: string, named: [string, unknown][]): number[] {
  let shape: number[] = [];
  let names = '';
  for (const [name, x] of named) {
    const s = checkTensorArg(fn, name, x);
    shape = names === '' ? s : broadcastShapes(fn, `${names} and ${name}`, shape, s);
    names = names === '' ? name : `${names}, ${name}`;
  }
  return shape;
}

/** A `{ loc, logVar }` argument: an object with exactly those keys, both present. */
function checkGaussian(fn: string, arg: string, g: unknown): GaussianLogVar {
  checkObject(fn, arg, g, 'an object { loc, logVar }');
  const o = checkOptions(fn, g as GaussianLogVar, GAUSSIAN_KEYS, arg);
  for (const key of GAUSSIAN_KEYS) if (o[key as keyof GaussianLogVar] === undefined) fail(fn, `${arg}.${key}`, 'a float32 tensor or a (nested) array of numbers', undefined);
  return o;
}

/**
 * The KL divergence between two diagonal Gaussians p = N(μ_p, e^{ℓ_p}) and q = N(μ_q, e^{ℓ_q}),
 * elementwise, in nats, from the log-variances ℓ (so that β̃ and β enter without a square root):
 *
 *   KL(p ‖ q) = ½·(−1 + ℓ_q − ℓ_p + e^{ℓ_p − ℓ_q} + (μ_p − μ_q)²·e^{−ℓ_q})
 *
 * computed in log-scale form (core's `normalKlLogScale` with log σ = ½·ℓ): exact when p ≈ q, finite for
 * variances far from 1. Differentiable in all four tensors.
 *
 * @param p `{ loc, logVar }` of the first Gaussian (float32, broadcast with the others)
 * @param q `{ loc, logVar }` of the second Gaussian
 * @returns the broadcast elementwise KL (sum it over the event dimensions)
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (5); Kullback & Leibler 1951
 * @example
 * ```ts
 * normalKl({ loc: 0, logVar: 0 }, { loc: 1, logVar: Math.log(2) }); // 0.5·(−1 + ln 2 + 1/2 + 1/2) ≈ 0.3466
 * ```
 * @since 0.1.0
 */
export function normalKl(p: GaussianLogVar, q: GaussianLogVar): Tensor {
  const fn = 'normalKl';
  const a = checkGaussian(fn, 'p', p);
  const b = checkGaussian(fn, 'q', q);
  broadcastAll(fn, [['p.loc', a.loc], ['p.logVar', a.logVar], ['q.loc', b.loc], ['q.logVar', b.logVar]]);
  return tf.tidy(fn, () =>
    normalKlLogScale(toFloat(fn, 'p.loc', a.loc), tf.mul(toFloat(fn, 'p.logVar', a.logVar), 0.5), toFloat(fn, 'q.loc', b.loc), tf.mul(toFloat(fn, 'q.logVar', b.logVar), 0.5)),
  );
}

/**
 * The log-likelihood of 8-bit data under a Gaussian discretized to its 256 bins, elementwise, in nats:
 * with x ∈ {−1, −1 + 2/255, …, 1} (bytes scaled to [−1, 1]) and Φ the standard normal CDF,
 *
 *   log p(x) = log[Φ((x + 1/255 − μ)/σ) − Φ((x − 1/255 − μ)/σ)],
 *
 * where the first bin extends to −∞ (x = −1: log Φ((x + 1/255 − μ)/σ)) and the last to +∞
 * (x = 1: log(1 − Φ((x − 1/255 − μ)/σ))); probabilities are floored at 1e−12. The decoder term
 * L₀ = −log p_θ(x₀ | x₁) of DDPM.
 *
 * @param x float32 data in [−1, 1] on the 8-bit grid
 * @param mean float32 μ, broadcast with x
 * @param logScale float32 log σ, broadcast with x
 * @returns the broadcast elementwise log-probabilities (≤ 0); differentiable in `mean` and `logScale`
 * @see Ho, Jain & Abbeel 2020, arXiv:2006.11239, eq. (13)
 * @example
 * ```ts
 * const logp = discretizedGaussianLogLikelihood([-1, 0, 1], 0, Math.log(0.5)); // [3], each ≤ 0
 * ```
 * @since 0.1.0
 */
export function discretizedGaussianLogLikelihood(x: Tensor | TensorLike, mean: Tensor | TensorLike, logScale: Tensor | TensorLike): Tensor {
  const fn = 'discretizedGaussianLogLikelihood';
  broadcastAll(fn, [['x', x], ['mean', mean], ['logScale', logScale]]);
  return tf.tidy(fn, () => discretizedTensors(toFloat(fn, 'x', x), toFloat(fn, 'mean', mean), toFloat(fn, 'logScale', logScale)));
}
