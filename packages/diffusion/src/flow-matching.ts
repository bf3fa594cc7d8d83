/**
 * Conditional flow matching / rectified flow: the training loss and the exact minibatch OT pairing.
 *
 * Convention (Lipman et al. 2023): t = 0 is the source (noise), t = 1 the data. diffusers'
 * FlowMatchEulerDiscreteScheduler (Stable Diffusion 3, Flux) counts the other way (σ = 1 is noise,
 * x_σ = (1 − σ)·x_data + σ·noise, the network predicts noise − data): with t = 1 − σ our velocity is the
 * negative of theirs, v_ours(x, t) = −v_theirs(x, σ = 1 − t).
 *
 * @see Lipman, Chen, Ben-Hamu, Nickel & Le 2023, "Flow Matching for Generative Modeling", ICLR, arXiv:2210.02747.
 * @see Liu, Gong & Liu 2023, "Flow Straight and Fast", ICLR, arXiv:2209.03003.
 * @see Tong et al. 2024, "Improving and Generalizing Flow-Based Generative Models with Minibatch Optimal Transport", TMLR, arXiv:2302.00482.
 * @see Esser et al. 2024, "Scaling Rectified Flow Transformers for High-Resolution Image Synthesis", ICML, arXiv:2403.03206 (logit-normal t).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scalar, Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkBoolean, checkNumber, checkObject, checkOptions, checkSeed, checkTensorArg, fail, normalNoise, toFloat, uniformNoise, type Distribution, type Seed } from '@genmod-internal/core';
import { checkSameShape } from './internal/check.js';
import { linearAssignment } from './internal/assignment.js';
import { checkSource, checkVelocity, checkVelocityOutput, drawSource } from './internal/flow-check.js';

/**
 * The user's velocity network v_θ(x, t): x `[B, ...]` at times t (float32 `[B]`, in [0, 1]; t = 0 is the
 * source, t = 1 the data) → v of x's shape (float32). It must treat the batch's examples independently
 * (the likelihood's divergence relies on it).
 *
 * @since 0.1.0
 */
export type VelocityField = (x: Tensor, t: Tensor) => Tensor;

/**
 * Options of {@link flowMatchingLoss}.
 *
 * @since 0.1.0
 */
export interface FlowMatchingLossOptions {
  /**
   * The source law p₀: any distribution of the shared contract whose `sample([B])` has x₁'s shape
   * `[B, ...]` (batchShape + eventShape = x₁'s shape after the batch axis); default N(0, I).
   */
  source?: Distribution;
  /** pair the batch's source draws with the data by the exact minibatch OT assignment of {@link otPairing} (Tong et al.), default false */
  otCoupling?: boolean;
  /** draw t = sigmoid(mean + std·n), n ~ N(0, 1) (Esser et al. 2024; `{}` for mean 0, std 1) instead of U(0, 1) */
  logitNormal?: {
    /** m, the mean of logit(t), default 0 */
    mean?: number;
    /** s > 0, the standard deviation of logit(t), default 1 */
    std?: number;
  };
  /** σ_min ∈ [0, 1) of Lipman et al.'s conditional path, default 0 (rectified flow) */
  sigmaMin?: number;
  /**
   * Seed of t (stream `'t'`) and of the source draws (stream `'x0'`; a source gets
   * `deriveSeed(seed, 'x0')`): a number, 0 included, or a string. Vary it per training step.
   */
  seed?: Seed;
  /** the times instead of draws: a number or `[B]` values in [0, 1] (an array or a float32 tensor) */
  t?: number | ArrayLike<number> | Tensor;
  /** the source draws x₀ of x₁'s shape instead of fresh ones (then no `source`) */
  x0?: Tensor | TensorLike;
}

const LOSS_KEYS = ['source', 'otCoupling', 'logitNormal', 'sigmaMin', 'seed', 't', 'x0'];

/** The t option, checked (values in [0, 1], one or B of them), without allocating. */
function checkTimes(fn: string, t: unknown, batch: number): number | Float32Array | Tensor {
  if (typeof t === 'number') return checkNumber(fn, 'options.t', t, { min: 0, max: 1 });
  let values: ArrayLike<number>;
  if (t instanceof tf.Tensor) {
    if (t.dtype !== 'float32' || t.rank !== 1 || t.shape[0] !== batch) fail(fn, 'options.t', `a number or a float32 tensor of shape [${batch}]`, t);
    values = t.dataSync() as Float32Array;
  } else if (Array.isArray(t) || (ArrayBuffer.isView(t) && !(t instanceof DataView))) {
    values = t as ArrayLike<number>;
    if (values.length !== batch) fail(fn, 'options.t', `a number or ${batch} values (one per example)`, `${values.length} values`);
  } else {
    return fail(fn, 'options.t', `a number in [0, 1], ${batch} values or a float32 tensor of shape [${batch}]`, t);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) fail(fn, `options.t[${i}]`, 'a number in [0, 1]', v);
  }
  return t instanceof tf.Tensor ? t : Float32Array.from(values);
}

/**
 * The conditional flow matching loss (rectified flow for σ_min = 0): with t ~ U(0, 1) (or logit-normal),
 * x₀ ~ p₀ (the source), x₁ the data,
 *
 *   x_t = (1 − (1 − σ_min)·t)·x₀ + t·x₁,   u = x₁ − (1 − σ_min)·x₀,
 *   L = mean over the batch and the dimensions of (v_θ(x_t, t) − u)²,
 *
 * whose minimizer is v*(x, t) = E[u | x_t = x], the velocity of a flow that carries p₀ to the data's law.
 * With `otCoupling`, x₀ is first permuted by the assignment minimizing Σ_i ‖x₀[π(i)] − x₁[i]‖² (exact,
 * O(B³) on the host, reads both batches back): the pairs travel straighter paths, and the minimum of the
 * loss is lower. Logit-normal t (mean m, std s): t = sigmoid(m + s·n), n ~ N(0, 1), favours the middle
 * times (SD3 trains with m = 0, s = 1).
 *
 * Convention t = 0 source, t = 1 data (Lipman et al.); diffusers' FlowMatchEulerDiscreteScheduler uses
 * σ = 1 − t and the velocity noise − data = −u (for σ_min = 0).
 *
 * Differentiable with respect to the velocity network's variables: pass it to
 * `optimizer.minimize(() => flowMatchingLoss(...), false, vars)`.
 *
 * @param velocity `(x_t [B, ...], t [B]) => v [B, ...]`, see {@link VelocityField}
 * @param x1 float32 `[B, ...]` a batch of data
 * @returns a float32 scalar
 * @see Lipman et al. 2023, "Flow Matching for Generative Modeling", arXiv:2210.02747, eqs. (20)–(23)
 * @see Liu, Gong & Liu 2023, "Flow Straight and Fast: Learning to Generate and Transfer Data with Rectified Flow", arXiv:2209.03003
 * @see Tong et al. 2024, "Improving and Generalizing Flow-Based Generative Models with Minibatch Optimal Transport", arXiv:2302.00482
 * @see Esser et al. 2024, "Scaling Rectified Flow Transformers for High-Resolution Image Synthesis", arXiv:2403.03206, §3.1
 * @example
 * ```ts
 * const w = tf.variable(tf.zeros([3, 2]));                   // v = [x, t]·W: a (bad) velocity network
 * const velocity = (x: tf.Tensor, t: tf.Tensor) => tf.matMul(tf.concat([x, tf.expandDims(t, 1)], 1), w);
 * const x1 = tf.randomNormal([64, 2], 2, 0.5, 'float32', 0);
 * const optimizer = tf.train.adam(1e-2);
 * for (let step = 0; step < 5; step++) {
 *   optimizer.minimize(() => flowMatchingLoss(velocity, x1, { seed: step, otCoupling: true, logitNormal: {} }), false, [w]);
 * }
 * ```
 * @since 0.1.0
 */
export function flowMatchingLoss(velocity: VelocityField, x1: Tensor | TensorLike, options: FlowMatchingLossOptions = {}): Scalar {
  const fn = 'flowMatchingLoss';
  checkOptions(fn, options, LOSS_KEYS);
  checkVelocity(fn, velocity);
  const shape = checkTensorArg(fn, 'x1', x1, 1);
  if (shape[0] === 0) fail(fn, 'x1', 'a non-empty batch [B, ...] with B ≥ 1', x1);
  const batch = shape[0]!;
  if (options.x0 !== undefined) {
    if (options.source !== undefined) fail(fn, 'options.source', 'absent when options.x0 is given (x0 replaces its draws)', options.source);
    checkSameShape(fn, 'options.x0', options.x0, shape, 'x1');
  }
  const source = checkSource(fn, options.source, shape, 'x1');
  const ot = options.otCoupling === undefined ? false : checkBoolean(fn, 'options.otCoupling', options.otCoupling);
  let logitNormal: { mean: number; std: number } | undefined;
  if (options.logitNormal !== undefined) {
    if (options.t !== undefined) fail(fn, 'options.logitNormal', 'absent when options.t is given', options.logitNormal);
    const ln = checkObject(fn, 'options.logitNormal', options.logitNormal, 'an object { mean, std }');
    checkOptions(fn, ln, ['mean', 'std'], 'options.logitNormal');
    logitNormal = { mean: checkNumber(fn, 'options.logitNormal.mean', ln.mean ?? 0), std: checkNumber(fn, 'options.logitNormal.std', ln.std ?? 1, { above: 0 }) };
  }
  const sigmaMin = checkNumber(fn, 'options.sigmaMin', options.sigmaMin ?? 0, { min: 0, below: 1 });
  const seed = checkSeed(fn, options.seed);
  const times = options.t === undefined ? undefined : checkTimes(fn, options.t, batch);
  return tf.tidy(fn, () => {
    const data = toFloat(fn, 'x1', x1);
    let x0 = options.x0 !== undefined ? toFloat(fn, 'options.x0', options.x0) : drawSource(fn, source, shape, seed);
    if (ot) x0 = tf.gather(x0, tf.tensor1d(otPairing(x0, data), 'int32'));
    let t: Tensor;
    if (times === undefined) {
      t = logitNormal === undefined ? uniformNoise([batch], seed, 0, 1, 't') : tf.sigmoid(tf.add(logitNormal.mean, tf.mul(logitNormal.std, normalNoise([batch], seed, 't'))));
    } else if (typeof times === 'number') {
      t = tf.fill([batch], times, 'float32');
    } else {
      t = times instanceof tf.Tensor ? times : tf.tensor1d(times, 'float32');
    }
    const tb = tf.reshape(t, [batch, ...shape.slice(1).map(() => 1)]);
    const xt = tf.add(tf.mul(tf.sub(1, tf.mul(1 - sigmaMin, tb)), x0), tf.mul(tb, data));
    const target = tf.sub(data, tf.mul(1 - sigmaMin, x0));
    const v = checkVelocityOutput(fn, velocity(xt, t), shape);
    return tf.mean(tf.squaredDifference(v, target)) as Scalar;
  });
}

/** A batch as float64 rows `[B][d]` (flattened after the first axis), read on the host. */
function hostRows(fn: string, arg: string, x: Tensor | TensorLike): { rows: Float64Array; batch: number; dim: number } {
  const t = toFloat(fn, arg, x);
  const values = Float64Array.from(t.dataSync() as Float32Array);
  if (t !== x) t.dispose();
  const batch = t.shape[0]!;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) fail(fn, arg, 'finite', `a value of ${values[i]} at flat index ${i}`);
  return { rows: values, batch, dim: batch === 0 ? 0 : values.length / batch };
}

/**
 * The exact minibatch optimal-transport pairing of two equal-size batches: the permutation
 *
 *   π = argmin_π Σ_i ‖x₀[π(i)] − x₁[i]‖²   (squared Euclidean over all the axes after the first),
 *
 * so that `tf.gather(x0, π)` puts the source draw paired with x₁[i] at row i. Solved exactly on the host in
 * float64 by the Hungarian algorithm with shortest augmenting paths (Jonker–Volgenant), O(B³): 10–30 ms
 * at B = 256, about 1 s at B = 1024 (Node, one core). Reads both batches back (synchronously); values only,
 * no gradient.
 *
 * @param x0 float32 `[B, ...]` source draws
 * @param x1 float32 `[B, ...]` data, of x0's shape
 * @returns π as an `Int32Array` of length B
 * @see Tong et al. 2024, "Improving and Generalizing Flow-Based Generative Models with Minibatch Optimal Transport", arXiv:2302.00482, §3.2
 * @see Jonker & Volgenant 1987, "A shortest augmenting path algorithm for dense and sparse linear assignment problems", Computing 38
 * @example
 * ```ts
 * const x0 = tf.tensor2d([[0, 0], [10, 10]]);
 * const x1 = tf.tensor2d([[9, 9], [1, 1]]);
 * otPairing(x0, x1);                                   // Int32Array [1, 0]: x₁[0] is paired with x₀[1]
 * ```
 * @since 0.1.0
 */
export function otPairing(x0: Tensor | TensorLike, x1: Tensor | TensorLike): Int32Array {
  const fn = 'otPairing';
  const shape = checkTensorArg(fn, 'x0', x0, 1);
  checkSameShape(fn, 'x1', x1, shape, 'x0');
  const a = hostRows(fn, 'x0', x0);
  const b = hostRows(fn, 'x1', x1);
  const n = a.batch;
  const d = a.dim;
  const cost = new Float64Array(n * n); // cost[i·n + j] = ‖x₁[i] − x₀[j]‖²
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = b.rows[i * d + k]! - a.rows[j * d + k]!;
        s += diff * diff;
      }
      cost[i * n + j] = s;
    }
  }
  return linearAssignment(cost, n);
}
