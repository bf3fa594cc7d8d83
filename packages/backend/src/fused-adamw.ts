/**
 * AdamW: Adam with decoupled weight decay, as the fused optimizer of ./fused-adam.ts (one kernel per variable).
 *
 * References: Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FusedAdamOptimizer } from './fused-adam.js';
import { checkOptions } from '@genmod-internal/core';
import { checkRate } from './kernels/adam-support.js';

/** Options of {@link fusedAdamW} (and of the {@link FusedAdamWOptimizer} constructor). @since 0.1.0 */
export interface FusedAdamWOptions {
  /** β₁ in [0, 1), the first moment's decay (default 0.9) @since 0.1.0 */
  beta1?: number;
  /** β₂ in [0, 1), the second moment's decay (default 0.999) @since 0.1.0 */
  beta2?: number;
  /** ε > 0 (default: the backend's epsilon, 1e-7 for float32, as tf.train.adam; torch's AdamW uses 1e-8) @since 0.1.0 */
  epsilon?: number;
  /** λ ≥ 0 with η·λ < 1, the decoupled weight decay (default 0.01, as torch.optim.AdamW) @since 0.1.0 */
  weightDecay?: number;
}

/**
 * AdamW (decoupled weight decay) with one kernel per variable and step, as torch.optim.AdamW:
 *
 *   p ← p·(1 − η·λ)   (the decay, before the Adam step, applied to the parameter and not to the gradient)
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * Everything else as {@link FusedAdamOptimizer}; λ = 0 is Adam. Registered with tf.serialization (class name
 * 'GenmodFusedAdamW') when the first one is built; getConfig adds `weightDecay`.
 *
 * @see Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101
 * @see Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980
 * @example
 * ```ts
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * const optimizer = new FusedAdamWOptimizer(0.1, { weightDecay: 0.5 });
 * optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
 * w.print(); // [0.8500007, -1.8000007]: decayed by 1 − 0.1·0.5, then one Adam step of 0.1
 * optimizer.dispose();
 * w.dispose();
 * ```
 * @since 0.1.0
 */
export class FusedAdamWOptimizer extends FusedAdamOptimizer {
  /** The name tf.serialization registers this class under. @since 0.1.0 */
  static override get className(): string {
    return 'GenmodFusedAdamW';
  }

  /**
   * @param learningRate η > 0
   * @param options β₁, β₂, ε and the weight decay λ (see {@link FusedAdamWOptions})
   */
  constructor(learningRate: number, options: FusedAdamWOptions = {}) {
    const { beta1 = 0.9, beta2 = 0.999, epsilon, weightDecay = 0.01 } = checkOptions('fusedAdamW', options, ['beta1', 'beta2', 'epsilon', 'weightDecay']);
    super(learningRate, beta1, beta2, epsilon);
    checkRate('fusedAdamW', 'weightDecay', weightDecay, `a finite number ≥ 0 with learningRate·weightDecay < 1`, (x) => x >= 0 && learningRate * x < 1);
    this.weightDecay = weightDecay;
  }

  /** `{ learningRate, beta1, beta2, epsilon, weightDecay }`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }

  /** Builds an optimizer from getConfig's dictionary. */
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, ...options } = config as unknown as { learningRate: number } & FusedAdamWOptions;
    return new (cls as unknown as new (...args: unknown[]) => T)(learningRate, options);
  }
}


/**
 * A fused AdamW optimizer (decoupled weight decay, as torch.optim.AdamW): each step multiplies p by 1 − η·λ,
 * then applies the Adam update
 *
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   p ← p·(1 − η·λ) − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * in one kernel per variable (see {@link FusedAdamWOptimizer}).
 *
 * @param learningRate η > 0
 * @param options `{ beta1 = 0.9, beta2 = 0.999, epsilon = backend epsilon, weightDecay = 0.01 }`
 * @returns a FusedAdamWOptimizer (dispose it when done: it owns the moments)
 * @see Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101
 * @see Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980
 * @example
 * ```ts
 * const w = tf.variable(tf.ones([2, 2]));
 * const optimizer = fusedAdamW(1e-3, { weightDecay: 0.1 });
 * optimizer.minimize(() => tf.mean(tf.square(w)) as tf.Scalar);
 * console.log(optimizer.getConfig()); // { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.1 }
 * optimizer.dispose();
 * w.dispose();
 * ```
 * @since 0.1.0
 */
export function fusedAdamW(learningRate: number, options: FusedAdamWOptions = {}): FusedAdamWOptimizer {
  return new FusedAdamWOptimizer(learningRate, options);
}
