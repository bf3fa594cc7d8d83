/**
 * @see Jang, Gu & Poole 2017, "Categorical Reparameterization with Gumbel-Softmax", ICLR, arXiv:1611.01144.
 * @see Maddison, Mnih & Teh 2017, "The Concrete Distribution", ICLR, arXiv:1611.00712.
 * @see Bengio, Léonard & Courville 2013, arXiv:1308.3432 (straight-through estimators).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkNoiseOptions, NOISE_KEYS, oneHotArgmax, softmaxAlong, type NoiseOptions } from './internal/perturb.js';
import { addStandardGumbel } from './internal/noise.js';
import { checkBoolean, checkLogits, checkOptions, checkTemperature, toFloat } from '@genmod-internal/core';

const KEYS = [...NOISE_KEYS, 'temperature', 'hard', 'axis'] as const;

/**
 * Options of {@link gumbelSoftmax}: y = softmax((logits + g)/τ) (Jang et al. 2017).
 * @example
 * ```ts
 * const o: GumbelSoftmaxOptions = { temperature: 0.5, hard: true, seed: 'step-1' };
 * ```
 * @since 0.1.0
 */
export interface GumbelSoftmaxOptions extends NoiseOptions {
  /** temperature τ > 0 (finite); small τ → nearly one-hot samples with high-variance gradients. Default 1. */
  temperature?: number;
  /**
   * `true`: the forward value is one_hot(argmax y) and the backward pass uses the gradient of the soft
   * sample y (straight-through). Default `false`.
   */
  hard?: boolean;
  /** the class axis, default −1 */
  axis?: number;
}

/**
 * Gumbel-softmax (Concrete) relaxed sample of Categorical(softmax(logits)):
 *
 *   y = softmax((logits + g)/τ),   g ~ Gumbel(0, 1) i.i.d.
 *
 * differentiable with respect to the logits (∂y/∂logits = (diag(y) − y yᵀ)/τ, computed by a fused
 * custom gradient that stays finite at logits ±1e4, −Infinity masks and τ from 1e−3 to 1e3).
 *
 * With `hard: true` the forward value is the exact one-hot sample one_hot(argmax y) (the Gumbel-max
 * sample) and the gradient is that of the soft y: the straight-through Gumbel-softmax estimator, whose
 * gradient equals PyTorch's `y_hard − y_soft.detach() + y_soft` (one class, K = 1, gives [1]).
 *
 * The noise is seeded by `deriveSeed(seed)` (the same noise as {@link gumbelMax} with the same seed) and
 * drawn inside the op's forward pass, so a gradient tape keeps only y (one saved tensor), not the noise;
 * a forward pass is ClipByValue, Log, Neg, Log, Sub, (RealDiv unless τ = 1), Softmax.
 * unknown option keys throw (`temprature` → "did you mean 'temperature'?").
 *
 * @param logits float32 `[...batch, K]` unnormalized log-probabilities (classes on `axis`); −Infinity masks a class
 * @returns float32 of the logits' shape; each slice along `axis` lies on the simplex (soft) or is one-hot (hard)
 * @see Jang, Gu & Poole 2017, arXiv:1611.01144 · Maddison, Mnih & Teh 2017, arXiv:1611.00712
 * @example
 * ```ts
 * const logits = tf.variable(tf.zeros([8, 10]));
 * const y = gumbelSoftmax(logits, { temperature: 0.5, seed: 1 });            // [8, 10], rows sum to 1
 * const yHard = gumbelSoftmax(logits, { temperature: 0.5, hard: true, seed: 1 }); // one-hot rows
 * ```
 * @since 0.1.0
 */
export function gumbelSoftmax(logits: Tensor | TensorLike, options?: GumbelSoftmaxOptions): Tensor {
  const fn = 'gumbelSoftmax';
  const opts = checkOptions(fn, options, KEYS);
  const tau = checkTemperature(fn, opts.temperature ?? 1, 'options.temperature');
  const hard = opts.hard === undefined ? false : checkBoolean(fn, 'options.hard', opts.hard);
  const { shape, axis } = checkLogits(fn, logits, opts.axis ?? -1);
  const seed = checkNoiseOptions(fn, opts, shape);
  const given = opts.noise !== undefined;
  return tf.tidy(fn, () => {
    const l = toFloat(fn, 'logits', logits);
    // A drawn g is made inside the custom op's forward, where tfjs records no tape: the tape keeps neither
    // the noise nor copies of its intermediates, and the backward has one input (the logits). Caller noise
    // stays an input, so its gradient (equal to the logits') is still there for whoever asks.
    const relax = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
      const lt = args[0] as Tensor;
      const save = args[args.length - 1] as tf.GradSaveFunc;
      const perturbed = given ? tf.add(lt, args[1] as Tensor) : addStandardGumbel(lt, shape, seed);
      const y = softmaxAlong(tau === 1 ? perturbed : tf.div(perturbed, tau), axis);
      save([y]);
      return {
        value: hard ? oneHotArgmax(y, axis) : y,
        // d y / d logits = (diag(y) − y yᵀ)/τ: dlogits = y ⊙ (dy − Σ dy ⊙ y)/τ; the same for a given noise.
        gradFunc: (dy: Tensor, saved: Tensor[]) => {
          const ys = saved[0]!;
          const p = tf.mul(ys, tf.sub(dy, tf.sum(tf.mul(dy, ys), axis, true)));
          const d = tau === 1 ? p : tf.div(p, tau);
          return given ? [d, tf.clone(d)] : [d];
        },
      };
    });
    return given ? relax(l, toFloat(fn, 'options.noise', opts.noise!)) : relax(l);
  });
}
