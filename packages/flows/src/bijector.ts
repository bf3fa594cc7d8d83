/**
 * The bijector interface: an invertible map with its log-det-Jacobian, computed together with the value.
 *
 * @see Rezende & Mohamed 2015, "Variational Inference with Normalizing Flows", ICML, arXiv:1505.05770.
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (the forward = sampling convention).
 * @see Papamakarios et al. 2021, "Normalizing Flows for Probabilistic Modeling and Inference", JMLR, arXiv:1912.02762.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { StateDict, Stateful, Support } from '@genmod-internal/core';

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
 * both out. Every built-in bijector also has `getState()` / `loadState()` (see {@link TrainableBijector}):
 * its state by structural name, for `saveState` / `loadState`; a user's bijector may add them too (without
 * them, a `chain` names its `trainableVariables` by position, `'0'`, `'1'`, …).
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
  /**
   * the bijector's state by structural name (every tf.Variable it holds, trainable or not; see
   * {@link TrainableBijector}); absent on a user's bijector that does not declare one
   * @since 0.1.0
   */
  getState?(): StateDict;
  /**
   * replaces the state; names, shapes and dtypes are all checked first (an Error lists what is missing,
   * unexpected or mismatched, and nothing changes)
   * @since 0.1.0
   */
  loadState?(state: StateDict): void;
}

/**
 * A network as a callback: `(input [..., I], context? [..., C]) → output [..., O]`. A plain function
 * works; one made by {@link mlp} or {@link made} also carries its `trainableVariables` and `dispose()`,
 * which the bijectors using it expose and call, and `getState()` / `loadState()` (layer `l`'s weights as
 * `l/kernel`, `l/bias`), which a coupling's state lists under `net/…`. A network without `getState` is saved
 * by its `trainableVariables`' positions (`net/0`, `net/1`, …).
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
  /** the network's state by structural name (`0/kernel`, `0/bias`, …) @since 0.1.0 */
  getState?(): StateDict;
  /** replaces the state, checking every name, shape and dtype first @since 0.1.0 */
  loadState?(state: StateDict): void;
}

/** The variables of a bijector or network (an empty list when it declares none). @since 0.1.0 */
export function trainableVariablesOf(x: { readonly trainableVariables?: tf.Variable[] }): tf.Variable[] {
  return x.trainableVariables ? [...x.trainableVariables] : [];
}

/**
 * What the package's factories return: a {@link Bijector} whose `trainableVariables` (possibly empty),
 * `dispose()`, `getState()` and `loadState()` are always present ({@link Stateful} from the shared core).
 *
 * `getState()` returns the bijector's own live variables (do not dispose them), trainable or not, by names
 * that come from its structure, so a freshly built flow with the same options (any seed, in any process)
 * loads a saved state with `loadState(flow, source)`:
 *
 * | bijector | state names |
 * |---|---|
 * | `mlp`, `made` (networks) | `0/kernel`, `0/bias`, `1/kernel`, … (layer by layer; MADE's masks are not state) |
 * | `affineCoupling`, `rationalQuadraticSpline` | `net/…` (the conditioner's names; masks are not state) |
 * | `maskedAutoregressive`, `inverseAutoregressive` | `net/…` (the network's names) |
 * | `actNorm` | `logScale`, `bias`, `initialized` (int32 scalar, 1 once initialised from data) |
 * | `batchNorm` | `logGamma`, `beta`, `runningMean`, `runningVariance` |
 * | `luLinear` | `lower`, `upper`, `logDiag` (the permutation is not state) |
 * | `shift`, `scale`, `affine` | `shift` / `scale` when given as a `tf.Variable`; nothing otherwise |
 * | `exp`, `softplus`, `sigmoid`, `tanh`, `permute`, `reverse` | nothing |
 * | `chain(f₀, f₁, …)` | `0/…`, `1/…` (each part's names under its position) |
 * | `invert(f)` | f's names (transparent) |
 *
 * A part without `getState` (a user's bijector or network) is named by its `trainableVariables`' positions.
 * @since 0.1.0
 */
export type TrainableBijector = Bijector & Stateful & { readonly trainableVariables: tf.Variable[]; dispose(): void };
