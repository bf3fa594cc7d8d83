/**
 * Classifier-free guidance: one conditional network, trained with its condition sometimes dropped, steered at
 * sampling time by extrapolating from its unconditional prediction towards its conditional one.
 *
 * @see Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", NeurIPS workshop, arXiv:2207.12598, Algorithms 1–2.
 * @see Lin, Liu, Li & Yang 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", WACV, arXiv:2305.08891, §3.4 (guidance rescale).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNumber, checkOptions, checkSeed, fail, nonDifferentiable, sameShape, showShape, uniformNoise, type Seed } from '@genmod-internal/core';
import type { Denoiser } from './denoiser.js';
import { asTensor, checkConditions, nullBatch } from './internal/condition.js';

/**
 * A denoiser that also takes a condition: given x_t `[B, ...]`, the int32 timesteps `[B]` and the condition
 * `[B, ...]` (int32 class labels `[B]`, or float32 embeddings `[B, ...]`; the null condition ∅ in the rows
 * to predict unconditionally), returns a float32 tensor of x_t's shape: its prediction of ε, x₀ or v, as a
 * {@link Denoiser} does. It is called inside a `tf.tidy`.
 *
 * @example
 * ```ts
 * // a toy network: class c shifts the prediction by c/10
 * const net: ConditionalDenoiser = (xt, t, c) => tf.add(tf.mul(xt, 0.5), tf.expandDims(tf.div(tf.cast(c, 'float32'), 10), 1));
 * const eps = net(tf.zeros([2, 2]), tf.tensor1d([5, 5], 'int32'), tf.tensor1d([0, 3], 'int32')); // [2, 2]
 * ```
 * @since 0.1.0
 */
export type ConditionalDenoiser = (xt: Tensor, t: Tensor, condition: Tensor) => Tensor;

/**
 * Options of {@link classifierFreeGuidance}.
 *
 * @since 0.1.0
 */
export interface GuidanceOptions {
  /**
   * The guidance scale w, any finite number: 1 is the conditional model, 0 the unconditional one, w > 1
   * extrapolates past the conditional model (Ho & Salimans's w + 1; diffusers' `guidance_scale`, typically
   * 3–10 for images).
   */
  scale: number;
  /**
   * The null condition ∅, of one example's condition shape (`[]` for labels, `[...]` for an embedding) or
   * `[1, ...]`, of the condition's dtype (an array is converted to it); broadcast to the batch. The
   * caller keeps a tensor alive while the guided denoiser is used.
   */
  nullCondition: Tensor | TensorLike;
  /** guidance rescale φ ∈ [0, 1] (Lin et al. 2024, §3.4; diffusers' `guidance_rescale`, 0.7 in the paper); default 0 */
  rescale?: number;
}

/** The per-example standard deviation over every non-batch axis, shape `[B, 1, …, 1]` (population form). */
function exampleStd(x: Tensor): Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i + 1);
  return tf.sqrt(tf.moments(x, axes, true).variance);
}

/**
 * Classifier-free guidance (Ho & Salimans 2022): turns a conditional network into an ordinary
 * {@link Denoiser} that every sampler takes (`ddpmSample`, `ddimSample`, `dpmSolverSample`, `eulerSample`,
 * …). With f_c = f(x_t, t, c) and f_∅ = f(x_t, t, ∅):
 *
 *   out = f_∅ + w·(f_c − f_∅)
 *
 * and, with guidance rescale φ (Lin et al. 2024, §3.4, diffusers' `rescale_noise_cfg`), per example b with
 * σ(·) the standard deviation over all non-batch axes:
 *
 *   out ← φ·out·σ(f_c)/σ(out) + (1 − φ)·out
 *
 * Both halves come from **one** call of the network on the doubled batch [x_t; x_t], [t; t], [c; ∅], split
 * afterwards, as diffusers does. At w = 1 the network runs once on the conditional batch and `out` is f_c
 * exactly (rescale changes nothing there); at w = 0 without rescale it runs once on the null batch.
 *
 * Guidance is linear in the model output, and x̂₀ and v are affine in ε̂ with the same coefficients for
 * both halves: the same formula is right for ε-, x₀- and v-prediction (pass the sampler's `prediction` as
 * usual), and without rescale the three give the same samples. Rescale, like diffusers, is applied to the
 * model output whatever its parameterization (the paper states it for v-prediction with zero terminal SNR);
 * so it is here, and it is not invariant under the change of parameterization (σ of x̂₀ is not σ of ε̂).
 * The ratio of the two standard deviations does not depend on Bessel's correction (torch's `std` is
 * unbiased); where σ(out) is 0 the ratio is taken as 1 (no rescale) instead of dividing by zero. Rescale
 * is meant for outputs with many elements per example (images): with a few, σ(out) can come near 0 and
 * the ratio then amplifies rounding.
 *
 * Conditions: int32 class labels `[B]` or float32 embeddings `[B, ...]`; `options.nullCondition` has one
 * example's condition shape (or `[1, ...]`) and the same dtype. A condition of batch 1 is broadcast to
 * every example of x_t (one prompt, many samples); otherwise its batch must be x_t's, which is checked at
 * each call (a clear error names both). Arrays are converted to tensors at each call (so nothing is held);
 * their dtype is that of the other argument when it is a tensor, else tfjs's inference (`Int32Array` →
 * int32, plain numbers → float32).
 *
 * The output is differentiable (with respect to x_t, an embedding condition and the network's variables).
 *
 * Ownership: the returned denoiser refers to `condition` and `nullCondition`; a tensor passed here stays
 * the caller's, who keeps it alive while sampling and disposes it afterwards. `classifierFreeGuidance`
 * itself allocates nothing.
 *
 * @param denoiser `(x_t, t, condition) => prediction`, see {@link ConditionalDenoiser}; it must accept a
 *   batch of 2B (the doubled batch)
 * @param condition int32 class labels `[B]` or float32 embeddings `[B, ...]` (or batch 1, broadcast)
 * @param options the scale w, the null condition ∅ and the rescale φ
 * @returns a {@link Denoiser} `(x_t [B, ...], t [B]) => float32 [B, ...]`
 * @see Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", arXiv:2207.12598
 * @see Lin, Liu, Li & Yang 2024, "Common Diffusion Noise Schedules and Sample Steps are Flawed", arXiv:2305.08891, §3.4
 * @example
 * ```ts
 * // a toy class-conditional ε-network: class c has mean μ_c = c − 0.5 in every coordinate; ∅ is label 2
 * const mu = tf.tensor1d([-0.5, 0.5, 0]);
 * const net = (xt: tf.Tensor, t: tf.Tensor, c: tf.Tensor) => tf.mul(tf.sub(xt, tf.expandDims(tf.gather(mu, c), 1)), 0.1);
 * const labels = tf.tensor1d([0, 1, 1, 0], 'int32');
 * const guided = classifierFreeGuidance(net, labels, { scale: 3, nullCondition: 2, rescale: 0.7 });
 * const schedule = respace(linearSchedule(1000), trailingTimesteps(1000, 10));
 * const x = await finalSample(ddimSample(guided, [4, 2], schedule, { seed: 0 })); // [4, 2]
 * tf.dispose([mu, labels, x]); // the condition is the caller's: dispose it after sampling
 * schedule.dispose();
 * ```
 * @since 0.1.0
 */
export function classifierFreeGuidance(denoiser: ConditionalDenoiser, condition: Tensor | TensorLike, options: GuidanceOptions): Denoiser {
  const fn = 'classifierFreeGuidance';
  if (options === undefined) fail(fn, 'options', 'an object with scale and nullCondition', options);
  checkOptions(fn, options, ['scale', 'nullCondition', 'rescale']);
  if (typeof denoiser !== 'function') fail(fn, 'denoiser', 'a function (xt, t, condition) => Tensor', denoiser);
  const w = checkNumber(fn, 'options.scale', options.scale);
  const phi = checkNumber(fn, 'options.rescale', options.rescale ?? 0, { min: 0, max: 1 });
  if (options.nullCondition === undefined) fail(fn, 'options.nullCondition', "the null condition ∅ (one example's condition)", undefined);
  const checked = checkConditions(fn, condition, options.nullCondition, 'condition', 'options.nullCondition');
  const cond = checked.condition;
  const rest = cond.shape.slice(1);
  const conditionBatch = cond.shape[0]!;
  const runs = { conditional: w !== 0 || phi > 0, unconditional: w !== 1 };

  return (xt: Tensor, t: Tensor): Tensor => {
    if (!(xt instanceof tf.Tensor) || xt.rank < 1) fail(fn, 'x_t (guided denoiser call)', 'a tensor [B, ...]', xt);
    const batch = xt.shape[0]!;
    if (!(t instanceof tf.Tensor) || !sameShape(t.shape, [batch])) fail(fn, 't (guided denoiser call)', `a tensor of x_t's batch, shape [${batch}]`, t);
    if (conditionBatch !== 1 && conditionBatch !== batch) {
      fail(fn, 'condition', `of x_t's batch ${batch} (or of batch 1, broadcast) at this call`, `${showShape(cond.shape)}`);
    }
    if (cond.value instanceof tf.Tensor && cond.value.isDisposed) fail(fn, 'condition', 'alive while the guided denoiser is used (it is the caller\'s)', 'a disposed tensor');
    const nullValue = checked.nullCondition.value;
    if (nullValue instanceof tf.Tensor && nullValue.isDisposed) fail(fn, 'options.nullCondition', 'alive while the guided denoiser is used (it is the caller\'s)', 'a disposed tensor');
    return tf.tidy(fn, () => {
      const c = conditionBatch === batch ? asTensor(cond) : tf.broadcastTo(asTensor(cond), [batch, ...rest]);
      const call = (x: Tensor, ts: Tensor, k: Tensor, n: number): Tensor => {
        const out = denoiser(x, ts, k);
        const want = [n, ...xt.shape.slice(1)];
        if (!(out instanceof tf.Tensor) || out.dtype !== 'float32' || !sameShape(out.shape, want)) {
          fail(fn, 'the conditional denoiser output', `a float32 tensor of its input's ${showShape(want)}`, out);
        }
        return out;
      };
      if (!runs.unconditional) return call(xt, t, c, batch);
      if (!runs.conditional) return call(xt, t, nullBatch(checked.nullCondition, rest, batch), batch);
      const both = call(tf.concat([xt, xt], 0), tf.concat([t, t], 0), tf.concat([c, nullBatch(checked.nullCondition, rest, batch)], 0), 2 * batch);
      const [fc, fu] = tf.split(both, [batch, batch], 0) as [Tensor, Tensor];
      const guided = tf.add(fu, tf.mul(w, tf.sub(fc, fu)));
      if (phi === 0 || xt.rank < 2) return guided;
      // ratio = σ(f_c)/σ(out) where σ(out) > 0, else 1; the mask is built off the tape (tfjs-core has no
      // gradient for comparisons), so the guided output stays differentiable
      const sdOut = exampleStd(guided);
      const positive = nonDifferentiable((sd) => tf.cast(tf.greater(sd, 0), 'float32'), sdOut);
      const notPositive = tf.sub(1, positive);
      const ratio = tf.add(tf.div(tf.mul(positive, exampleStd(fc)), tf.add(sdOut, notPositive)), notPositive);
      return tf.add(tf.mul(phi, tf.mul(guided, ratio)), tf.mul(1 - phi, guided));
    });
  };
}

/**
 * Options of {@link dropCondition}.
 *
 * @since 0.1.0
 */
export interface DropConditionOptions {
  /**
   * Seed of the Bernoulli draws (stream `'drop'`): a number, 0 included, or a string. The drawn rows depend
   * on the seed and the batch only, so the same seed drops the same examples of several conditions (labels
   * and embeddings alike). Vary it per training step: a fixed seed drops the same rows every step.
   */
  seed?: Seed;
  /**
   * Which examples to drop, instead of the draw: booleans or 0/1 `[B]` (an array, or a bool, int32 or
   * float32 tensor; 1/true = replaced by ∅). `p` is still checked, and unused.
   */
  mask?: Tensor | TensorLike;
}

/**
 * Condition dropout for training a classifier-free-guidance model (Ho & Salimans 2022, Algorithm 1): each
 * example's condition is replaced by the null condition ∅ independently with probability p,
 *
 *   out_b = ∅ if u_b < p else c_b,   u_b ~ U[0, 1) (stream `'drop'`)
 *
 * so one network learns both f(x_t, t, c) and f(x_t, t, ∅) (Ho & Salimans use p = 0.1 or 0.2). p = 0 keeps
 * every condition and p = 1 drops every one, exactly. Works for int32 class labels `[B]` and float32
 * embeddings `[B, ...]`; ∅ has one example's shape (or `[1, ...]`) and the condition's dtype (the dtype
 * rule of {@link classifierFreeGuidance}).
 *
 * @param condition int32 labels `[B]` or float32 embeddings `[B, ...]`
 * @param nullCondition ∅, of shape `[...]` (one example's) or `[1, ...]`, same dtype
 * @param p the drop probability, in [0, 1]
 * @returns a new tensor of the condition's shape and dtype (the caller's)
 * @see Ho & Salimans 2022, "Classifier-Free Diffusion Guidance", arXiv:2207.12598, Algorithm 1
 * @example
 * ```ts
 * const labels = tf.tensor1d([3, 1, 4, 1, 5, 9, 2, 6], 'int32');
 * const dropped = dropCondition(labels, 10, 0.2, { seed: 0 }); // [8] int32, each label 10 (∅) with probability 0.2
 * const embeddings = tf.randomNormal([8, 16]);
 * const same = dropCondition(embeddings, tf.zeros([16]), 0.2, { seed: 0 }); // the same rows replaced by zeros
 * ```
 * @since 0.1.0
 */
export function dropCondition(condition: Tensor | TensorLike, nullCondition: Tensor | TensorLike, p: number, options: DropConditionOptions = {}): Tensor {
  const fn = 'dropCondition';
  checkOptions(fn, options, ['seed', 'mask']);
  const checked = checkConditions(fn, condition, nullCondition, 'condition', 'nullCondition');
  const prob = checkNumber(fn, 'p', p, { min: 0, max: 1 });
  const seed = checkSeed(fn, options.seed);
  const shape = checked.condition.shape;
  const batch = shape[0]!;
  const mask = options.mask === undefined ? undefined : checkMask(fn, options.mask, batch);
  return tf.tidy(fn, () => {
    let drop: Tensor;
    if (mask !== undefined) drop = mask instanceof tf.Tensor ? tf.notEqual(mask, 0) : tf.tensor1d(mask, 'bool');
    else if (prob === 0) drop = tf.zeros([batch], 'bool');
    else if (prob === 1) drop = tf.ones([batch], 'bool');
    else drop = tf.less(uniformNoise([batch], seed, 0, 1, 'drop'), prob);
    const rest = shape.slice(1);
    const where = tf.broadcastTo(tf.reshape(drop, [batch, ...rest.map(() => 1)]), shape);
    return tf.where(where, nullBatch(checked.nullCondition, rest, batch), asTensor(checked.condition));
  });
}

/** A drop mask `[B]`: booleans or 0/1 (a tensor of dtype bool, int32 or float32, read once on the host to check its values). */
function checkMask(fn: string, mask: unknown, batch: number): Tensor | boolean[] {
  const expected = `booleans or 0/1 values of shape [${batch}] (the condition's batch)`;
  if (mask instanceof tf.Tensor) {
    if (mask.dtype !== 'bool' && mask.dtype !== 'int32' && mask.dtype !== 'float32') fail(fn, 'options.mask', expected, mask);
    if (!sameShape(mask.shape, [batch])) fail(fn, 'options.mask', expected, mask);
    if (mask.dtype !== 'bool' && !Array.from(mask.dataSync() as ArrayLike<number>).every((v) => v === 0 || v === 1)) fail(fn, 'options.mask', expected, 'other values');
    return mask;
  }
  if ((!Array.isArray(mask) && !ArrayBuffer.isView(mask)) || (mask as ArrayLike<unknown>).length !== batch) fail(fn, 'options.mask', expected, mask);
  const values = Array.from(mask as ArrayLike<unknown>);
  if (!values.every((v) => v === true || v === false || v === 0 || v === 1)) fail(fn, 'options.mask', expected, mask);
  return values.map((v) => v === true || v === 1);
}
