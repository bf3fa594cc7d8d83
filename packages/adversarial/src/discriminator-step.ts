/**
 * One discriminator (critic) update of a GAN: a building block of {@link trainAdversarial}, for users who
 * write their own loop.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661, Algorithm 1.
 * @see Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", arXiv:1701.07875, Algorithm 1.
 * @see Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training of Wasserstein GANs", arXiv:1704.00028, Algorithm 1.
 */
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { type Seed, checkFunction, checkInteger, checkObject, checkOptions, checkSeed, deriveSeed, fail } from '@genmod-internal/core';
import type { GanLoss } from './gan-loss.js';
import { checkBatch } from './internal/checks.js';
import { type AdversarialNetwork, checkLoss, checkOptimizer, resolveCall, resolveNetwork } from './internal/networks.js';
import { runDiscriminatorStep } from './internal/run-steps.js';

/**
 * What a penalty hook receives; it returns a scalar added to the discriminator's loss.
 * @example
 * ```ts
 * const penalty: Penalty = ({ discriminator, real, fake, seed }: PenaltyContext) => gradientPenalty(discriminator, real, fake, { seed });
 * ```
 * @since 0.1.0
 */
export interface PenaltyContext {
  /** the discriminator as a function (x) => scores, differentiable in its variables and in x */
  discriminator: (x: Tensor) => Tensor;
  /** the real batch `[B, ...]` */
  real: Tensor;
  /** the generated batch `[B, ...]`, a constant for this update */
  fake: Tensor;
  /** a seed for this update (e.g. for the interpolates of a gradient penalty), derived by `deriveSeed` from the run's seed */
  seed: number;
  /** the generator step this update belongs to */
  step: number;
}

/**
 * A penalty added to the discriminator's loss, e.g. `({ discriminator, real, fake, seed }) => gradientPenalty(discriminator, real, fake, { seed })`.
 * @example
 * ```ts
 * const r1: Penalty = ({ discriminator, real }) => r1Penalty(discriminator, real, { weight: 10 });
 * ```
 * @since 0.1.0
 */
export type Penalty = (context: PenaltyContext) => Scalar;

/** Options of {@link discriminatorStep}. @since 0.1.0 */
export interface DiscriminatorStepOptions {
  /** the discriminator (critic): a function over variables or a LayersModel */
  discriminator: AdversarialNetwork;
  /** its variables, when `discriminator` is a plain function without a `trainableVariables` property */
  discriminatorVariables?: Variable[];
  /** the discriminator's optimizer */
  optimizer: Optimizer;
  /** the GAN loss (e.g. `nonSaturatingLoss`, `wassersteinLoss`) */
  loss: GanLoss;
  /** a real batch `[B, ...]` */
  real: Tensor;
  /** a generated batch `[B, ...]` (a constant here); or give `generator` and `noise` */
  fake?: Tensor;
  /** the generator, run forward without gradients on `noise` when `fake` is not given */
  generator?: AdversarialNetwork;
  /** the generator's input `[B, ...]` when `fake` is not given */
  noise?: Tensor;
  /** a penalty added to the loss (gradient penalty, R1, R2) */
  penalty?: Penalty;
  /** called with the discriminator's variables after the update (e.g. `clipWeights` for the original WGAN) */
  constrain?: (variables: Variable[]) => void;
  /** the run's seed (a number or a string); the penalty gets `deriveSeed(seed, 'step', step, 'penalty')`. Default 0 */
  seed?: Seed;
  /** passed to the penalty (and to its seed); an integer ≥ 0, default 0 */
  step?: number;
}

const KEYS = ['discriminator', 'discriminatorVariables', 'optimizer', 'loss', 'real', 'fake', 'generator', 'noise', 'penalty', 'constrain', 'seed', 'step'] as const;

/** What {@link discriminatorStep} returns (the caller owns the scalars); a type alias, so that it can be returned from `tf.tidy`. @since 0.1.0 */
export type DiscriminatorStepResult = {
  /** the loss that was minimized (the GAN loss plus the penalty), before the update */
  loss: Scalar;
  /** the penalty's value, when a penalty was given */
  penalty?: Scalar;
};

/**
 * One update of the discriminator (critic) D_φ, the generated batch held fixed:
 *   φ ← opt(φ, ∇_φ [ L_D(D_φ(x), D_φ(x̃)) + penalty ]),   x̃ = G(z) computed without gradients,
 * where L_D is `loss.discriminator` (for the non-saturating GAN −E log σ(D(x)) − E log(1 − σ(D(x̃))); for WGAN
 * −E D(x) + E D(x̃)). Then `constrain(variables)` (weight clipping) runs. Real and fake batches must have the
 * same shape (checked before the update). Returns the loss before the update; the caller owns the tensors.
 *
 * @see Goodfellow et al. 2014, arXiv:1406.2661, Algorithm 1 · Gulrajani et al. 2017, arXiv:1704.00028, Algorithm 1
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([2, 1]));
 * const critic = (x: tf.Tensor) => tf.matMul(x, w);
 * const opt = tf.train.adam(1e-3);
 * const real = tf.ones([4, 2]);
 * const fake = tf.zeros([4, 2]);
 * const { loss } = discriminatorStep({ discriminator: critic, discriminatorVariables: [w], optimizer: opt, loss: nonSaturatingLoss, real, fake });
 * loss.print(); // 2·log 2 = 1.3863 (before the update)
 * ```
 * @since 0.1.0
 */
export function discriminatorStep(options: DiscriminatorStepOptions): DiscriminatorStepResult {
  const fn = 'discriminatorStep';
  const o = checkOptions(fn, checkObject(fn, 'options', options), KEYS);
  const discriminator = resolveNetwork(fn, 'options.discriminator', o.discriminator, o.discriminatorVariables, 'options.discriminatorVariables');
  const optimizer = checkOptimizer(fn, 'options.optimizer', o.optimizer);
  const loss = checkLoss(fn, o.loss);
  const real = checkBatch(fn, 'options.real', o.real);
  let fake: Tensor | (() => Tensor);
  if (o.fake === undefined) {
    if (o.generator === undefined || o.noise === undefined) fail(fn, 'options.fake', 'a generated batch (or give options.generator and options.noise)', 'undefined');
    const generator = resolveCall(fn, 'options.generator', o.generator);
    const z = checkBatch(fn, 'options.noise', o.noise);
    if (z.shape[0] !== real.shape[0]) fail(fn, 'options.noise', `a batch of ${real.shape[0]} (the real batch's size)`, z);
    fake = () => generator(z);
  } else {
    fake = checkBatch(fn, 'options.fake', o.fake);
  }
  const penalty = o.penalty === undefined ? undefined : checkFunction<Penalty>(fn, 'options.penalty', o.penalty);
  const constrain = o.constrain === undefined ? undefined : checkFunction<(v: Variable[]) => void>(fn, 'options.constrain', o.constrain);
  const seed = checkSeed(fn, o.seed) ?? 0;
  const step = o.step === undefined ? 0 : checkInteger(fn, 'options.step', o.step, { min: 0 });
  return runDiscriminatorStep({ fn, discriminator, optimizer, loss, real, fake, penalty, constrain, seed: deriveSeed(seed, 'step', step, 'penalty'), step });
}
