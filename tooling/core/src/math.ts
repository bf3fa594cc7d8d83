/**
 * Numerical building blocks written once for every package: float32 constants, a gradient stop, trailing
 * sums, a stable softplus, seeded noise (through the one seed scheme), the wasm-safe one-hot, and the
 * Gaussian log-density and KL in log-scale form.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { nonDifferentiable } from './no-grad.js';
import { deriveSeed, type Seed } from './seed.js';

/** The smallest normal float32, 2⁻¹²⁶. */
export const FLOAT32_TINY = 1.1754943508222875e-38;
/** The largest float32 below 1, 1 − 2⁻²⁴. */
export const FLOAT32_ONE_MINUS_EPS = 1 - 2 ** -24;
/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** log(2π). */
export const LOG_TWO_PI = Math.log(2 * Math.PI);
/** ½·log(2π). */
export const HALF_LOG_TWO_PI = 0.5 * LOG_TWO_PI;

/** The same values with a zero gradient (sg[·]; tfjs-core has no stopGradient). */
export function stopGradient(x: Tensor): Tensor {
  return nonDifferentiable((v) => tf.clone(v), x);
}

/** Sums a broadcast gradient back to `shape` (the input's shape before broadcasting), for custom gradients. */
export function reduceTo(g: Tensor, shape: number[]): Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, shape);
}

/**
 * e^(−l)·v, exact for l = log σ anywhere in the float32 range: the factor is split into two halves
 * e^(−l/2) (each finite for l ≥ −170), and l is clamped at −170, below which any nonzero v gives ±Infinity
 * in both the true and the computed product (|v| ≥ 2⁻¹⁴⁹ and e^170 > 2¹⁴⁹·2¹²⁸), while v = 0 gives 0 (not
 * 0·Infinity = NaN).
 */
export function mulExpNeg(v: Tensor, l: Tensor | number): Tensor {
  return tf.tidy(() => {
    const half = tf.exp(tf.mul(tf.maximum(l, -170), -0.5));
    return tf.mul(tf.mul(v, half), half);
  });
}

/** Sums the last `k` axes (k = 0: the tensor itself, not a copy). */
export function sumTrailing(x: Tensor, k: number): Tensor {
  if (k <= 0) return x;
  return tf.sum(x, Array.from({ length: k }, (_, i) => x.rank - 1 - i));
}

const softplusWithGradient: (x: Tensor) => Tensor = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
  const x = args[0] as Tensor;
  const save = args[1] as tf.GradSaveFunc;
  save([x]);
  return {
    value: tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x))))),
    // σ(x) = exp(−softplus(−x)), recomputed from x: tfjs's own Exp gradient reads the saved output, which has no
    // path back to x, so a second derivative through max(x, 0) + log1p(e^(−|x|)) comes out wrong (−0.25 at 0
    // instead of σ'(0) = 0.25). This form's own derivative is σ(x)·σ(−x), accurate in both tails, where tfjs's
    // Sigmoid gradient y·(1 − y) cancels for x > 0.
    gradFunc: (dy: Tensor, saved: Tensor[]) => tf.mul(dy, tf.exp(tf.neg(softplusWithGradient(tf.neg(saved[0]!))))),
  };
});

/**
 * softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): exact at ±1e4, with gradients on every backend.
 * Its gradient is σ(x) computed from x, so second derivatives (σ(x)(1 − σ(x)), gradient penalties,
 * Hessian–vector products) are right without any global gradient fix.
 */
export function softplus(x: Tensor): Tensor {
  return softplusWithGradient(x);
}

/** expm1(x) − x, with its Taylor series x²/2 + x³/6 + x⁴/24 + x⁵/120 for |x| < 0.1 (no cancellation). */
export function expm1MinusX(x: Tensor): Tensor {
  return tf.tidy(() => {
    const small = nonDifferentiable((v) => tf.less(tf.abs(v), 0.1), x);
    const safe = tf.where(small, x, tf.zerosLike(x));
    const x2 = tf.square(safe);
    const series = tf.mul(x2, tf.add(0.5, tf.mul(safe, tf.add(1 / 6, tf.mul(safe, tf.add(1 / 24, tf.mul(safe, 1 / 120)))))));
    const big = tf.where(small, tf.onesLike(x), x);
    return tf.where(small, series, tf.sub(tf.expm1(big), big));
  });
}

/** Standard normal noise N(0, 1) of `shape`; the seed goes through {@link deriveSeed}(seed, ...streams). */
export function normalNoise(shape: number[], seed: Seed | undefined, ...streams: Seed[]): Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', deriveSeed(seed, ...streams));
}

/** Uniform noise U(lo, hi) of `shape`; the seed goes through {@link deriveSeed}(seed, ...streams). */
export function uniformNoise(shape: number[], seed: Seed | undefined, lo = 0, hi = 1, ...streams: Seed[]): Tensor {
  return tf.randomUniform(shape, lo, hi, 'float32', deriveSeed(seed, ...streams));
}

/**
 * u ~ U(0, 1) clamped to [2⁻¹²⁶, 1 − 2⁻²⁴]: tfjs's uniform can return exactly 0, where the Gumbel and
 * logistic transforms are infinite. Drawn on the host, so a seed gives the same values on every backend.
 */
export function clampedUniform(shape: number[], seed: Seed | undefined, ...streams: Seed[]): Tensor {
  return tf.tidy(() => tf.clipByValue(uniformNoise(shape, seed, 0, 1, ...streams), FLOAT32_TINY, FLOAT32_ONE_MINUS_EPS));
}

/**
 * one_hot(indices, depth) as float32, without gradient. Built as int32 then cast (tfjs-backend-wasm 4.22's
 * float32 OneHot writes integer bits: 1 → 1.4e−45), and valid for depth 1 (tf.oneHot refuses depth < 2).
 */
export function oneHotFloat(indices: Tensor, depth: number): Tensor {
  return tf.tidy(() => {
    if (depth === 1) return tf.ones([...indices.shape, 1]);
    return tf.cast(tf.oneHot(tf.cast(indices, 'int32'), depth), 'float32');
  });
}

/**
 * log N(x; μ, σ²) elementwise from the log-scale, never dividing by σ:
 *
 *   log p(x) = −½·((x − μ)·e^(−log σ))² − log σ − ½·log 2π,
 *
 * so values and gradients (in x, μ and log σ) stay finite for log σ anywhere in the float32 range.
 * @see Bishop 2006, "Pattern Recognition and Machine Learning", eq. (1.46).
 */
export function normalLogDensity(x: Tensor, loc: Tensor | number, logScale: Tensor | number): Tensor {
  return tf.tidy(() => {
    const z = mulExpNeg(tf.sub(x, loc), logScale);
    return tf.sub(tf.mul(tf.square(z), -0.5), tf.add(logScale, HALF_LOG_TWO_PI));
  });
}

/**
 * KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)) elementwise in log-scale form:
 *
 *   KL = ½·[((μ_p − μ_q)·e^(−log σ_q))² + expm1(2r) − 2r],   r = log σ_p − log σ_q,
 *
 * with expm1(2r) − 2r by its Taylor series near r = 0 (exact when the laws nearly agree) and no division
 * by σ anywhere (finite values and gradients for σ from 1e−30 to 1e30 on both sides, +Infinity only when
 * the true KL overflows float32).
 * @see Kullback & Leibler 1951 · torch.distributions.kl._kl_normal_normal (the same law).
 */
export function normalKlLogScale(locP: Tensor | number, logScaleP: Tensor | number, locQ: Tensor | number, logScaleQ: Tensor | number): Tensor {
  return tf.tidy(() => {
    const r = tf.sub(logScaleP, logScaleQ);
    const d = tf.mul(tf.sub(locP, locQ), tf.exp(tf.neg(logScaleQ)));
    return tf.mul(tf.add(tf.square(d), expm1MinusX(tf.mul(r, 2))), 0.5);
  });
}
