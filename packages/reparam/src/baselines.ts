/**
 * Control variates for the score-function estimator, passed as values: a number, a moving average of past
 * rewards, or the leave-one-out mean of the other samples (RLOO).
 *
 * @see Williams 1992, Machine Learning 8 (reinforcement baselines, §4 and §7).
 * @see Kool, van Hoof & Welling 2019, "Buy 4 REINFORCE Samples, Get a Baseline for Free!", ICLR DeepRLStructPred workshop.
 * @see Mnih & Rezende 2016, "Variational Inference for Monte Carlo Objectives", ICML, arXiv:1602.06725 (VIMCO).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { assignState, checkNumber, checkOptions, type StateDict, type Stateful } from '@genmod-internal/core';

/**
 * A baseline b for the score-function estimator (1/n)·Σᵢ (f(zᵢ) − bᵢ)·∇_θ log p(zᵢ|θ). The estimate stays
 * unbiased when each bᵢ is independent of zᵢ (it may depend on the other samples and on the past).
 *
 * @see Williams 1992, Machine Learning 8 · Mohamed et al. 2020, arXiv:1906.10652, §7 (control variates)
 * @example
 * ```ts
 * // a constant baseline, written as a Baseline
 * const constant: Baseline = { compute: () => tf.scalar(10) };
 * ```
 * @since 0.1.0
 */
export interface Baseline {
  /** the least number of samples per estimate it needs (leave-one-out: 2) */
  readonly minSamples?: number;
  /**
   * bᵢ for the per-sample values f `[n]` of the current draw: `[n]` or a scalar. Called once per estimate,
   * inside a tidy; it may update internal state (keep such tensors with tf.keep and free them in dispose).
   */
  compute(values: Tensor): Tensor;
  /** frees its state */
  dispose?(): void;
}

/**
 * The baseline returned by {@link movingAverageBaseline}: b_t = β·b_{t−1} + (1 − β)·mean(f_t) (Williams
 * 1992), with its state.
 *
 * **State** ({@link Stateful}: `getState()` / `loadState()`, saved with `saveState`), so a resumed training
 * loop gets the same next baselines:
 *
 * | name          | shape, dtype   | what it is                                                           |
 * |---------------|----------------|----------------------------------------------------------------------|
 * | `average`     | `[]` float32   | the running average b (the `initial` value until the first estimate) |
 * | `initialized` | `[]` int32     | 1 once an estimate has updated the average, else 0 (`initial` is used) |
 *
 * @example
 * ```ts
 * const baseline: MovingAverageBaseline = movingAverageBaseline(0.9);
 * baseline.average;    // undefined before the first estimate
 * baseline.dispose();
 * ```
 * @since 0.1.0
 */
export interface MovingAverageBaseline extends Baseline, Stateful {
  /** the decay β in b ← β·b + (1 − β)·mean f */
  readonly decay: number;
  /** the current average (undefined before the first estimate, when the initial value is used) */
  readonly average: Tensor | undefined;
  /** frees the average and starts over */
  dispose(): void;
  /** `average` and `initialized` (live variables: do not dispose) @since 0.1.0 */
  getState(): StateDict;
  /** loads `average` and `initialized` (both checked first; nothing changes on a mismatch) @since 0.1.0 */
  loadState(state: StateDict): void;
}

/**
 * An exponential moving average of past mean rewards, b_t = β·b_{t−1} + (1 − β)·mean(f_t). Each estimate
 * uses the average of the previous ones (never its own samples), so it stays unbiased; the first uses
 * `initial`. Stateful: one instance per training loop, `dispose()` at the end; `getState()` / `loadState()`
 * save and restore it (names `average`, `initialized`).
 *
 * @param decay β in [0, 1), default 0.9
 * @param options.initial the baseline of the first estimate, default 0
 * @see Williams 1992 (reinforcement comparison) · Mnih & Gregor 2014, arXiv:1402.0030 (NVIL, §3.3)
 * @example
 * ```ts
 * const baseline = movingAverageBaseline(0.9);
 * // … scoreFunctionGradient(f, make, params, { samples: 16, baseline, seed: step }) per step …
 * baseline.dispose();
 * ```
 * @since 0.1.0
 */
export function movingAverageBaseline(decay = 0.9, options?: { initial?: number }): MovingAverageBaseline {
  const fn = 'movingAverageBaseline';
  checkNumber(fn, 'decay', decay, { min: 0, below: 1 });
  const o = checkOptions(fn, options, ['initial']);
  const initial = o.initial === undefined ? 0 : checkNumber(fn, 'options.initial', o.initial);
  // two variables, made on first use (and again after dispose()); `initialized` caches the flag's value
  let variables: { average: tf.Variable; initialized: tf.Variable } | undefined;
  let initialized = false;
  const own = () =>
    (variables ??= tf.tidy(() => ({
      average: tf.variable(tf.scalar(initial), false, undefined, 'float32'),
      initialized: tf.variable(tf.scalar(0, 'int32'), false, undefined, 'int32'),
    })));
  const getState = (): StateDict => {
    const { average, initialized: flag } = own();
    return { average, initialized: flag };
  };
  return {
    decay,
    get average() {
      return initialized ? variables?.average : undefined;
    },
    compute(values: Tensor): Tensor {
      const { average, initialized: flag } = own();
      return tf.tidy('movingAverageBaseline.compute', () => {
        const b = tf.clone(average); // `initial` until the first estimate (or the loaded average)
        const m0 = tf.mean(values);
        const m = m0.dtype === 'float32' ? m0 : tf.cast(m0, 'float32');
        average.assign(initialized ? tf.add(tf.mul(average, decay), tf.mul(m, 1 - decay)) : m);
        if (!initialized) flag.assign(tf.scalar(1, 'int32'));
        initialized = true;
        return b;
      });
    },
    getState,
    loadState(state: StateDict): void {
      assignState('movingAverageBaseline.loadState', getState(), state);
      initialized = variables!.initialized.dataSync()[0] !== 0;
    },
    dispose() {
      if (variables) tf.dispose([variables.average, variables.initialized]);
      variables = undefined;
      initialized = false;
    },
  };
}

/**
 * The leave-one-out baseline bᵢ = (1/(n − 1))·Σ_{j≠i} f(zⱼ): the mean of the other samples, independent of
 * zᵢ, so the estimate stays unbiased. The estimator becomes (1/(n − 1))·Σᵢ (f(zᵢ) − f̄)·∇ log p(zᵢ|θ)
 * (RLOO). Stateless; needs n ≥ 2 samples.
 *
 * @see Kool, van Hoof & Welling 2019 (RLOO) · Mnih & Rezende 2016, arXiv:1602.06725 (VIMCO's leave-one-out)
 * @example
 * ```ts
 * // ∇_θ E_{z ~ N(θ, 1)}[z²] = 2θ, estimated from 8 samples with the other samples' mean as baseline
 * const theta = tf.variable(tf.scalar(1));
 * const est = scoreFunctionGradient((z) => tf.square(z), ([t]) => new Normal({ loc: t!, scale: 1 }), [theta],
 *   { samples: 8, baseline: leaveOneOutBaseline(), seed: 1 });
 * est.grads[0]!.print(); // ≈ 2, noisily
 * ```
 * @since 0.1.0
 */
export function leaveOneOutBaseline(): Baseline {
  return {
    minSamples: 2,
    compute(values: Tensor): Tensor {
      return tf.tidy('leaveOneOutBaseline.compute', () => {
        const n = values.shape[0]!;
        return tf.div(tf.sub(tf.sum(values), values), n - 1);
      });
    },
  };
}
