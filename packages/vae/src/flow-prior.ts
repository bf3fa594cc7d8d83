/**
 * A flow prior p(z) = p₀(f⁻¹(z))·|det ∂f⁻¹/∂z| through a structural bijector interface (the one of
 * `@genmod/flows`, without depending on it). (`@genmod/flows`' own `TransformedDistribution` is a prior as it is.)
 *
 * @see Rezende & Mohamed 2015, "Variational Inference with Normalizing Flows", ICML, arXiv:1505.05770.
 * @see Chen et al. 2017, "Variational Lossy Autoencoder", ICLR, arXiv:1611.02731 (a flow prior in a VAE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { checkDistribution, checkSampleCall, checkStateMatches, type Distribution, fail, hasRsample, isStateful, prefixState, type SampleOptions, type StateDict, type Stateful, stopGradient, subState, type Support } from '@genmod-internal/core';
import { checkReturned } from './internal/checks.js';
import type { Prior } from './prior.js';

/**
 * A bijection f (forward = the sampling direction, base → latent), each direction with its
 * log|det Jacobian| summed over the event: `@genmod/flows`' `Bijector` fits as it is.
 *
 * @example
 * ```ts
 * const shift: PriorBijector = {
 *   forward: (x) => ({ y: tf.add(x, 1), logDet: tf.zeros(x.shape.slice(0, -1)) }),
 *   inverse: (y) => ({ x: tf.sub(y, 1), logDet: tf.zeros(y.shape.slice(0, -1)) }),
 * };
 * ```
 * @since 0.1.0
 */
export interface PriorBijector {
  forward(x: Tensor): { y: Tensor; logDet: Tensor };
  inverse(y: Tensor): { x: Tensor; logDet: Tensor };
  readonly trainableVariables?: tf.Variable[];
  /** its state by structural name (a `@genmod/flows` bijector or chain has it): the flow prior's `bijector/…` @since 0.1.0 */
  getState?(): StateDict;
  /** loads a state from `getState()` @since 0.1.0 */
  loadState?(state: StateDict): void;
}

/**
 * What {@link flowPrior} returns: log p(z) = log p₀(f⁻¹(z)) + log|det ∂f⁻¹/∂z| as a {@link Distribution}
 * with the base's batch and event shapes, on the real line. It owns nothing.
 *
 * **State** ({@link Stateful}): the bijector's and the base's, delegated, under the names of
 * `@genmod/flows`' `TransformedDistribution`:
 *
 * | name          | what it is                                                                          |
 * |---------------|-------------------------------------------------------------------------------------|
 * | `bijector/…`  | the bijector's own state (`bijector.getState()`), e.g. `bijector/0/net/0/kernel`    |
 * | `base/…`      | the base's state, only when the base is Stateful and holds any (a standard normal holds none) |
 *
 * A bijector without `getState`/`loadState` contributes nothing when it has no `trainableVariables`; one that
 * has trainable variables but no `getState` makes `getState()` throw (its variables could not be saved).
 *
 * @see Rezende & Mohamed 2015, arXiv:1505.05770
 * @example
 * ```ts
 * const double: PriorBijector = {
 *   forward: (u) => ({ y: tf.mul(u, 2), logDet: tf.fill(u.shape.slice(0, -1), 2 * Math.log(2)) }),
 *   inverse: (z) => ({ x: tf.div(z, 2), logDet: tf.fill(z.shape.slice(0, -1), -2 * Math.log(2)) }),
 * };
 * const prior: FlowPrior = flowPrior(double, standardNormalPrior([2]));
 * prior.family;   // 'FlowPrior'
 * ```
 * @since 0.1.0
 */
export interface FlowPrior extends Distribution, Stateful {
  readonly family: 'FlowPrior';
  readonly support: Support;
  /** the bijector f, base → latent */
  readonly bijector: PriorBijector;
  /** the base p₀ */
  readonly base: Prior;
  /** f(u) with u = base.rsample(…), differentiable in the flow's parameters: present when the base has `rsample` */
  rsample?(sampleShape?: number[], options?: SampleOptions): Tensor;
  /** `bijector/…` (the bijector's state) and `base/…` (the base's, if any), live tensors @since 0.1.0 */
  getState(): StateDict;
  /** checks the whole state first, then loads the bijector's and the base's parts @since 0.1.0 */
  loadState(state: StateDict): void;
}

/**
 * The flow prior: z = f(u), u ~ p₀, so
 *
 *   log p(z) = log p₀(f⁻¹(z)) + log|det ∂f⁻¹/∂z|,
 *
 * differentiable in z and in the flow's parameters (train them with the encoder and the decoder by
 * minimizing {@link elbo}'s loss: the KL is then Monte Carlo). `sample` gives f(u) without gradient;
 * `rsample`, present when the base has one, the same draws differentiable in the flow's parameters. It owns
 * nothing: the bijector and the base stay the caller's.
 *
 * @param bijector f, base → latent (e.g. a `@genmod/flows` chain)
 * @param base p₀, a {@link Distribution}, e.g. {@link standardNormalPrior}`([d])`
 * @returns a {@link FlowPrior} (family 'FlowPrior', the base's shapes, support 'real')
 * @see Rezende & Mohamed 2015, arXiv:1505.05770 · Chen et al. 2017, arXiv:1611.02731
 * @example
 * ```ts
 * const scale: PriorBijector = {
 *   forward: (u) => ({ y: tf.mul(u, 2), logDet: tf.fill(u.shape.slice(0, -1), 2 * Math.log(2)) }),
 *   inverse: (z) => ({ x: tf.div(z, 2), logDet: tf.fill(z.shape.slice(0, -1), -2 * Math.log(2)) }),
 * };
 * const prior = flowPrior(scale, standardNormalPrior([2]));   // N(0, 4·I)
 * prior.logProb(tf.zeros([1, 2]));                             // [−log(8π)]
 * prior.sample([5], { seed: 0 });                              // [5, 2]
 * ```
 * @since 0.1.0
 */
export function flowPrior(bijector: PriorBijector, base: Prior): FlowPrior {
  const fn = 'flowPrior';
  if (bijector === null || typeof bijector !== 'object' || typeof bijector.forward !== 'function' || typeof bijector.inverse !== 'function') {
    fail(fn, 'bijector', 'an object with forward(x) and inverse(y)', bijector);
  }
  checkDistribution(fn, 'base', base);
  const bijectorState = (f: string): StateDict => {
    if (typeof bijector.getState === 'function' && typeof bijector.loadState === 'function') return bijector.getState();
    if ((bijector.trainableVariables?.length ?? 0) > 0) {
      throw new Error(`${f}: the bijector has trainableVariables but no getState()/loadState(), so its state cannot be named; use a @genmod/flows bijector or give it getState() and loadState()`);
    }
    return {};
  };
  const push = (f: string, u: Tensor): Tensor => checkReturned(f, 'bijector.forward(u).y', bijector.forward(u).y);
  const prior: FlowPrior = {
    family: 'FlowPrior',
    batchShape: base.batchShape,
    eventShape: base.eventShape,
    support: 'real',
    bijector,
    base,
    sample(sampleShape: number[] = [], options?: SampleOptions): Tensor {
      const f = 'flowPrior.sample';
      const { seed } = checkSampleCall(f, sampleShape, options);
      return tf.tidy(f, () => stopGradient(push(f, base.sample(sampleShape, seed === undefined ? {} : { seed }))));
    },
    logProb(z: Tensor): Tensor {
      const f = 'flowPrior.logProb';
      checkReturned(f, 'z', z);
      return tf.tidy(f, () => {
        const { x, logDet } = bijector.inverse(z);
        return tf.add(base.logProb(x), logDet);
      });
    },
    getState(): StateDict {
      return { ...prefixState('bijector', bijectorState('flowPrior.getState')), ...(isStateful(base) ? prefixState('base', base.getState()) : {}) };
    },
    loadState(state: StateDict): void {
      const f = 'flowPrior.loadState';
      checkStateMatches(f, prior.getState(), state);
      if (typeof bijector.loadState === 'function' && typeof bijector.getState === 'function') bijector.loadState(subState('bijector', state));
      if (isStateful(base)) base.loadState(subState('base', state));
    },
  };
  if (hasRsample(base)) {
    prior.rsample = (sampleShape: number[] = [], options?: SampleOptions): Tensor => {
      const f = 'flowPrior.rsample';
      const { seed } = checkSampleCall(f, sampleShape, options);
      return tf.tidy(f, () => push(f, base.rsample(sampleShape, seed === undefined ? {} : { seed })));
    };
  }
  return prior;
}
