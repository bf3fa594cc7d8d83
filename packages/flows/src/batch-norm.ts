/**
 * The batch-normalization bijector of RealNVP: normalizes with the batch statistics while training and
 * with running averages in inference, with the log-det of the normalization.
 *
 * @see Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using Real NVP", ICLR, arXiv:1605.08803, §3.7 and appendix E.
 * @see Ioffe & Szegedy 2015, "Batch Normalization", ICML, arXiv:1502.03167.
 * @see Papamakarios et al. 2017, arXiv:1705.07057, §3.4 (batch norm between MAF layers).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { checkInteger, checkNumber, checkOptions, fail, toFloat, type Stateful } from '@genmod-internal/core';
import { uid } from './internal/dense.js';
import { leafState } from './internal/state.js';
import { checkEventInput } from './internal/checks.js';

const KEYS = ['features', 'momentum', 'epsilon'] as const;

/** The options of {@link batchNorm}. Unknown keys throw. @since 0.1.0 */
export interface BatchNormOptions {
  /** the number D of features (event rank 1, `[..., D]`) */
  features: number;
  /** the running averages' momentum: r ← (1 − momentum)·r + momentum·batch statistic, default 0.1 */
  momentum?: number;
  /** added to the variance, default 1e−5 */
  epsilon?: number;
}

/**
 * The density direction (`inverse`) normalizes data y per feature and applies a learned affine map:
 *
 *   x = (y − μ)/√(σ² + ε) ⊙ exp(log γ) + β,    log|det ∂x/∂y| = Σ_i (log γ_i − ½ log(σ_i² + ε))
 *
 * `forward` is its inverse y = (x − β) ⊙ exp(−log γ) ⊙ √(σ² + ε) + μ, with log-det the negative.
 *
 * With `training = true` (the default) `inverse` uses the batch mean and variance of its input (over every
 * batch element, so the gradient flows through them as in RealNVP) and updates the running averages;
 * with `training = false`, and always in `forward`, the running averages are used: set
 * `bn.training = false` for sampling and evaluation. Trainable: log γ and β (start at 0: the identity
 * after normalization). Event rank 1.
 *
 * State ({@link Stateful}: `getState()` / `loadState()`, for `saveState` / `loadState`):
 *
 * | name | what it is |
 * |---|---|
 * | `logGamma` | log γ, float32 `[D]` (trainable) |
 * | `beta` | β, float32 `[D]` (trainable) |
 * | `runningMean` | the running mean, float32 `[D]` (not trainable) |
 * | `runningVariance` | the running variance, float32 `[D]` (not trainable) |
 *
 * The `training` flag is a mode, not state: set it after loading.
 *
 * @param options `{ features, momentum, epsilon }`
 * @see Dinh et al. 2017, arXiv:1605.08803, eq. (10)–(11)
 * @example
 * ```ts
 * const bn = batchNorm({ features: 2 });
 * const { x } = bn.inverse(tf.randomNormal([128, 2], 3, 2, 'float32', 1));   // batch-normalized
 * bn.training = false;                                                       // use running statistics
 * bn.dispose();
 * ```
 * @since 0.1.0
 */
export function batchNorm(options: BatchNormOptions): Bijector & Stateful & { training: boolean; readonly trainableVariables: tf.Variable[]; readonly runningMean: tf.Variable; readonly runningVariance: tf.Variable; dispose(): void } {
  const fn = 'batchNorm';
  options = checkOptions(fn, options, KEYS);
  const d = checkInteger(fn, 'options.features', options.features, { min: 1 });
  const momentum = checkNumber(fn, 'options.momentum', options.momentum ?? 0.1, { above: 0, max: 1 });
  const eps = checkNumber(fn, 'options.epsilon', options.epsilon ?? 1e-5, { above: 0 });
  const id = uid();
  const [logGamma, beta, runningMean, runningVariance] = tf.tidy(() => [
    tf.variable(tf.zeros([d]), true, `batchNorm_logGamma_${id}`),
    tf.variable(tf.zeros([d]), true, `batchNorm_beta_${id}`),
    tf.variable(tf.zeros([d]), false, `batchNorm_mean_${id}`),
    tf.variable(tf.ones([d]), false, `batchNorm_var_${id}`),
  ]) as [tf.Variable, tf.Variable, tf.Variable, tf.Variable];

  const bn = {
    eventRank: 1,
    training: true,
    runningMean,
    runningVariance,
    forward(x: Tensor) {
      const name = 'batchNorm.forward';
      const shape = checkEventInput(name, 'x', x, 1, d);
      const [y, logDet] = tf.tidy(name, () => {
        const $x = toFloat(name, 'x', x);
        const logSd = tf.mul(0.5, tf.log(tf.add(runningVariance, eps)));
        const y = tf.add(tf.mul(tf.sub($x, beta), tf.exp(tf.sub(logSd, logGamma))), runningMean);
        return [y, tf.broadcastTo(tf.sum(tf.sub(logSd, logGamma)), shape.slice(0, -1))];
      });
      return { y: y!, logDet: logDet! };
    },
    inverse(y: Tensor) {
      const name = 'batchNorm.inverse';
      const shape = checkEventInput(name, 'y', y, 1, d);
      if (bn.training && shape.slice(0, -1).reduce((a, b) => a * b, 1) < 2) fail(name, 'y', 'a batch of at least 2 points in training mode (batch statistics)', `shape [${shape.join(', ')}]`);
      const [x, logDet] = tf.tidy(name, () => {
        const $y = toFloat(name, 'y', y);
        let mean: Tensor = runningMean;
        let variance: Tensor = runningVariance;
        if (bn.training) {
          const m = tf.moments(tf.reshape($y, [-1, d]), 0);
          mean = m.mean;
          variance = m.variance;
          // the running averages are statistics, not part of the gradient
          runningMean.assign(tf.add(tf.mul(1 - momentum, runningMean), tf.mul(momentum, tf.clone(mean))));
          runningVariance.assign(tf.add(tf.mul(1 - momentum, runningVariance), tf.mul(momentum, tf.clone(variance))));
        }
        const logSd = tf.mul(0.5, tf.log(tf.add(variance, eps)));
        const x = tf.add(tf.mul(tf.sub($y, mean), tf.exp(tf.sub(logGamma, logSd))), beta);
        return [x, tf.broadcastTo(tf.sum(tf.sub(logGamma, logSd)), shape.slice(0, -1))];
      });
      return { x: x!, logDet: logDet! };
    },
    trainableVariables: [logGamma, beta],
    ...leafState(`${fn}.loadState`, () => ({ logGamma, beta, runningMean, runningVariance })),
    dispose() {
      tf.dispose([logGamma, beta, runningMean, runningVariance]);
    },
  };
  return bn;
}
