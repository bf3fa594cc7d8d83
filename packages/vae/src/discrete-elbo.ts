/**
 * The ELBO of a discrete VAE whose latents are N categorical variables with K classes, relaxed by
 * Gumbel-softmax (the DALL-E dVAE recipe).
 *
 * @see Jang, Gu & Poole 2017, "Categorical Reparameterization with Gumbel-Softmax", ICLR, arXiv:1611.01144.
 * @see Maddison, Mnih & Teh 2017, "The Concrete Distribution", ICLR, arXiv:1611.00712.
 * @see Ramesh et al. 2021, "Zero-Shot Text-to-Image Generation", ICML, arXiv:2102.12092 (dVAE).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import { checkBoolean, checkDistribution, checkNumber, deriveSeed, fail, showShape, toFloat } from '@genmod-internal/core';
import { entropyCategorical } from '@genmod/divergences';
import { gumbelSoftmax } from '@genmod/gumbel';
import { categoricalKl } from './categorical-kl.js';
import { checkReturned } from './internal/checks.js';
import { checkLatentModel, type LatentModelOptions } from './internal/latents.js';
import type { DiscretePrior } from './prior.js';

/** Options of {@link discreteElbo}: `encode` gives logits `[B, N, K]`, `decode` takes relaxed one-hots `[B, N, K]`. @since 0.1.0 */
export interface DiscreteElboOptions extends LatentModelOptions<Tensor, Tensor> {
  /** the Gumbel-softmax temperature τ > 0 (anneal it, e.g. with `@genmod/gumbel`'s exponentialDecay); default 1 */
  temperature?: number;
  /** straight-through: one-hot samples forward, soft gradients backward; default false */
  hard?: boolean;
  /** the KL weight β ≥ 0 in the loss; default 1 */
  beta?: number;
  /** the prior's logits (`[N, K]` or `[K]`), a factorised prior; default the uniform prior */
  priorLogits?: Tensor | TensorLike;
  /**
   * any prior over the codes, a {@link DiscretePrior} (e.g. {@link autoregressivePrior}), used in place of
   * the uniform prior; not with `priorLogits`. Its parameters get gradients, so it can be trained jointly.
   */
  prior?: DiscretePrior;
  /** the Gumbel noise itself, `[B, N, K]` */
  noise?: Tensor | TensorLike;
}

const DISCRETE_KEYS = ['x', 'encode', 'decode', 'likelihood', 'seed', 'noise', 'temperature', 'hard', 'beta', 'priorLogits', 'prior'];

/** What {@link discreteElbo} returns. @since 0.1.0 */
export interface DiscreteElboResult {
  /** reconstruction − KL, `[B]`, in nats (with relaxed samples, a surrogate of the discrete ELBO) */
  elbo: Tensor;
  /** −mean_batch(reconstruction) + β·mean_batch(KL) */
  loss: tf.Scalar;
  /** log p(x|y) at the relaxed sample y, `[B]` */
  reconstruction: Tensor;
  /**
   * KL(q(c|x) ‖ p(c)), `[B]`: analytic for the uniform prior (Σ_n (log K − H(q_n))) and for `priorLogits`;
   * with a `prior`, −Σ_n H(q_n) − Σ_n Σ_k q_nk·log p(c_n = k | y_<n) when it has `conditionalLogProbs`
   * (exact for factorised priors), else −Σ_n H(q_n) − log p(y), estimated at the sample y
   */
  kl: Tensor;
}

/**
 * The discrete-VAE objective with relaxed categorical latents:
 *
 *   y_n = softmax((logits_n + g_n)/τ),  g ~ Gumbel(0, 1)   (hard: one_hot(argmax y_n), straight-through)
 *   ELBO(x) ≈ log p(x | y) − Σ_n KL(q(c_n|x) ‖ p(c_n)),  KL to uniform = Σ_n (log K − H(q_n)).
 *
 * With a learned `prior` p(c) (e.g. an {@link autoregressivePrior} over the code grid) the KL is
 * E_q[log q(c|x) − log p(c)] = −Σ_n H(q_n) − E_q[log p(c)]: the entropies stay analytic (q factorises) and the
 * cross-entropy is taken at the sample y, as Σ_n Σ_k q_nk·log p(c_n = k | y_<n) when the prior gives its
 * conditionals (each c_n averaged out exactly given the earlier codes: exact for a factorised prior) or as
 * log p(y) otherwise. A uniform prior gives the uniform path's value either way.
 *
 * @returns `{ elbo [B], loss, reconstruction [B], kl [B] }`
 * @see Jang et al. 2017, arXiv:1611.01144 · Maddison et al. 2017, arXiv:1611.00712 · Ramesh et al. 2021, arXiv:2102.12092
 * @example
 * ```ts
 * const codebook = tf.variable(tf.randomNormal([10, 6], 0, 0.1, 'float32', 1)); // K = 10 codes → 6 pixels
 * const x = tf.tensor2d([[1, 0, 1, 1, 0, 0]]);
 * const encode = (x: tf.Tensor) => tf.zeros([x.shape[0]!, 3, 10]);             // N = 3 latents
 * const decode = (y: tf.Tensor) => tf.sum(codebookLookup(y, codebook), 1);     // logits [B, 6]
 * const { loss } = discreteElbo({ x, encode, decode, likelihood: bernoulliLogLikelihood, temperature: 0.5, seed: 0 });
 * ```
 * @since 0.1.0
 */
export function discreteElbo(options: DiscreteElboOptions): DiscreteElboResult {
  const fn = 'discreteElbo';
  const { xShape, seed } = checkLatentModel(fn, options as LatentModelOptions<unknown, never>, DISCRETE_KEYS);
  const temperature = checkNumber(fn, 'options.temperature', options.temperature ?? 1, { above: 0 });
  const hard = checkBoolean(fn, 'options.hard', options.hard ?? false);
  const beta = checkNumber(fn, 'options.beta', options.beta ?? 1, { min: 0 });
  const prior = options.prior;
  if (prior !== undefined) {
    checkDistribution(fn, 'options.prior', prior);
    if (options.priorLogits !== undefined) fail(fn, 'options', 'an object with at most one of prior and priorLogits', 'both');
  }
  return tf.tidy(fn, () => {
    const x = toFloat(fn, 'options.x', options.x);
    const logits = checkReturned(fn, 'encode(x)', options.encode(x), undefined, xShape[0]);
    if (logits.rank !== 3) fail(fn, 'encode(x)', 'logits of shape [B, N, K]', logits);
    if (logits.shape[2]! < 2) fail(fn, 'encode(x)', 'logits with K ≥ 2 classes', showShape(logits.shape));
    if (logits.shape[1]! < 1) fail(fn, 'encode(x)', 'logits with N ≥ 1 latents', showShape(logits.shape));
    const gumbelSeed = deriveSeed(seed, 'gumbel');
    const y = gumbelSoftmax(logits, { temperature, hard, ...(options.noise !== undefined ? { noise: options.noise } : gumbelSeed !== undefined ? { seed: gumbelSeed } : {}) });
    const decoded = checkReturned(fn, 'decode(y)', options.decode(y), undefined, xShape[0]);
    const reconstruction = checkReturned(fn, 'likelihood(x, decode(y))', options.likelihood(x, decoded), [xShape[0]!]);
    const kl = prior === undefined ? categoricalKl(logits, options.priorLogits === undefined ? {} : { priorLogits: options.priorLogits }) : priorKl(fn, logits, y, prior);
    const loss = tf.add(tf.neg(tf.mean(reconstruction)), tf.mul(tf.mean(kl), beta)) as tf.Scalar;
    return { elbo: tf.sub(reconstruction, kl), loss, reconstruction, kl };
  });
}

/** KL(q(c|x) ‖ p(c)) `[B]` against a structural prior, estimated at the sample y `[B, N, K]`. */
function priorKl(fn: string, logits: Tensor, y: Tensor, prior: DiscretePrior): Tensor {
  const [b] = logits.shape as [number, number, number];
  const negEntropy = tf.neg(tf.sum(entropyCategorical({ logits }), -1)); // −Σ_n H(q_n), [B]
  if (typeof prior.conditionalLogProbs === 'function') {
    const conditional = checkReturned(fn, 'prior.conditionalLogProbs(y)', prior.conditionalLogProbs(y), logits.shape);
    return tf.sub(negEntropy, tf.sum(tf.mul(tf.softmax(logits), conditional), [1, 2]));
  }
  return tf.sub(negEntropy, checkReturned(fn, 'prior.logProb(y)', prior.logProb(y), [b]));
}
