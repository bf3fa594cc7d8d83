/**
 * The machinery shared by the ELBO and the IWAE bound: encode, draw S reparameterized latents, decode
 * them all in one call, evaluate log p(x|z), log q(z|x) and log p(z).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkSeed, fail, inferShape, toFloat } from '@genmod-internal/core';
import { checkFunction, checkInt, checkObject, checkReturned, checkTensor, normalLogDensity, normalNoise, sameShape, showShape, standardLogDensity, sumFrom } from './checks.js';
import type { Encoding, GaussianPosterior } from '../posterior.js';
import type { Likelihood } from '../likelihood.js';
import type { Prior } from '../prior.js';

/** The options the ELBO and the IWAE bound share. */
export interface ModelOptions {
  /** the data, float32 `[B, ...]` */
  x: Tensor | TensorLike;
  /** the encoder: x `[B, ...]` ↦ q(z|x), a {@link GaussianPosterior} `{ loc, logVar }` or a {@link Posterior} */
  encode: (x: Tensor) => Encoding;
  /** the decoder: z `[M, ...latent]` ↦ its output `[M, ...]` (logits, means, …), with M = samples·B */
  decode: (z: Tensor) => Tensor;
  /** log p(x|z) from the decoder's output, e.g. {@link bernoulliLogLikelihood} */
  likelihood: Likelihood;
  /** the prior p(z); default the standard normal N(0, I) */
  prior?: Prior;
  /** seed of the reparameterization noise; vary it per training step */
  seed?: number | string;
  /** the standard noise ε itself, `[S, B, ...latent]` (or `[B, ...latent]` when S = 1), Gaussian posteriors only */
  noise?: Tensor | TensorLike;
}

export interface Checked {
  xShape: number[];
  seed: number | string | undefined;
}

export function checkModel(fn: string, o: ModelOptions): Checked {
  checkObject(fn, 'options', o);
  const xShape = checkTensor(fn, 'options.x', o.x);
  checkFunction(fn, 'options.encode', o.encode);
  checkFunction(fn, 'options.decode', o.decode);
  checkFunction(fn, 'options.likelihood', o.likelihood);
  if (o.prior !== undefined && (o.prior === null || typeof o.prior !== 'object' || typeof o.prior.logProb !== 'function')) {
    fail(fn, 'options.prior', 'an object with logProb(z) (and sample)', o.prior);
  }
  if (o.noise !== undefined) checkTensor(fn, 'options.noise', o.noise);
  return { xShape, seed: checkSeed(fn, o.seed) };
}

export const isGaussian = (q: Encoding): q is GaussianPosterior =>
  q !== null && typeof q === 'object' && (q as GaussianPosterior).loc instanceof tf.Tensor && (q as GaussianPosterior).logVar instanceof tf.Tensor;

/** Encodes and checks the encoder's output against the batch. */
export function encodeChecked(fn: string, encode: (x: Tensor) => Encoding, x: Tensor): Encoding {
  const q = encode(x);
  const b = x.shape[0]!;
  if (isGaussian(q)) {
    checkReturned(fn, 'encode(x).loc', q.loc, undefined, b);
    checkReturned(fn, 'encode(x).logVar', q.logVar, q.loc.shape);
    if (q.loc.rank < 2) fail(fn, 'encode(x).loc', 'of shape [B, ...latent] (rank ≥ 2)', q.loc);
    return q;
  }
  if (q === null || typeof q !== 'object' || typeof (q as { rsample?: unknown }).rsample !== 'function' || typeof (q as { logProb?: unknown }).logProb !== 'function') {
    fail(fn, 'encode(x)', 'an object { loc, logVar } of float32 tensors or a distribution with rsample and logProb', q);
  }
  return q;
}

/** z `[S, B, ...latent]`: μ + σ·ε for a Gaussian posterior, `rsample([S])` otherwise. */
export function drawLatents(fn: string, q: Encoding, samples: number, seed: number | string | undefined, noise: Tensor | TensorLike | undefined): Tensor {
  if (isGaussian(q)) {
    const shape = [samples, ...q.loc.shape];
    let eps: Tensor;
    if (noise !== undefined) {
      const ns = inferShape(noise);
      const ok = sameShape(ns, shape) || (samples === 1 && sameShape(ns, q.loc.shape));
      if (!ok) fail(fn, 'options.noise', `of ${showShape(shape)}${samples === 1 ? ` or ${showShape(q.loc.shape)}` : ''}`, showShape(ns));
      eps = tf.reshape(toFloat(fn, 'options.noise', noise), shape);
    } else {
      eps = normalNoise(shape, seed);
    }
    return tf.add(q.loc, tf.mul(tf.exp(tf.mul(q.logVar, 0.5)), eps));
  }
  if (noise !== undefined) fail(fn, 'options.noise', 'absent when encode(x) returns a distribution (pass a seed)', 'a tensor');
  const z = checkReturned(fn, 'encode(x).rsample([S])', q.rsample([samples], { seed }));
  if (z.rank < 2 || z.shape[0] !== samples) fail(fn, 'encode(x).rsample([S])', `of shape [${samples}, B, ...latent]`, z);
  return z;
}

/** log q(z|x), `[S, B]`. */
export function logPosterior(fn: string, q: Encoding, z: Tensor): Tensor {
  if (isGaussian(q)) return sumFrom(normalLogDensity(z, q.loc, q.logVar), 2);
  return checkReturned(fn, 'encode(x).logProb(z)', q.logProb(z), z.shape.slice(0, 2));
}

/** log p(z), `[S, B]`. */
export function logPrior(fn: string, prior: Prior | undefined, z: Tensor): Tensor {
  if (prior === undefined) return sumFrom(standardLogDensity(z), 2);
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

export { checkInt };
