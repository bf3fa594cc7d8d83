/**
 * The machinery shared by the ELBO and the IWAE bound: encode, draw S reparameterized latents, decode
 * them all in one call, evaluate log p(x|z), log q(z|x) and log p(z).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import {
  checkDistribution,
  checkFunction,
  checkOptions,
  checkSeed,
  checkTensorArg,
  deriveSeed,
  fail,
  hasRsample,
  inferShape,
  normalKlLogScale,
  normalLogDensity,
  sameShape,
  showShape,
  sumTrailing,
  toFloat,
  type ReparameterizedDistribution,
  type Seed,
} from '@genmod-internal/core';
import { Normal, independent } from '@genmod/reparam';
import { checkReturned } from './checks.js';
import type { Encoding, GaussianPosterior } from '../posterior.js';
import type { Likelihood } from '../likelihood.js';
import type { Prior } from '../prior.js';

/**
 * What the options of every amortized model hold ({@link elbo}, {@link iwaeBound}, {@link discreteElbo}):
 * the data x, the encoder q(·|x), the decoder, log p(x|z) and the seed of the noise.
 *
 * @see Kingma & Welling 2014, arXiv:1312.6114
 * @example
 * ```ts
 * const x = tf.tensor2d([[1, 0, 1]]);
 * const encode = (xs: tf.Tensor): GaussianPosterior => ({ loc: tf.zeros([xs.shape[0]!, 2]), logVar: tf.zeros([xs.shape[0]!, 2]) });
 * const decode = (z: tf.Tensor) => tf.matMul(z, tf.ones([2, 3]));
 * const model: LatentModelOptions<GaussianPosterior, tf.Tensor> = { x, encode, decode, likelihood: bernoulliLogLikelihood, seed: 0 };
 * ```
 * @since 0.1.0
 */
export interface LatentModelOptions<Code, Latent> {
  /** the data, float32 `[B, ...]` */
  x: Tensor | TensorLike;
  /** the encoder: x `[B, ...]` ↦ q(z|x) */
  encode: (x: Tensor) => Code;
  /** the decoder: latents ↦ its output (logits, means, …) */
  decode: (z: Latent) => Tensor;
  /** log p(x|z) from the decoder's output, e.g. {@link bernoulliLogLikelihood} */
  likelihood: Likelihood;
  /** seed of the noise (a number, 0 included, or a string); vary it per training step */
  seed?: Seed;
  /** the noise itself, in place of a seed */
  noise?: Tensor | TensorLike;
}

/** The options the ELBO and the IWAE bound share. @since 0.1.0 */
export interface ModelOptions extends LatentModelOptions<Encoding, Tensor> {
  /** the prior p(z), a {@link Distribution}; default the standard normal N(0, I) */
  prior?: Prior;
  /** the standard noise ε itself, `[S, B, ...latent]` (or `[B, ...latent]` when S = 1), Gaussian posteriors only */
  noise?: Tensor | TensorLike;
}

/** The keys of {@link ModelOptions}. */
export const MODEL_KEYS = ['x', 'encode', 'decode', 'likelihood', 'prior', 'seed', 'noise'] as const;

/** Checks the fields every latent model has; returns x's shape and the seed. */
export function checkLatentModel(fn: string, o: LatentModelOptions<unknown, never>, keys: readonly string[]): { xShape: number[]; seed: Seed | undefined } {
  checkOptions(fn, o, keys);
  if (o === undefined) fail(fn, 'options', 'an object', o);
  const xShape = checkTensorArg(fn, 'options.x', o.x, 1);
  checkFunction(fn, 'options.encode', o.encode);
  checkFunction(fn, 'options.decode', o.decode);
  checkFunction(fn, 'options.likelihood', o.likelihood);
  if (o.noise !== undefined) checkTensorArg(fn, 'options.noise', o.noise, 1);
  return { xShape, seed: checkSeed(fn, o.seed) };
}

/** {@link checkLatentModel} plus the prior. */
export function checkModel(fn: string, o: ModelOptions, keys: readonly string[]): { xShape: number[]; seed: Seed | undefined } {
  const checked = checkLatentModel(fn, o as LatentModelOptions<unknown, never>, keys);
  if (o.prior !== undefined) checkDistribution(fn, 'options.prior', o.prior);
  return checked;
}

export const isGaussian = (q: Encoding): q is GaussianPosterior =>
  q !== null && typeof q === 'object' && (q as GaussianPosterior).loc instanceof tf.Tensor && (q as GaussianPosterior).logVar instanceof tf.Tensor;

/** An encoding as a distribution: `{ loc, logVar }` becomes independent(Normal.fromLogVariance(loc, logVar), rank − 1). */
export interface Encoded {
  posterior: ReparameterizedDistribution;
  gaussian: GaussianPosterior | undefined;
}

/** The diagonal Gaussian `[B, ...latent]` as `@genmod/reparam`'s independent Normal with batch shape `[B]`. */
export function gaussianLaw(loc: Tensor, logVar: Tensor): ReparameterizedDistribution {
  return independent(Normal.fromLogVariance(loc, logVar), loc.rank - 1);
}

/** No prior, or {@link standardNormalPrior} over the latent shape: the analytic KL applies. */
export const isStandardNormal = (prior: Prior | undefined, latent: readonly number[]): boolean =>
  prior === undefined || (prior.family === 'StandardNormal' && sameShape(prior.eventShape, latent));

/** KL(N(loc, exp(logVar)) ‖ N(0, 1)) elementwise, core's log-scale form (log σ = ½·logVar). */
export function klToStandardNormal(loc: Tensor, logVar: Tensor): Tensor {
  return tf.tidy(() => normalKlLogScale(loc, tf.mul(logVar, 0.5), 0, 0));
}

/** Encodes and checks the encoder's output against the batch. */
export function encodeChecked(fn: string, encode: (x: Tensor) => Encoding, x: Tensor): Encoded {
  const q = encode(x);
  const b = x.shape[0]!;
  if (isGaussian(q)) {
    checkReturned(fn, 'encode(x).loc', q.loc, undefined, b);
    checkReturned(fn, 'encode(x).logVar', q.logVar, q.loc.shape);
    if (q.loc.rank < 2) fail(fn, 'encode(x).loc', 'of shape [B, ...latent] (rank ≥ 2)', q.loc);
    return { posterior: gaussianLaw(q.loc, q.logVar), gaussian: q };
  }
  if (q === null || typeof q !== 'object' || typeof (q as { logProb?: unknown }).logProb !== 'function') {
    fail(fn, 'encode(x)', 'an object { loc, logVar } of float32 tensors or a distribution with rsample and logProb', q);
  }
  const d = checkDistribution(fn, 'encode(x)', q);
  if (!hasRsample(d)) fail(fn, 'encode(x)', 'a reparameterized distribution (with rsample)', `a ${d.family} distribution without rsample`);
  return { posterior: d, gaussian: undefined };
}

/** z `[S, B, ...latent]`: `rsample([S])` of the posterior, with the caller's noise ε for a Gaussian one. */
export function drawLatents(fn: string, q: Encoded, samples: number, seed: Seed | undefined, noise: Tensor | TensorLike | undefined): Tensor {
  if (noise !== undefined) {
    if (!q.gaussian) fail(fn, 'options.noise', 'absent when encode(x) returns a distribution (pass a seed)', 'a tensor');
    const locShape = q.gaussian.loc.shape;
    const shape = [samples, ...locShape];
    const ns = inferShape(noise);
    if (!(sameShape(ns, shape) || (samples === 1 && sameShape(ns, locShape)))) {
      fail(fn, 'options.noise', `of ${showShape(shape)}${samples === 1 ? ` or ${showShape(locShape)}` : ''}`, showShape(ns));
    }
    const eps = tf.reshape(toFloat(fn, 'options.noise', noise), shape);
    return (q.posterior.rsample as (s: number[], o: object) => Tensor)([samples], { noise: eps });
  }
  const derived = deriveSeed(seed, 'eps');
  const z = checkReturned(fn, 'encode(x).rsample([S])', q.posterior.rsample([samples], derived === undefined ? {} : { seed: derived }));
  if (z.rank < 2 || z.shape[0] !== samples) fail(fn, 'encode(x).rsample([S])', `of shape [${samples}, B, ...latent]`, z);
  return z;
}

/** log q(z|x), `[S, B]`. */
export function logPosterior(fn: string, q: Encoded, z: Tensor): Tensor {
  return checkReturned(fn, 'encode(x).logProb(z)', q.posterior.logProb(z), z.shape.slice(0, 2));
}

/** log p(z), `[S, B]`. */
export function logPrior(fn: string, prior: Prior | undefined, z: Tensor): Tensor {
  if (prior === undefined) return sumTrailing(normalLogDensity(z, 0, 0), z.rank - 2);
  return checkReturned(fn, 'prior.logProb(z)', prior.logProb(z), z.shape.slice(0, 2));
}

/** log p(x|z) `[S, B]` for latents z `[S, B, ...latent]`, decoded in one call of S·B rows. */
export function logLikelihood(fn: string, o: ModelOptions, x: Tensor, z: Tensor): Tensor {
  const [s, b] = z.shape as [number, number];
  const decoded = checkReturned(fn, 'decode(z)', o.decode(tf.reshape(z, [s * b, ...z.shape.slice(2)])), undefined, s * b);
  const xs = s === 1 ? x : tf.tile(x, [s, ...x.shape.slice(1).map(() => 1)]);
  const ll = checkReturned(fn, 'likelihood(x, decode(z))', o.likelihood(xs, decoded), [s * b]);
  return tf.reshape(ll, [s, b]);
}
