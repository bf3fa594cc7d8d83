/**
 * Elementwise affine bijectors: shift, scale, and both.
 *
 * @see Dillon et al. 2017, "TensorFlow Distributions", arXiv:1711.10604 (tfp.bijectors.Shift, Scale).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, TensorLike } from '@tensorflow/tfjs-core';
import type { Bijector } from './bijector.js';
import { elementwise } from './internal/elementwise.js';
import { checkFloatDtype, checkOptions, fail, reduceTo, toFloat } from '@genmod-internal/core';

/**
 * a/s with the gradient −(g/s)·(a/s) for s: tfjs's div forms −g·a/s², and s² leaves the float32 range for
 * |s| below ~1e−19 or above ~1e19 (∂/∂s of y/s at s = 1e−30 came out −Infinity or NaN, at s = 1e30 as 0).
 */
function quotient(a: Tensor, s: Tensor): Tensor {
  const f = tf.customGrad((...args: unknown[]) => {
    const [x, d] = args as [Tensor, Tensor];
    const save = args[2] as (ts: Tensor[]) => void;
    const q = tf.div(x, d);
    save([d, q]);
    return {
      value: q,
      gradFunc: (g: Tensor, saved: Tensor[]) => {
        const [dd, qq] = saved as [Tensor, Tensor];
        const gs = tf.div(g, dd);
        return [reduceTo(gs, x.shape), reduceTo(tf.neg(tf.mul(gs, qq)), d.shape)];
      },
    };
  });
  return f(a, s) as Tensor;
}

/** Takes a parameter: a tensor is used as is (so gradients reach it); an array becomes a tensor we own. */
function takeParam(fn: string, arg: string, p: Tensor | TensorLike | undefined, owned: Tensor[]): Tensor {
  if (p === undefined || p === null) fail(fn, arg, 'a number, an array or a float32 tensor', p);
  checkFloatDtype(fn, arg, p);
  const t = toFloat(fn, arg, p);
  if (t !== p) owned.push(t);
  return t;
}

function variablesOf(...ts: Tensor[]): tf.Variable[] {
  return ts.filter((t): t is tf.Variable => t instanceof tf.Variable && t.trainable);
}

/** The parameters given as tf.Variables (trainable or not), by name: the bijector's state. */
function stateOf(params: Record<string, Tensor>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(params).filter(([, t]) => t instanceof tf.Variable)) as Record<string, tf.Variable>;
}

/**
 * y = x + b, log|dy/dx| = 0; inverse x = y − b.
 *
 * @param shiftBy b, broadcasting against x; a `tf.Variable` is listed in `trainableVariables` and is the
 *   bijector's state, named `shift` (`getState()` / `loadState()`; a fixed value is not state)
 * @see tfp.bijectors.Shift
 * @example
 * ```ts
 * const b = shift([1, -1]);
 * const { y } = b.forward(tf.tensor2d([[0, 0]]));   // [[1, −1]]
 * b.dispose();                                      // frees the tensor made from the array
 * ```
 * @since 0.1.0
 */
export function shift(shiftBy: Tensor | TensorLike): Bijector {
  const owned: Tensor[] = [];
  const b = takeParam('shift', 'shift', shiftBy, owned);
  return elementwise({
    name: 'shift',
    forward: (x) => {
      const y = tf.add(x, b);
      return [y, tf.zerosLike(y)];
    },
    inverse: (y) => {
      const x = tf.sub(y, b);
      return [x, tf.zerosLike(x)];
    },
    trainableVariables: variablesOf(b),
    state: stateOf({ shift: b }),
    dispose: () => tf.dispose(owned.splice(0)),
  });
}

/**
 * y = s·x, log|dy/dx| = log|s|; inverse x = y/s, log|dx/dy| = −log|s| (s ≠ 0).
 *
 * @param scaleBy s (non-zero), broadcasting against x; a `tf.Variable` is listed in `trainableVariables`
 *   and is the bijector's state, named `scale` (`getState()` / `loadState()`; a fixed value is not state)
 * @see tfp.bijectors.Scale
 * @example
 * ```ts
 * const { y, logDet } = scale(2).forward(tf.tensor1d([1, 3]));   // y = [2, 6], logDet = [log 2, log 2]
 * ```
 * @since 0.1.0
 */
export function scale(scaleBy: Tensor | TensorLike): Bijector {
  const owned: Tensor[] = [];
  const s = takeParam('scale', 'scale', scaleBy, owned);
  return elementwise({
    name: 'scale',
    forward: (x) => [tf.mul(x, s), tf.log(tf.abs(s))],
    inverse: (y) => [quotient(y, s), tf.neg(tf.log(tf.abs(s)))],
    trainableVariables: variablesOf(s),
    state: stateOf({ scale: s }),
    dispose: () => tf.dispose(owned.splice(0)),
  });
}

/** The parameters of {@link affine}. Unknown keys throw. @since 0.1.0 */
export interface AffineParams {
  /** b, default 0 */
  shift?: Tensor | TensorLike;
  /** s ≠ 0, default 1 */
  scale?: Tensor | TensorLike;
}

/**
 * y = s·x + b, log|dy/dx| = log|s|; inverse x = (y − b)/s, log|dx/dy| = −log|s|.
 *
 * @param params `{ shift, scale }`, each broadcasting against x; `tf.Variable`s are listed in `trainableVariables`
 *   and are the bijector's state, named `shift` and `scale` (`getState()` / `loadState()`; fixed values are not)
 * @see tfp.bijectors.Shift(b)(tfp.bijectors.Scale(s))
 * @example
 * ```ts
 * const b = affine({ shift: 1, scale: 2 });
 * const { y, logDet } = b.forward(tf.tensor1d([0, 1]));   // y = [1, 3], logDet = [log 2, log 2]
 * b.dispose();
 * ```
 * @since 0.1.0
 */
export function affine(params: AffineParams): Bijector {
  const fn = 'affine';
  params = checkOptions(fn, params, ['shift', 'scale'], 'params');
  const owned: Tensor[] = [];
  try {
    const b = takeParam(fn, 'params.shift', params.shift ?? 0, owned);
    const s = takeParam(fn, 'params.scale', params.scale ?? 1, owned);
    return elementwise({
      name: fn,
      forward: (x) => [tf.add(tf.mul(x, s), b), tf.log(tf.abs(s))],
      inverse: (y) => [quotient(tf.sub(y, b), s), tf.neg(tf.log(tf.abs(s)))],
      trainableVariables: variablesOf(b, s),
      state: stateOf({ shift: b, scale: s }),
      dispose: () => tf.dispose(owned.splice(0)),
    });
  } catch (e) {
    tf.dispose(owned);
    throw e;
  }
}
