/**
 * The bijector interface: an invertible map with its log-det-Jacobian, computed together with the value.
 *
 * @see Rezende & Mohamed 2015, "Variational Inference with Normalizing Flows", ICML, arXiv:1505.05770.
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (the forward = sampling convention).
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Support } from '@genmod-internal/core';

/**
 * An invertible map y = f(x) with its log-det-Jacobian.
 *
 * `forward` is the sampling direction (base → data, TensorFlow Probability's convention) and `inverse`
 * the density direction (data → base). Each returns the value and log|det ∂f/∂x| (for `inverse`:
 * log|det ∂f⁻¹/∂y| = −log|det ∂f/∂x|) computed together, summed over the `eventRank` rightmost dimensions:
 * for `x` of shape `[...batch, ...event]`, `logDet` has shape `[...batch]`.
 *
 * `context` is the conditioning tensor of conditional bijectors (`[...batch, C]`); the others ignore it.
 * Built-in trainable bijectors own `tf.Variable`s, list them in `trainableVariables` (for
 * `optimizer.minimize(f, false, varList)`) and free them in `dispose()`; a user's own bijector may leave
 * both out.
 *
 * @see Papamakarios et al. 2021, arXiv:1912.02762, §2
 * @example
 * ```ts
 * const b: Bijector = exp();
 * const { y, logDet } = b.forward(tf.tensor1d([0, 1]));   // y = [1, e], logDet = x = [0, 1]
 * ```
 * @since 0.1.0
 */
export interface Bijector {
  /** how many rightmost dimensions form one event (0: elementwise; 1: vectors `[..., D]`) */
  readonly eventRank: number;
  /**
   * the set `forward` maps into, where the bijector knows it (`exp`/`softplus`: 'positive', `sigmoid`:
   * 'unit-interval', `tanh`: 'interval'); absent means ℝ. A {@link TransformedDistribution}'s `support`.
   * @since 0.1.0
   */
  readonly codomain?: Support;
  /** y = f(x) and log|det ∂f/∂x|, shape `[...batch]` */
  forward(x: Tensor, context?: Tensor): { y: Tensor; logDet: Tensor };
  /** x = f⁻¹(y) and log|det ∂f⁻¹/∂y|, shape `[...batch]` */
  inverse(y: Tensor, context?: Tensor): { x: Tensor; logDet: Tensor };
  /** the variables training should update (empty or absent for fixed bijectors) */
  readonly trainableVariables?: tf.Variable[];
  /** frees the variables and tensors the bijector created */
  dispose?(): void;
}

/**
 * A network as a callback: `(input [..., I], context? [..., C]) → output [..., O]`. A plain function
 * works; one made by {@link mlp} or {@link made} also carries its `trainableVariables` and `dispose()`,
 * which the bijectors using it expose and call.
 *
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([2, 4]));
 * const net: Network = Object.assign((x: tf.Tensor) => tf.matMul(x, w), { trainableVariables: [w], dispose: () => w.dispose() });
 * ```
 * @since 0.1.0
 */
export interface Network {
  (input: Tensor, context?: Tensor): Tensor;
  readonly trainableVariables?: tf.Variable[];
  dispose?(): void;
}

/** The variables of a bijector or network (an empty list when it declares none). @since 0.1.0 */
export function trainableVariablesOf(x: { readonly trainableVariables?: tf.Variable[] }): tf.Variable[] {
  return x.trainableVariables ? [...x.trainableVariables] : [];
}

/**
 * What the package's factories return: a {@link Bijector} whose `trainableVariables` (possibly empty) and
 * `dispose()` are always present.
 * @since 0.1.0
 */
export type TrainableBijector = Bijector & { readonly trainableVariables: tf.Variable[]; dispose(): void };
