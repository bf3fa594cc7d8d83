/**
 * The WGAN-GP gradient penalty on random interpolates between data and samples.
 *
 * @see Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training of Wasserstein GANs",
 *   arXiv:1704.00028, Algorithm 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { type Seed, checkNumber, checkOptions, checkSeed, fail, sameShape, showShape, uniformNoise } from '@genmod-internal/core';
import { checkBatch, checkCritic } from './internal/checks.js';
import { inputGradient, safeNormPerExample } from './internal/math.js';

/** Options of {@link gradientPenalty}. @since 0.1.0 */
export interface GradientPenaltyOptions {
  /**
   * Seed of the interpolation weights ε ~ U(0, 1). A fixed seed gives the same ε on every call: in a
   * training loop pass a different seed per step (or pass `epsilon`).
   */
  seed?: Seed;
  /** the target gradient norm (1: the critic should be 1-Lipschitz). Default 1. */
  target?: number;
  /** λ, the penalty's weight in the critic loss. Default 10 (the paper's value). */
  weight?: number;
  /**
   * The interpolation weights themselves, one per example: shape `[B]` or `[B, 1, …, 1]`, values in
   * [0, 1] (common random numbers, reproducible tests). When given, `seed` is unused.
   */
  epsilon?: Tensor;
}

const KEYS = ['seed', 'target', 'weight', 'epsilon'] as const;

/**
 * The gradient penalty of WGAN-GP, added to the Wasserstein critic loss:
 *
 *   GP = λ · E_x̂ (‖∇_x̂ D(x̂)‖₂ − target)²,   x̂ = ε·x + (1 − ε)·x̃,   ε ~ U(0, 1) per example,
 *
 * with x a batch of data and x̃ a batch of samples. The norm is taken over every axis but the batch axis,
 * with a finite gradient where ∇D = 0.
 *
 * Differentiating GP with respect to the critic's weights differentiates a gradient: in tfjs 4.22 this is
 * silently wrong for critics with tanh, sigmoid, exp or softmax and throws for elu, leakyRelu, prelu,
 * selu and max-based layers, unless the app calls `enableHigherOrderGradients()` once (relu, softplus and
 * linear layers are right without it). The critic must treat examples independently (no batch norm).
 *
 * @param critic the critic D, `(x: [B, ...]) => [B] | [B, 1]`: a LayersModel's `predict`, or a function over
 *   Variables
 * @param real data x, `[B, ...]`, float32
 * @param fake samples x̃, the same shape
 * @returns a scalar; the caller owns it
 * @see Gulrajani et al. 2017, arXiv:1704.00028, eq. 3 and Algorithm 1
 * @example
 * ```ts
 * const w = tf.variable(tf.tensor2d([[1], [-2]]));
 * const critic = (x: tf.Tensor) => tf.matMul(x, w);               // ∇D = w, ‖w‖ = √5
 * const real = tf.randomNormal([8, 2], 0, 1, 'float32', 1);
 * const fake = tf.randomNormal([8, 2], 2, 1, 'float32', 2);
 * gradientPenalty(critic, real, fake, { seed: 3 }).print();        // 10·(√5 − 1)² = 15.28
 * ```
 * @since 0.1.0
 */
export function gradientPenalty(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, options: GradientPenaltyOptions = {}): Scalar {
  const fn = 'gradientPenalty';
  const o = checkOptions(fn, options, KEYS);
  checkCritic(fn, critic);
  const { shape } = checkBatch(fn, 'real', real);
  if (!sameShape(shape, checkBatch(fn, 'fake', fake).shape)) {
    fail(fn, 'fake', `of real's ${showShape(shape)} (the same batch size: interpolates pair them up)`, fake);
  }
  const seed = checkSeed(fn, o.seed);
  const target = o.target === undefined ? 1 : checkNumber(fn, 'options.target', o.target, { min: 0 });
  const weight = o.weight === undefined ? 10 : checkNumber(fn, 'options.weight', o.weight, { min: 0 });
  const B = shape[0]!;
  const epsShape = [B, ...shape.slice(1).map(() => 1)];
  if (o.epsilon !== undefined) {
    const e = o.epsilon;
    if (!(e instanceof tf.Tensor) || e.dtype !== 'float32') fail(fn, 'options.epsilon', 'a float32 tensor', e);
    if (e.size !== B || e.shape[0] !== B) fail(fn, 'options.epsilon', `one weight per example, shape [${B}] or [${epsShape.join(', ')}]`, e);
  }
  return tf.tidy(fn, () => {
    const eps = o.epsilon ? tf.reshape(o.epsilon, epsShape) : uniformNoise(epsShape, seed, 0, 1, 'epsilon');
    const xHat = tf.add(tf.mul(eps, real), tf.mul(tf.sub(1, eps), fake));
    const grad = inputGradient(critic, xHat, fn);
    const norm = safeNormPerExample(grad);
    return tf.mul(tf.mean(tf.square(tf.sub(norm, target))), weight);
  }) as Scalar;
}
