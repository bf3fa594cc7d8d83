/**
 * Correct second-order gradients in TensorFlow.js 4.22, opt-in.
 *
 * Why tfjs gets them wrong. When the engine records an op whose registered gradient reads the op's own
 * OUTPUT (`outputsToSave`: Tanh, Sigmoid, Exp, Softmax, Elu, Pow, …), it saves a copy of that output whose
 * tape node is written before the op's own node. Differentiating the backward pass again (a gradient of a
 * gradient: the WGAN-GP penalty, R1, Hessian–vector products) then finds no path from that saved copy back
 * to the op's input, and silently drops a term: for tanh the weight-gradient of a gradient penalty comes
 * out wrong, for exp exactly half of the second derivative is missing. Other gradients build masks with
 * comparison ops (Greater, LessEqual, Equal, LogicalNot …) that have no gradient registered, and a second
 * pass throws "gradient function not found for Greater" (leakyRelu, prelu, selu, relu6, max, logSumExp,
 * clipByValue, maximum, minimum), or goes through a gradient kernel with no gradient of its own (EluGrad).
 * See tensorflow/tfjs#3252.
 *
 * The fix, in {@link enableHigherOrderGradients}: re-register the gradients of the first group so that they
 * recompute what they need from the op's INPUTS (one extra elementwise op each in the backward pass), and
 * give the comparison and logical ops the gradient they mathematically have, zero.
 *
 * @see Gulrajani et al. 2017, arXiv:1704.00028 (the gradient penalty that needs this).
 * @see tensorflow/tfjs#3252 "Gradients of comparison ops".
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';

/** Σ over the axes broadcasting added, back to `shape`. */
function unbroadcast(x: Tensor, shape: number[]): Tensor {
  const axes = tf.broadcast_util.getReductionAxes(shape, x.shape);
  const summed = axes.length > 0 ? tf.sum(x, axes) : x;
  return tf.reshape(summed, shape);
}

/**
 * The kernels whose gradients are re-registered to recompute from their inputs, with the formula used.
 * Every formula is the one tfjs registers, with the saved output y replaced by f(x); and AvgPoolGrad,
 * which tfjs leaves without a gradient.
 */
const recomputed: GradConfig[] = [
  {
    // d tanh(x) = 1 − tanh(x)²
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      return { x: () => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x)))) };
    },
  },
  {
    // d σ(x) = σ(x)(1 − σ(x))
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
        },
      };
    },
  },
  {
    // d exp(x) = exp(x)
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      return { x: () => tf.mul(dy, tf.exp(x)) };
    },
  },
  {
    // d softmax: y ⊙ (dy − Σ dy ⊙ y), y = softmax(logits) along `dim`
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dys, saved, attrs) => {
      const dy = dys as Tensor;
      const [logits] = saved as [Tensor];
      const { dim } = attrs as unknown as { dim: number };
      return {
        logits: () => {
          const y = tf.softmax(logits, dim);
          const dyy = tf.mul(dy, y);
          return tf.sub(dyy, tf.mul(tf.sum(dyy, [dim], true), y));
        },
      };
    },
  },
  {
    // d elu(x) = 1 for x > 0, exp(x) otherwise; exp(min(x, 0)) keeps the unused branch finite (no 0·∞)
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      return { x: () => tf.where(tf.greater(x, 0), dy, tf.mul(dy, tf.exp(tf.minimum(x, 0)))) };
    },
  },
  {
    // d aᵇ/da = b·aᵇ⁻¹, d aᵇ/db = aᵇ·log a (a > 0, else 0); aᵇ recomputed instead of saved
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: (dys, saved) => {
      const dy = dys as Tensor;
      const [a, b] = saved as [Tensor, Tensor];
      return {
        a: () => {
          const bf = tf.cast(b, 'float32');
          return unbroadcast(tf.mul(dy, tf.mul(bf, tf.pow(a, tf.sub(bf, 1)))), a.shape);
        },
        b: () => {
          const positive = tf.greater(a, 0);
          // log of a safe base: the unused branch must not make 0·∞ in a further derivative
          const logBase = tf.where(positive, tf.log(tf.where(positive, a, tf.onesLike(a))), tf.zerosLike(a));
          return unbroadcast(tf.mul(dy, tf.mul(tf.pow(a, b), logBase)), b.shape);
        },
      };
    },
  },
  {
    // AvgPoolGrad (the backward kernel of avgPool) is linear in dy: dx = Aᵀdy with A the average pooling,
    // so its own gradient is A·ddx = avgPool(ddx) for dy, and zero for `input` (which only gives a shape)
    kernelName: 'AvgPoolGrad',
    inputsToSave: ['input'],
    gradFunc: (dys, saved, attrs) => {
      const ddx = dys as Tensor;
      const [input] = saved as [Tensor];
      const { filterSize, strides, pad } = attrs as unknown as { filterSize: [number, number] | number; strides: [number, number] | number; pad: 'valid' | 'same' | number };
      return {
        dy: () => tf.avgPool(ddx as tf.Tensor4D, filterSize, strides, pad),
        input: () => tf.zeros(input.shape, 'float32'),
      };
    },
  },
];

/** Comparison, logical and mask kernels that get the zero gradient (tfjs registers none for them). */
const zeroBinary = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr', 'LogicalXor'];
const zeroUnary = ['LogicalNot', 'IsNan', 'IsInf', 'IsFinite'];

function zeroGradient(kernelName: string, inputs: string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy, saved) => {
      const out: Record<string, () => Tensor> = {};
      inputs.forEach((name, i) => {
        const shape = (saved[i] as Tensor).shape;
        out[name] = () => tf.zeros(shape, 'float32');
      });
      return out;
    },
  };
}

const replacements: GradConfig[] = [
  ...recomputed,
  ...zeroBinary.map((k) => zeroGradient(k, ['a', 'b'])),
  ...zeroUnary.map((k) => zeroGradient(k, ['x'])),
];

/**
 * The kernels {@link enableHigherOrderGradients} re-registers: `recomputed` get gradients that recompute
 * from the op's inputs instead of its saved output; `zeroGradient` get the zero gradient.
 * @see tensorflow/tfjs#3252
 * @example
 * ```ts
 * console.log(higherOrderGradientKernels.recomputed); // ['Tanh', 'Sigmoid', 'Exp', 'Softmax', 'Elu', 'Pow', 'AvgPoolGrad']
 * ```
 * @since 0.1.0
 */
export const higherOrderGradientKernels: { readonly recomputed: readonly string[]; readonly zeroGradient: readonly string[] } = Object.freeze({
  recomputed: Object.freeze(recomputed.map((c) => c.kernelName)),
  zeroGradient: Object.freeze([...zeroBinary, ...zeroUnary]),
});

/** Saved registrations, one frame per enable call still in force (innermost last). */
const frames: { saved: Map<string, GradConfig | undefined>; active: boolean }[] = [];

function restoreFrame(frame: { saved: Map<string, GradConfig | undefined>; active: boolean }): void {
  for (const [name, config] of frame.saved) {
    if (config) tf.registerGradient(config);
    else if (tf.getGradient(name)) tf.unregisterGradient(name);
  }
  frame.active = false;
}

/**
 * Makes second-order gradients (a gradient of a gradient) correct in tfjs-core 4.22 for the ops critics
 * are built from, by re-registering the gradients of these kernels in the global gradient registry:
 *
 * - **recomputed from the input** (the tfjs gradient reads the op's saved output, whose link to the input
 *   is lost on the tape, so the second derivative silently misses a term):
 *   `Tanh` (1 − tanh²x), `Sigmoid` (σ(1 − σ)), `Exp` (eˣ), `Softmax` (y ⊙ (dy − Σ dy ⊙ y)),
 *   `Elu` (1 or e^min(x,0); tfjs's EluGrad kernel has no gradient at all and throws), `Pow` (aᵇ log a).
 * - **given a gradient** (tfjs has none, so a second pass through avgPool throws): `AvgPoolGrad`, linear
 *   in dy, whose gradient is avgPool itself.
 * - **zero gradient** (tfjs registers none, so the second pass throws "gradient function not found"):
 *   `Greater`, `GreaterEqual`, `Less`, `LessEqual`, `Equal`, `NotEqual`, `LogicalAnd`, `LogicalOr`,
 *   `LogicalXor`, `LogicalNot`, `IsNan`, `IsInf`, `IsFinite`. This is what makes leakyRelu, prelu, selu,
 *   relu6, max/min, logSumExp, clipByValue, maximum and minimum twice differentiable.
 *
 * relu, softplus, logSigmoid, sqrt, rsqrt, square, log, abs, matMul and conv2d are already
 * correct in tfjs and are left alone. Still wrong with this on: `tf.logSoftmax` (a customGrad op that
 * saves its output; write `tf.sub(x, tf.logSumExp(x, -1, true))`); still throwing: maxPool (its
 * MaxPoolGrad kernel has no gradient; use strided convolutions or avgPool).
 *
 * The replacements compute the same first derivatives (to float32 rounding) at the cost of one extra
 * elementwise op per recomputed kernel in the backward pass. No package function calls this: the app
 * opts in, once, before building the computations (the registry is read when an op is recorded, so do
 * not toggle it between a forward pass and its backward pass).
 *
 * @returns a function that puts back the registrations found before this call (idempotent); calls nest
 *   (restoring an outer call also restores the inner ones still in force)
 * @see tensorflow/tfjs#3252 · Gulrajani et al. 2017, arXiv:1704.00028 (WGAN-GP, which needs it)
 * @example
 * ```ts
 * const restore = enableHigherOrderGradients();
 * const x = tf.scalar(0.5);
 * // d/dx of d/dx tanh(x)² = 2(1 − t²)(1 − 3t²), t = tanh(0.5)
 * tf.grad((v) => tf.grad((u) => tf.square(tf.tanh(u)))(v))(x).print(); // 0.5652 (1.2370 without it)
 * restore();
 * ```
 * @since 0.1.0
 */
export function enableHigherOrderGradients(): () => void {
  const saved = new Map<string, GradConfig | undefined>();
  for (const config of replacements) saved.set(config.kernelName, tf.getGradient(config.kernelName) ?? undefined);
  for (const config of replacements) tf.registerGradient(config);
  const frame = { saved, active: true };
  frames.push(frame);
  return () => {
    const i = frames.indexOf(frame);
    if (i < 0) return;
    // restore the frames opened after this one first (LIFO), then this one
    for (let j = frames.length - 1; j >= i; j--) restoreFrame(frames[j]!);
    frames.length = i;
  };
}

/**
 * Undoes every {@link enableHigherOrderGradients} call still in force: the gradient registry is back to
 * what it was before the first of them. A no-op when none is in force.
 *
 * @example
 * ```ts
 * enableHigherOrderGradients();
 * disableHigherOrderGradients();
 * console.log(higherOrderGradientsEnabled()); // false
 * ```
 * @since 0.1.0
 */
export function disableHigherOrderGradients(): void {
  for (let j = frames.length - 1; j >= 0; j--) restoreFrame(frames[j]!);
  frames.length = 0;
}

/**
 * Whether the gradients registered by {@link enableHigherOrderGradients} are in force, read from the
 * gradient registry itself (false once anything re-registered one of those kernels).
 *
 * @example
 * ```ts
 * console.log(higherOrderGradientsEnabled()); // false unless the app opted in
 * ```
 * @since 0.1.0
 */
export function higherOrderGradientsEnabled(): boolean {
  return replacements.every((c) => tf.getGradient(c.kernelName)?.gradFunc === c.gradFunc);
}
