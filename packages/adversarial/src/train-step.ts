/**
 * One discriminator (critic) update and one generator update of a GAN: the building blocks of
 * {@link trainAdversarial}, for users who write their own loop.
 *
 * @see Goodfellow et al. 2014, "Generative Adversarial Nets", arXiv:1406.2661, Algorithm 1.
 * @see Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", arXiv:1701.07875, Algorithm 1.
 * @see Gulrajani, Ahmed, Arjovsky, Dumoulin & Courville 2017, "Improved Training of Wasserstein GANs", arXiv:1704.00028, Algorithm 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import { fail, show } from '@genmod-internal/core';
import type { GanLoss } from './losses.js';

/**
 * Anything shaped like a tfjs-layers `LayersModel` (`tf.sequential()`, `tf.model()`): called with
 * `apply(x, { training: true })`, trained through the `tf.Variable`s behind its `trainableWeights`.
 */
export interface LayersModelLike {
  apply(inputs: Tensor, kwargs?: { training?: boolean }): unknown;
  readonly trainableWeights: ReadonlyArray<{ read(): Tensor }>;
}

/**
 * A network the training functions accept: a function over `tf.Variable`s (its variables given in the
 * options, or attached as a `trainableVariables` property), or a LayersModel.
 */
export type AdversarialNetwork = ((x: Tensor) => Tensor) | LayersModelLike;

/** A network resolved to a call and the variables an optimizer updates. */
export interface ResolvedNetwork {
  call(x: Tensor): Tensor;
  variables: Variable[];
}

function isLayersModel(net: unknown): net is LayersModelLike {
  return net !== null && typeof net === 'object' && typeof (net as LayersModelLike).apply === 'function' && Array.isArray((net as LayersModelLike).trainableWeights);
}

/**
 * Resolves a network and its variables, checking both before anything runs.
 * @internal
 */
export function resolveNetwork(fn: string, arg: string, net: unknown, variables: unknown, variablesArg: string): ResolvedNetwork {
  let call: (x: Tensor) => Tensor;
  let found: unknown;
  if (typeof net === 'function') {
    const f = net as ((x: Tensor) => Tensor) & { trainableVariables?: unknown };
    call = (x) => checkOutput(fn, arg, f(x));
    found = variables ?? f.trainableVariables;
  } else if (isLayersModel(net)) {
    call = (x) => checkOutput(fn, arg, net.apply(x, { training: true }));
    found = variables ?? net.trainableWeights.map((w) => w.read());
  } else {
    return fail(fn, arg, 'a function (x: Tensor) => Tensor or a LayersModel (apply + trainableWeights)', net === null || typeof net !== 'object' ? net : 'an object without apply/trainableWeights');
  }
  if (found === undefined) {
    fail(fn, variablesArg, `the tf.Variables of ${arg} (a plain function needs them in options.${variablesArg.replace(/^options\./, '')} or as a trainableVariables property)`, 'undefined');
  }
  if (!Array.isArray(found) || found.length === 0) {
    fail(fn, variablesArg, `a non-empty array of the tf.Variables of ${arg}${isLayersModel(net) ? ' (a LayersModel has no weights until it is built: give its first layer an inputShape)' : ''}`, found);
  }
  const bad = found.findIndex((v) => !(v instanceof tf.Variable));
  if (bad >= 0) fail(fn, `${variablesArg}[${bad}]`, 'a tf.Variable (from the same @tensorflow/tfjs-core as this package)', found[bad]);
  return { call, variables: found as Variable[] };
}

function checkOutput(fn: string, arg: string, out: unknown): Tensor {
  const t = Array.isArray(out) && out.length === 1 ? out[0] : out;
  if (!(t instanceof tf.Tensor)) fail(fn, `the output of ${arg}`, 'a single tensor', Array.isArray(out) ? `an array of ${out.length}` : out);
  return t;
}

/** @internal */
export function checkOptimizer(fn: string, arg: string, opt: unknown): Optimizer {
  if (opt === null || typeof opt !== 'object' || typeof (opt as Optimizer).minimize !== 'function') fail(fn, arg, 'a tf.Optimizer (e.g. tf.train.adam(1e-4, 0.5, 0.9))', opt);
  return opt as Optimizer;
}

/** @internal */
export function checkLoss(fn: string, loss: unknown): GanLoss {
  const l = loss as GanLoss;
  if (l === null || typeof l !== 'object' || typeof l.discriminator !== 'function' || typeof l.generator !== 'function') {
    fail(fn, 'options.loss', 'a GanLoss ({ name, discriminator(real, fake), generator(fake) }, e.g. nonSaturatingLoss)', loss);
  }
  return l;
}

/** @internal */
export function checkSameVariables(fn: string, g: Variable[], d: Variable[], what = 'the generator and discriminator variables'): void {
  const ids = new Set(g.map((v) => v.id));
  const shared = d.find((v) => ids.has(v.id));
  if (shared) fail(fn, what, 'disjoint (an update of one must not move the other)', `variable "${shared.name}" in both`);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** @internal */
export function checkBatchTensor(fn: string, arg: string, x: unknown): Tensor {
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank < 1 || x.shape[0] === 0) fail(fn, arg, 'a float32 tensor of shape [B, ...] with B ≥ 1', x);
  return x;
}

/**
 * A seed for step `step`, critic iteration `k`, stream `stream` of a run seeded by `seed`: a 31-bit hash,
 * never 0 (tfjs treats seed 0 as "unseeded"), different for every (step, k, stream).
 * @internal
 */
export function deriveSeed(seed: number, step: number, k: number, stream: number): number {
  let h = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  for (const v of [step, k, stream]) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
  }
  return (h & 0x7fffffff) || 1;
}

/** What a penalty hook receives; it returns a scalar added to the discriminator's loss. */
export interface PenaltyContext {
  /** the discriminator as a function (x) => scores, differentiable in its variables and in x */
  discriminator: (x: Tensor) => Tensor;
  /** the real batch `[B, ...]` */
  real: Tensor;
  /** the generated batch `[B, ...]`, a constant for this update */
  fake: Tensor;
  /** a seed for this update (e.g. for the interpolates of a gradient penalty) */
  seed: number;
  /** the generator step this update belongs to */
  step: number;
}

/** A penalty added to the discriminator's loss, e.g. `({ discriminator, real, fake, seed }) => gradientPenalty(discriminator, real, fake, { seed })`. */
export type Penalty = (context: PenaltyContext) => Scalar;

/** Options of {@link discriminatorStep}. */
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
  /** passed to the penalty; default 1 */
  seed?: number;
  /** passed to the penalty; default 0 */
  step?: number;
}

/** What {@link discriminatorStep} returns (the caller owns the scalars); a type alias, so that it can be returned from `tf.tidy`. */
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
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const d = resolveNetwork(fn, 'options.discriminator', options.discriminator, options.discriminatorVariables, 'options.discriminatorVariables');
  const optimizer = checkOptimizer(fn, 'options.optimizer', options.optimizer);
  const loss = checkLoss(fn, options.loss);
  const real = checkBatchTensor(fn, 'options.real', options.real);
  let generator: ResolvedNetwork['call'] | undefined;
  if (options.fake === undefined) {
    if (options.generator === undefined || options.noise === undefined) fail(fn, 'options.fake', 'a generated batch (or give options.generator and options.noise)', 'undefined');
    if (typeof options.generator === 'function') generator = (x) => checkOutput(fn, 'options.generator', (options.generator as (x: Tensor) => Tensor)(x));
    else if (isLayersModel(options.generator)) {
      const g = options.generator;
      generator = (x) => checkOutput(fn, 'options.generator', g.apply(x, { training: true }));
    } else fail(fn, 'options.generator', 'a function (x: Tensor) => Tensor or a LayersModel', options.generator);
    const z = checkBatchTensor(fn, 'options.noise', options.noise);
    if (z.shape[0] !== real.shape[0]) fail(fn, 'options.noise', `a batch of ${real.shape[0]} (the real batch's size)`, z);
  } else {
    checkBatchTensor(fn, 'options.fake', options.fake);
  }
  if (options.penalty !== undefined && typeof options.penalty !== 'function') fail(fn, 'options.penalty', 'a function ({ discriminator, real, fake, seed, step }) => Scalar', options.penalty);
  if (options.constrain !== undefined && typeof options.constrain !== 'function') fail(fn, 'options.constrain', 'a function (variables) => void', options.constrain);
  return runDiscriminatorStep(fn, d, optimizer, loss, real, options.fake, generator, options.noise, options.penalty, options.constrain, options.seed ?? 1, options.step ?? 0);
}

/** @internal the checked core of discriminatorStep, shared with trainAdversarial */
export function runDiscriminatorStep(
  fn: string,
  d: ResolvedNetwork,
  optimizer: Optimizer,
  loss: GanLoss,
  real: Tensor,
  fake: Tensor | undefined,
  generator: ((x: Tensor) => Tensor) | undefined,
  noise: Tensor | undefined,
  penalty: Penalty | undefined,
  constrain: ((variables: Variable[]) => void) | undefined,
  seed: number,
  step: number,
): DiscriminatorStepResult {
  let penaltyValue: Scalar | undefined;
  let value: Scalar;
  try {
    value = tf.tidy(() => {
      // the generated batch is a constant of this update: computed outside the optimizer's tape
      const x = fake ?? generator!(noise!);
      if (!sameShape(x.shape, real.shape)) {
        throw new Error(`${fn}: the fake batch must have the real batch's shape [${real.shape.join(', ')}], got ${show(x)}`);
      }
      const cost = optimizer.minimize(
        () => {
          const l = loss.discriminator(d.call(real), d.call(x));
          if (!penalty) return l;
          const p = penalty({ discriminator: d.call, real, fake: x, seed, step });
          if (!(p instanceof tf.Tensor) || p.rank !== 0) throw new Error(`${fn}: the penalty must return a scalar tensor, got ${show(p)}`);
          penaltyValue = tf.keep(tf.clone(p));
          return tf.add(l, p) as Scalar;
        },
        true,
        d.variables,
      );
      return cost as Scalar;
    });
  } catch (e) {
    penaltyValue?.dispose();
    releaseTape();
    throw e;
  }
  try {
    constrain?.(d.variables);
  } catch (e) {
    tf.dispose([value, penaltyValue]);
    throw e;
  }
  return penaltyValue ? { loss: value, penalty: penaltyValue } : { loss: value };
}

/** Options of {@link generatorStep}. */
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
  if (options === null || typeof options !== 'object') fail(fn, 'options', 'an object', options);
  const g = resolveNetwork(fn, 'options.generator', options.generator, options.generatorVariables, 'options.generatorVariables');
  const d = resolveDiscriminatorCall(fn, options.discriminator);
  const optimizer = checkOptimizer(fn, 'options.optimizer', options.optimizer);
  const loss = checkLoss(fn, options.loss);
  const z = checkBatchTensor(fn, 'options.noise', options.noise);
  return runGeneratorStep(g, d, optimizer, loss, z);
}

/** The discriminator as a call only (its variables are not needed to update the generator). @internal */
export function resolveDiscriminatorCall(fn: string, net: unknown): (x: Tensor) => Tensor {
  if (typeof net === 'function') return (x) => checkOutput(fn, 'options.discriminator', (net as (x: Tensor) => Tensor)(x));
  if (isLayersModel(net)) return (x) => checkOutput(fn, 'options.discriminator', net.apply(x, { training: true }));
  return fail(fn, 'options.discriminator', 'a function (x: Tensor) => Tensor or a LayersModel (apply + trainableWeights)', net);
}

/** @internal */
export function runGeneratorStep(g: ResolvedNetwork, d: (x: Tensor) => Tensor, optimizer: Optimizer, loss: GanLoss, z: Tensor): Scalar {
  try {
    return tf.tidy(() => optimizer.minimize(() => loss.generator(d(g.call(z))), true, g.variables) as Scalar);
  } catch (e) {
    releaseTape();
    throw e;
  }
}

/**
 * After an exception inside `optimizer.minimize`, tfjs-core 4.22 leaves its gradient tape in place, and the
 * tensors the tape saved for the backward pass are never freed (it frees them only after a successful backward
 * pass). This frees them as tfjs does on success, when no outer gradient is being recorded.
 * @internal
 */
export function releaseTape(): void {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number; activeTape?: { saved?: Tensor[] }[] | null } }).state;
  if (!state || state.gradientDepth !== 0 || !Array.isArray(state.activeTape)) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
