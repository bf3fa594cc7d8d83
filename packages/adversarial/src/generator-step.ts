/**
 * One generator update of a GAN: a building block of {@link trainAdversarial}, for users who write their
 * own loop.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661, Algorithm 1 and §3.
 */
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { checkObject, checkOptions } from '@genmod-internal/core';
import type { GanLoss } from './gan-loss.js';
import { checkBatch } from './internal/checks.js';
import { type AdversarialNetwork, checkLoss, checkOptimizer, resolveCall, resolveNetwork } from './internal/networks.js';
import { runGeneratorStep } from './internal/run-steps.js';

/** Options of {@link generatorStep}. @since 0.1.0 */
export interface GeneratorStepOptions {
  /** the generator: a function over variables or a LayersModel */
  generator: AdversarialNetwork;
  /** its variables, when `generator` is a plain function without a `trainableVariables` property */
  generatorVariables?: Variable[];
  /** the discriminator (critic), held fixed */
  discriminator: AdversarialNetwork;
  /** the generator's optimizer */
  optimizer: Optimizer;
  /** the GAN loss */
  loss: GanLoss;
  /** the generator's input `[B, ...]` */
  noise: Tensor;
}

const KEYS = ['generator', 'generatorVariables', 'discriminator', 'optimizer', 'loss', 'noise'] as const;

/**
 * One update of the generator G_θ, the discriminator held fixed:
 *   θ ← opt(θ, ∇_θ L_G(D(G_θ(z)))),
 * where L_G is `loss.generator` (non-saturating −E log σ(D(G(z))); WGAN −E D(G(z))). Only the generator's
 * variables move. Returns the loss before the update; the caller owns it.
 *
 * @see Goodfellow et al. 2014, arXiv:1406.2661, Algorithm 1 and §3 (the non-saturating form)
 * @example
 * ```ts
 * const a = tf.variable(tf.ones([1, 2]));
 * const generator = (z: tf.Tensor) => tf.mul(z, a);
 * const critic = (x: tf.Tensor) => tf.sum(x, 1, true);
 * const loss = generatorStep({ generator, generatorVariables: [a], discriminator: critic, optimizer: tf.train.sgd(0.1), loss: wassersteinLoss, noise: tf.ones([3, 2]) });
 * loss.print(); // −E D(G(z)) = −2 (before the update)
 * ```
 * @since 0.1.0
 */
export function generatorStep(options: GeneratorStepOptions): Scalar {
  const fn = 'generatorStep';
  const o = checkOptions(fn, checkObject(fn, 'options', options), KEYS);
  const generator = resolveNetwork(fn, 'options.generator', o.generator, o.generatorVariables, 'options.generatorVariables');
  const discriminator = resolveCall(fn, 'options.discriminator', o.discriminator);
  const optimizer = checkOptimizer(fn, 'options.optimizer', o.optimizer);
  const loss = checkLoss(fn, o.loss);
  const noise = checkBatch(fn, 'options.noise', o.noise);
  return runGeneratorStep({ generator, discriminator, optimizer, loss, noise });
}
