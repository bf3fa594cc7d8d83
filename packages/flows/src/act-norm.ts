/**
 * Activation normalization (ActNorm) from Glow: a per-feature affine map whose parameters are initialized
 * from the first batch it sees, so that batch comes out with zero mean and unit variance.
 *
 * @see Kingma & Dhariwal 2018, "Glow: Generative Flow with Invertible 1x1 Convolutions", NeurIPS, arXiv:1807.03039, §3.1.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { checkInteger, checkNumber, checkOptions, toFloat, type Stateful } from '@genmod-internal/core';
import { uid } from './internal/dense.js';
import { leafState } from './internal/state.js';
import { checkEventInput } from './internal/checks.js';

const KEYS = ['features', 'epsilon'] as const;

/** The options of {@link actNorm}. Unknown keys throw. @since 0.1.0 */
export interface ActNormOptions {
  /** the number D of features (event rank 1, `[..., D]`) */
  features: number;
  /** added to the standard deviation at initialization, default 1e−6 */
  epsilon?: number;
}

/**
 * y = x ⊙ exp(log σ) + b per feature, log|det ∂y/∂x| = Σ_i log σ_i; inverse x = (y − b) ⊙ exp(−log σ).
 *
 * Data-dependent initialization: the first call, in either direction, sets (log σ, b) from its input's
 * per-feature mean μ and standard deviation s (over every batch element) so that the call's **output** is
 * standardized: after `inverse(data)` (the density direction, as in training) σ = s and b = μ; after
 * `forward(z)` σ = 1/s and b = −μ/s. Until then the map is the identity (`initialized` is false). Both
 * variables are trainable afterwards. Event rank 1.
 *
 * State ({@link Stateful}: `getState()` / `loadState()`, for `saveState` / `loadState`):
 *
 * | name | what it is |
 * |---|---|
 * | `logScale` | log σ, float32 `[D]` (trainable) |
 * | `bias` | b, float32 `[D]` (trainable) |
 * | `initialized` | int32 scalar, 1 once the data-dependent initialization has run (not trainable) |
 *
 * Loading a state whose `initialized` is 1 marks the layer initialised, so a restored flow does **not**
 * re-initialise from its first batch (and one whose flag is 0 initialises on its next call).
 *
 * @param options `{ features, epsilon }`
 * @see Kingma & Dhariwal 2018, arXiv:1807.03039, §3.1 and Table 1
 * @example
 * ```ts
 * const norm = actNorm({ features: 2 });
 * const data = tf.randomNormal([256, 2], 5, 3, 'float32', 1);
 * const { x } = norm.inverse(data);       // standardized: mean ≈ 0, sd ≈ 1 per feature
 * norm.dispose();
 * ```
 * @since 0.1.0
 */
export function actNorm(options: ActNormOptions): Bijector & Stateful & { readonly trainableVariables: tf.Variable[]; readonly initialized: boolean; dispose(): void } {
  const fn = 'actNorm';
  options = checkOptions(fn, options, KEYS);
  const d = checkInteger(fn, 'options.features', options.features, { min: 1 });
  const eps = checkNumber(fn, 'options.epsilon', options.epsilon ?? 1e-6, { above: 0 });
  const [logScale, bias, flag] = tf.tidy(() => [
    tf.variable(tf.zeros([d]), true, `actNorm_logScale_${uid()}`),
    tf.variable(tf.zeros([d]), true, `actNorm_bias_${uid()}`),
    tf.variable(tf.scalar(0, 'int32'), false, `actNorm_initialized_${uid()}`),
  ]) as [tf.Variable, tf.Variable, tf.Variable];
  // the JS-side copy of `flag`, re-read after loadState
  let initialized = false;

  const init = (v: Tensor, direction: 'forward' | 'inverse') => {
    tf.tidy(() => {
      const flat = tf.reshape(v, [-1, d]);
      const { mean, variance } = tf.moments(flat, 0);
      const sd = tf.add(tf.sqrt(variance), eps);
      if (direction === 'inverse') {
        logScale.assign(tf.log(sd));
        bias.assign(mean);
      } else {
        logScale.assign(tf.neg(tf.log(sd)));
        bias.assign(tf.neg(tf.div(mean, sd)));
      }
      flag.assign(tf.scalar(1, 'int32'));
    });
    initialized = true;
  };

  return {
    eventRank: 1,
    get initialized() {
      return initialized;
    },
    forward(x: Tensor) {
      const name = 'actNorm.forward';
      const shape = checkEventInput(name, 'x', x, 1, d);
      const [y, logDet] = tf.tidy(name, () => {
        const $x = toFloat(name, 'x', x);
        if (!initialized) init($x, 'forward');
        return [tf.add(tf.mul($x, tf.exp(logScale)), bias), tf.broadcastTo(tf.sum(logScale), shape.slice(0, -1))];
      });
      return { y: y!, logDet: logDet! };
    },
    inverse(y: Tensor) {
      const name = 'actNorm.inverse';
      const shape = checkEventInput(name, 'y', y, 1, d);
      const [x, logDet] = tf.tidy(name, () => {
        const $y = toFloat(name, 'y', y);
        if (!initialized) init($y, 'inverse');
        return [tf.mul(tf.sub($y, bias), tf.exp(tf.neg(logScale))), tf.broadcastTo(tf.neg(tf.sum(logScale)), shape.slice(0, -1))];
      });
      return { x: x!, logDet: logDet! };
    },
    trainableVariables: [logScale, bias],
    ...leafState(`${fn}.loadState`, () => ({ logScale, bias, initialized: flag }), () => {
      initialized = flag.dataSync()[0] !== 0;
    }),
    dispose() {
      tf.dispose([logScale, bias, flag]);
    },
  };
}
