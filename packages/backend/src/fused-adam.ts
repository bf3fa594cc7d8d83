/**
 * A fused Adam / AdamW optimizer for TensorFlow.js: a drop-in `tf.Optimizer` whose update is one kernel per
 * variable (tfjs's AdamOptimizer runs ~14), on cpu, wasm, webgl and webgpu.
 *
 * References: Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980 ·
 * Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", arXiv:1711.05101.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import { ADAM_KERNEL, type AdamAttrs } from './kernels/adam-common.js';
import { fail } from '@genmod-internal/core';
import { adamOps, checkRate, ensureKernel, f32, registerSerializable } from './kernels/adam-support.js';

interface Slot { originalName: string; variable: Variable }

/**
 * Adam with one kernel per variable and step (`GenmodAdamUpdate`), a drop-in for `tf.train.adam`: for each
 * variable p with gradient g, at step t (β₁ᵗ, β₂ᵗ kept as float32 running products, as tfjs keeps them),
 *
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²
 *   p ← p − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * in float32 with tfjs's order of operations: on cpu and wasm the values equal tf.train.adam's bit for bit, on
 * webgl and webgpu to float32 rounding. `applyGradients`, `minimize`, `getWeights`/`setWeights` (tfjs's names
 * and order: `iter`, then `<variable>/m` for every variable, then `<variable>/v`), `getConfig`/`fromConfig` and
 * `dispose` behave as tfjs's AdamOptimizer's; the moments are tf.Variables, each replaced (assigned) on every
 * step. The bias corrections 1 − β₁ᵗ, 1 − β₂ᵗ are host scalars (no kernel); `setWeights` rebuilds them from
 * `iter` as the same running products, so a restored optimizer continues bit for bit.
 * Registered with tf.serialization (class name 'GenmodFusedAdam') when the first one is built.
 *
 * Valid ranges: η > 0, 0 ≤ β₁, β₂ < 1, ε > 0; variables and gradients float32.
 *
 * @see Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980
 * @example
 * ```ts
 * const w = tf.variable(tf.tensor1d([1, -2]));
 * const optimizer = new FusedAdamOptimizer(0.1, 0.9, 0.999);
 * optimizer.minimize(() => tf.sum(tf.square(w)) as tf.Scalar);
 * w.print(); // [0.9000007, -1.9000007]: the first step moves each coordinate by η against its gradient's sign
 * optimizer.dispose();
 * w.dispose();
 * ```
 * @since 0.1.0
 */
export class FusedAdamOptimizer extends tf.Optimizer {
  /** The name tf.serialization registers this class under. @since 0.1.0 */
  static get className(): string {
    return 'GenmodFusedAdam';
  }

  /** The learning rate η. @since 0.1.0 */
  readonly learningRate: number;
  /** The first moment's decay β₁. @since 0.1.0 */
  readonly beta1: number;
  /** The second moment's decay β₂. @since 0.1.0 */
  readonly beta2: number;
  /** ε, added to √v̂ (default: the backend's epsilon, 1e-7 for float32, as tf.train.adam). @since 0.1.0 */
  readonly epsilon: number;
  /** The decoupled weight decay λ (0 for Adam). */
  protected weightDecay: number;
  /** β₁ᵗ⁺¹ and β₂ᵗ⁺¹ as float32 running products (tfjs's accBeta1/accBeta2, kept on the host). */
  private beta1Power: number;
  private beta2Power: number;
  private firstMoments: Slot[] = [];
  private secondMoments: Slot[] = [];

  /**
   * @param learningRate η > 0
   * @param beta1 β₁ in [0, 1) (default 0.9)
   * @param beta2 β₂ in [0, 1) (default 0.999)
   * @param epsilon ε > 0 (default: the backend's epsilon, as tfjs)
   */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number | null) {
    super();
    const fn = new.target.className === 'GenmodFusedAdamW' ? 'fusedAdamW' : 'fusedAdam';
    this.learningRate = checkRate(fn, 'learningRate', learningRate, 'a finite number > 0', (x) => x > 0);
    this.beta1 = checkRate(fn, 'beta1', beta1, 'a finite number ≥ 0 and < 1', (x) => x >= 0 && x < 1);
    this.beta2 = checkRate(fn, 'beta2', beta2, 'a finite number ≥ 0 and < 1', (x) => x >= 0 && x < 1);
    this.epsilon = epsilon == null ? tf.backend().epsilon() : checkRate(fn, 'epsilon', epsilon, 'a finite number > 0', (x) => x > 0);
    this.weightDecay = 0;
    this.beta1Power = f32(this.beta1);
    this.beta2Power = f32(this.beta2);
    registerSerializable(new.target as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  }

  /**
   * Applies one Adam step to the named variables: one `GenmodAdamUpdate` kernel per variable with a gradient,
   * whose outputs are assigned to the variable and its two moments (the old tensors are released).
   *
   * @param variableGradients gradients by variable name (as `tf.variableGrads` returns them), or `{ name, tensor }`
   *   pairs; each gradient has its variable's shape; a missing (null) gradient skips its variable
   */
  override applyGradients(variableGradients: NamedTensorMap | Array<{ name: string; tensor: Tensor }>): void {
    const fn = this.weightDecay === 0 ? 'fusedAdam' : 'fusedAdamW';
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const gradients = names.map((name, i) => (Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name]));
    const variables = names.map((name) => tf.engine().registeredVariables[name]);
    names.forEach((name, i) => {
      const value = variables[i];
      const g = gradients[i];
      if (value === undefined) fail(fn, 'variableGradients', 'gradients of registered variables', `'${name}' (no such variable)`);
      if (value.dtype !== 'float32') fail(fn, `the variable '${name}'`, 'float32', value.dtype);
      if (g == null) return;
      if (g.dtype !== 'float32' || !tf.util.arraysEqual(g.shape, value.shape)) {
        fail(fn, `the gradient of '${name}'`, `float32 [${value.shape.join(', ')}]`, `${g.dtype} [${g.shape.join(', ')}]`);
      }
    });
    const fused = ensureKernel();
    const attrs: AdamAttrs = {
      beta1: f32(this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta1: f32(1 - this.beta1),
      oneMinusBeta2: f32(1 - this.beta2),
      c1: f32(1 - this.beta1Power),
      c2: f32(1 - this.beta2Power),
      epsilon: f32(this.epsilon),
      negLr: f32(-this.learningRate),
      decay: f32(1 - this.learningRate * this.weightDecay),
    };
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = variables[i]!;
        if (this.firstMoments[i] == null) {
          this.firstMoments[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.variable(tf.zerosLike(value), false)) };
        }
        if (this.secondMoments[i] == null) {
          this.secondMoments[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.variable(tf.zerosLike(value), false)) };
        }
        const g = gradients[i];
        if (g == null) return;
        const m = this.firstMoments[i]!.variable;
        const v = this.secondMoments[i]!.variable;
        const [p1, m1, v1] = fused
          ? (tf.engine().runKernel(ADAM_KERNEL, { param: value, m, v, g }, attrs) as Tensor[])
          : adamOps(value, m, v, g, attrs);
        value.assign(p1!);
        m.assign(m1!);
        v.assign(v1!);
      });
    });
    this.beta1Power = f32(this.beta1Power * f32(this.beta1));
    this.beta2Power = f32(this.beta2Power * f32(this.beta2));
    this.incrementIterations();
  }

  /** Releases the moments (the variables being trained are the caller's). */
  override dispose(): void {
    super.dispose();
    tf.dispose([...this.firstMoments, ...this.secondMoments].map((s) => s.variable));
    this.firstMoments = [];
    this.secondMoments = [];
  }

  /**
   * The optimizer's state as tfjs's AdamOptimizer names and orders it: `iter` (a new int32 scalar, the caller's),
   * then `<variable>/m` for every variable, then `<variable>/v` (the live moment variables).
   */
  override async getWeights(): Promise<Array<{ name: string; tensor: Tensor }>> {
    const slots = [...this.firstMoments, ...this.secondMoments];
    return [await this.saveIterations()].concat(slots.map((s) => ({ name: s.originalName, tensor: s.variable })));
  }

  /**
   * Restores a state from getWeights (this optimizer's or a tf.train.adam's): the moments become new variables
   * holding copies of the given tensors (the previous ones are not disposed, as in tfjs), and the running
   * products β₁ᵗ, β₂ᵗ are rebuilt from `iter`.
   */
  override async setWeights(weightValues: Array<{ name: string; tensor: Tensor }>): Promise<void> {
    weightValues = await this.extractIterations(weightValues);
    let p1 = f32(this.beta1);
    let p2 = f32(this.beta2);
    for (let t = 0; t < this.iterations_; t++) {
      p1 = f32(p1 * f32(this.beta1));
      p2 = f32(p2 * f32(this.beta2));
    }
    this.beta1Power = p1;
    this.beta2Power = p2;
    const count = weightValues.length / 2;
    const slot = (w: { name: string; tensor: Tensor }): Slot => ({ originalName: w.name, variable: tf.variable(w.tensor, false) });
    this.firstMoments = weightValues.slice(0, count).map(slot);
    this.secondMoments = weightValues.slice(count, 2 * count).map(slot);
  }

  /** `{ learningRate, beta1, beta2, epsilon }`, as tfjs's Adam. */
  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  /** Builds an optimizer from getConfig's dictionary. */
  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new (cls as unknown as new (...args: unknown[]) => T)(config['learningRate'], config['beta1'], config['beta2'], config['epsilon']);
  }
}

/**
 * A fused Adam optimizer, with tf.train.adam's signature: `fusedAdam(η, β₁, β₂, ε)` updates each variable with
 *
 *   m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²,   p ← p − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 *
 * in one kernel per variable (see {@link FusedAdamOptimizer}): swap it in where an app calls tf.train.adam.
 *
 * @param learningRate η > 0
 * @param beta1 β₁ in [0, 1) (default 0.9)
 * @param beta2 β₂ in [0, 1) (default 0.999)
 * @param epsilon ε > 0 (default: the backend's epsilon, 1e-7 for float32, as tf.train.adam)
 * @returns a FusedAdamOptimizer (dispose it when done: it owns the moments)
 * @see Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([3]));
 * const target = tf.tensor1d([1, 2, 3]);
 * const optimizer = fusedAdam(0.1); // instead of tf.train.adam(0.1)
 * for (let step = 0; step < 100; step++) {
 *   optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
 * }
 * const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
 * const info = await tf.profile(() => optimizer.applyGradients(grads));
 * console.log(info.kernels.map((k) => k.name)); // ['GenmodAdamUpdate']: one kernel for w (tf.train.adam: 14)
 * tf.dispose([value, grads]);
 * optimizer.dispose();
 * tf.dispose([w, target]);
 * ```
 * @since 0.1.0
 */
export function fusedAdam(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon?: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon);
}

