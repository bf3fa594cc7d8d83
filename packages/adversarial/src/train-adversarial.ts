/**
 * The alternating GAN training loop: k discriminator (critic) updates per generator update.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661, Algorithm 1.
 * @see Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", arXiv:1701.07875, Algorithm 1 (n_critic = 5).
 * @see Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training of Wasserstein GANs", arXiv:1704.00028, Algorithm 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, Tensor, Variable } from '@tensorflow/tfjs-core';
import { type Seed, checkFunction, checkInteger, checkObject, checkOptions, checkSeed, deriveSeed, fail, show } from '@genmod-internal/core';
import type { Penalty } from './discriminator-step.js';
import type { GanLoss } from './gan-loss.js';
import { checkBatch } from './internal/checks.js';
import { type AdversarialNetwork, checkLoss, checkSameVariables, checkTwoOptimizers, resolveNetwork } from './internal/networks.js';
import { runDiscriminatorStep, runGeneratorStep } from './internal/run-steps.js';
import { yieldToEventLoop } from './internal/yield.js';

/** Where a sampling callback is called from, with the seed to use. @since 0.1.0 */
export interface SampleContext {
  /** the generator step, `initialStep`, `initialStep + 1`, … */
  step: number;
  /** 'discriminator' for the k critic updates of the step, 'generator' for its generator update */
  phase: 'discriminator' | 'generator';
  /** the critic iteration 0…k−1 within the step (0 in the generator phase) */
  criticIteration: number;
  /**
   * a seed derived by `deriveSeed` from options.seed and the call's streams ('step', step, 'critic', k, 'real' |
   * 'noise', or 'step', step, 'generator', 'noise'): different per call, never 0
   */
  seed: number;
}

/** The losses of one generator step, read back to the host. @since 0.1.0 */
export interface AdversarialStepRecord {
  /** the generator step */
  step: number;
  /** the discriminator's loss (plus the penalty), mean over the step's k critic updates */
  discriminatorLoss: number;
  /** the penalty, mean over the k critic updates (absent without a penalty) */
  penalty?: number;
  /** the generator's loss */
  generatorLoss: number;
}

/** Options of {@link trainAdversarial}: the two networks and optimizers, the loss, the samplers and the hooks. @since 0.1.0 */
export interface TrainAdversarialOptions {
  /** the generator G: a function over variables or a LayersModel */
  generator: AdversarialNetwork;
  /** the discriminator (critic) D: a function over variables or a LayersModel */
  discriminator: AdversarialNetwork;
  /** G's variables, when `generator` is a plain function without a `trainableVariables` property */
  generatorVariables?: Variable[];
  /** D's variables, when `discriminator` is a plain function without a `trainableVariables` property */
  discriminatorVariables?: Variable[];
  generatorOptimizer: Optimizer;
  discriminatorOptimizer: Optimizer;
  /** the GAN loss, e.g. `nonSaturatingLoss` or `wassersteinLoss` */
  loss: GanLoss;
  /** the number of generator updates to run, an integer ≥ 0 */
  steps: number;
  /** discriminator updates per generator update: an integer ≥ 1; default 5 for the Wasserstein loss (name 'wasserstein'), 1 otherwise */
  criticSteps?: number;
  /**
   * a real batch `[B, ...]` for one critic update. Called inside `tf.tidy`: a fresh tensor is freed after the
   * update, a tensor that already existed (a fixed data set) is left alone.
   */
  sampleReal: (context: SampleContext) => Tensor;
  /** the generator's input `[B, ...]` (same B as the real batch), e.g. `tf.randomNormal([B, 2], 0, 1, 'float32', seed)`; called inside `tf.tidy` */
  sampleNoise: (context: SampleContext) => Tensor;
  /** added to the discriminator's loss, e.g. `({ discriminator, real, fake, seed }) => gradientPenalty(discriminator, real, fake, { seed })` */
  penalty?: Penalty;
  /** called with D's variables after every critic update, e.g. `(vs) => clipWeights(vs, 0.01)` (the original WGAN) */
  constrainDiscriminator?: (variables: Variable[]) => void;
  /** the run's seed (a number or a string; 0 is a seed like any other), from which every call's seed is derived; default 0 */
  seed?: Seed;
  /** the index of the first step (to resume a run with fresh seeds); default 0 */
  initialStep?: number;
  /** stops the run between steps; the promise then resolves with `aborted: true` */
  signal?: AbortSignal;
  /** called after every step with its losses; may be async (awaited); returning `false` stops the run */
  onStep?: (record: AdversarialStepRecord) => void | boolean | Promise<void | boolean>;
  /** yield to the event loop every this many steps (an integer ≥ 1, default 1) so a page or server stays responsive */
  yieldEvery?: number;
}

/** What {@link trainAdversarial} resolves with. @since 0.1.0 */
export interface TrainAdversarialResult {
  /** the losses of every completed step */
  history: AdversarialStepRecord[];
  /** the number of completed generator steps */
  steps: number;
  /** whether the signal (or `onStep` returning false) stopped the run early */
  aborted: boolean;
}

const KEYS = [
  'generator', 'discriminator', 'generatorVariables', 'discriminatorVariables', 'generatorOptimizer', 'discriminatorOptimizer', 'loss', 'steps',
  'criticSteps', 'sampleReal', 'sampleNoise', 'penalty', 'constrainDiscriminator', 'seed', 'initialStep', 'signal', 'onStep', 'yieldEvery',
] as const;

/** An optional callback. */
function optionalFunction<F extends (...args: never[]) => unknown>(fn: string, arg: string, v: unknown): F | undefined {
  return v === undefined ? undefined : checkFunction<F>(fn, arg, v);
}

/**
 * Trains a GAN by alternating updates (Goodfellow et al. 2014, Algorithm 1; WGAN's n_critic loop): for each
 * of `steps` generator steps,
 *   k times:  x ~ sampleReal, z ~ sampleNoise, x̃ = G(z) (no gradient),
 *             φ ← opt_D(φ, ∇_φ [ L_D(D(x), D(x̃)) + penalty(D, x, x̃) ]),  then constrainDiscriminator(φ)
 *   once:     z ~ sampleNoise,  θ ← opt_G(θ, ∇_θ L_G(D(G_θ(z))))
 * with k = `criticSteps` (default 5 for `wassersteinLoss`, 1 otherwise). Every sampling call gets its own seed
 * derived from `seed`, the step, the phase and the critic iteration, so a run is reproducible and no noise is
 * reused. Each step runs inside `tf.tidy`: the tensor count stays flat over any number of steps (after the
 * optimizers' slots appear on the first). Between steps the loop yields to the event loop, reads the losses
 * back (one small async read per step), calls `onStep`, and stops when `signal` aborts.
 *
 * Everything that can be checked before training is: networks, variables (non-empty, tf.Variables, disjoint),
 * optimizers, loss, `criticSteps` (an integer ≥ 1), callbacks. Real and fake batches of different shapes are
 * refused on the first critic update, before any variable moves.
 *
 * @returns the per-step losses, the number of steps done and whether the run was stopped early
 * @see Goodfellow et al. 2014, arXiv:1406.2661 · Arjovsky et al. 2017, arXiv:1701.07875 · Gulrajani et al. 2017, arXiv:1704.00028
 * @example
 * ```ts
 * // G: z ↦ z·a + b learns N(3, 1) from N(0, 1) with a linear-logit discriminator on (x, x²)
 * const a = tf.variable(tf.ones([1, 1]));
 * const b = tf.variable(tf.zeros([1]));
 * const w = tf.variable(tf.zeros([2, 1]));
 * const generator = (z: tf.Tensor) => tf.add(tf.matMul(z, a), b);
 * const discriminator = (x: tf.Tensor) => tf.matMul(tf.concat([x, tf.square(x)], 1), w);
 * const { history } = await trainAdversarial({
 *   generator, generatorVariables: [a, b], discriminator, discriminatorVariables: [w],
 *   generatorOptimizer: tf.train.adam(0.05), discriminatorOptimizer: tf.train.adam(0.05),
 *   loss: nonSaturatingLoss, steps: 300,
 *   sampleReal: ({ seed }) => tf.randomNormal([128, 1], 3, 1, 'float32', seed),
 *   sampleNoise: ({ seed }) => tf.randomNormal([128, 1], 0, 1, 'float32', seed),
 * });
 * console.log(history.length, b.dataSync()[0]); // 300, ≈ 3
 * ```
 * @since 0.1.0
 */
export async function trainAdversarial(options: TrainAdversarialOptions): Promise<TrainAdversarialResult> {
  const fn = 'trainAdversarial';
  const o = checkOptions(fn, checkObject(fn, 'options', options), KEYS);
  const g = resolveNetwork(fn, 'options.generator', o.generator, o.generatorVariables, 'options.generatorVariables');
  const d = resolveNetwork(fn, 'options.discriminator', o.discriminator, o.discriminatorVariables, 'options.discriminatorVariables');
  checkSameVariables(fn, g.variables, d.variables);
  const [optG, optD] = checkTwoOptimizers(fn, ['options.generatorOptimizer', 'options.discriminatorOptimizer'], o.generatorOptimizer, o.discriminatorOptimizer);
  const loss = checkLoss(fn, o.loss);
  const steps = checkInteger(fn, 'options.steps', o.steps, { min: 0 });
  const criticSteps = o.criticSteps === undefined ? (loss.name === 'wasserstein' ? 5 : 1) : checkInteger(fn, 'options.criticSteps', o.criticSteps, { min: 1 });
  const initialStep = o.initialStep === undefined ? 0 : checkInteger(fn, 'options.initialStep', o.initialStep, { min: 0 });
  const yieldEvery = o.yieldEvery === undefined ? 1 : checkInteger(fn, 'options.yieldEvery', o.yieldEvery, { min: 1 });
  const seed = checkSeed(fn, o.seed) ?? 0;
  const sampleReal = checkFunction<TrainAdversarialOptions['sampleReal']>(fn, 'options.sampleReal', o.sampleReal);
  const sampleNoise = checkFunction<TrainAdversarialOptions['sampleNoise']>(fn, 'options.sampleNoise', o.sampleNoise);
  const penalty = optionalFunction<Penalty>(fn, 'options.penalty', o.penalty);
  const constrain = optionalFunction<(v: Variable[]) => void>(fn, 'options.constrainDiscriminator', o.constrainDiscriminator);
  const onStep = optionalFunction<NonNullable<TrainAdversarialOptions['onStep']>>(fn, 'options.onStep', o.onStep);
  const signal = o.signal;
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean')) fail(fn, 'options.signal', 'an AbortSignal', signal);

  const history: AdversarialStepRecord[] = [];
  for (let i = 0; i < steps; i++) {
    if (signal?.aborted) return { history, steps: i, aborted: true };
    const step = initialStep + i;
    const dLosses: tf.Scalar[] = [];
    const penalties: tf.Scalar[] = [];
    let gLoss: tf.Scalar;
    try {
      for (let k = 0; k < criticSteps; k++) {
        const context = (stream: string): SampleContext => ({ step, phase: 'discriminator', criticIteration: k, seed: deriveSeed(seed, 'step', step, 'critic', k, stream) });
        // the batches live in this tidy; the step's loss and penalty are returned out of it
        const r = tf.tidy(() => {
          const real = checkBatch(fn, 'the tensor from options.sampleReal', sampleReal(context('real')));
          const z = checkBatch(fn, 'the tensor from options.sampleNoise', sampleNoise(context('noise')));
          if (z.shape[0] !== real.shape[0]) {
            throw new Error(`${fn}: sampleNoise and sampleReal must give batches of the same size, got ${show(z)} and ${show(real)}`);
          }
          const penaltySeed = deriveSeed(seed, 'step', step, 'critic', k, 'penalty');
          const out = runDiscriminatorStep({ fn, discriminator: d, optimizer: optD, loss, real, fake: () => g.call(z), penalty, constrain, seed: penaltySeed, step });
          return out.penalty ? [out.loss, out.penalty] : [out.loss];
        });
        dLosses.push(r[0] as tf.Scalar);
        if (r[1]) penalties.push(r[1] as tf.Scalar);
      }
      gLoss = tf.tidy(() => {
        const context: SampleContext = { step, phase: 'generator', criticIteration: 0, seed: deriveSeed(seed, 'step', step, 'generator', 'noise') };
        const z = checkBatch(fn, 'the tensor from options.sampleNoise', sampleNoise(context));
        return runGeneratorStep({ generator: g, discriminator: d.call, optimizer: optG, loss, noise: z });
      });
    } catch (e) {
      tf.dispose([...dLosses, ...penalties]);
      throw e;
    }
    const values = await Promise.all([...dLosses, ...penalties, gLoss].map((t) => t.data()));
    tf.dispose([...dLosses, ...penalties, gLoss]);
    const mean = (vs: ArrayLike<number>[]) => vs.reduce((s, v) => s + (v[0] as number), 0) / vs.length;
    const record: AdversarialStepRecord = {
      step,
      discriminatorLoss: mean(values.slice(0, criticSteps)),
      ...(penalties.length ? { penalty: mean(values.slice(criticSteps, criticSteps + penalties.length)) } : {}),
      generatorLoss: values[values.length - 1]![0] as number,
    };
    history.push(record);
    if (onStep && (await onStep(record)) === false) return { history, steps: i + 1, aborted: true };
    if ((i + 1) % yieldEvery === 0 && i + 1 < steps) await yieldToEventLoop();
  }
  return { history, steps, aborted: false };
}
