/**
 * The gradient of a sum as a broadcast of dy.
 *
 * tfjs 4.22 differentiates y = sum(x, axes) as dx = reshape(dy, keep-dims shape)·ones(x.shape): the `ones` are
 * built on the host and uploaded, x.size floats per backward pass (4 MB for the Gumbel-softmax bench step,
 * 400 KB for a VAE's likelihood summed over 784 pixels), then multiplied. {@link enableBroadcastSumGradient}
 * registers dx = broadcastTo(reshape(dy, …), x.shape) instead: one kernel (Tile), nothing uploaded, the same
 * numbers (a product with 1 is exact). Faster on cpu (2.5× on the backward pass of a sum over [128, 784] and
 * [1024, 512]); on wasm, tfjs's Tile kernel is 8× slower than the upload and Multiply it replaces, so
 * chooseBackend installs it on cpu only.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';

/** The gradient config in force while enabled, and what it replaced. */
let installed: GradConfig | undefined;

/**
 * Replaces the gradient of `Sum` (tf.sum) by a broadcast:
 *
 *   ∂/∂x Σ_{axes} x = broadcastTo(dy with the summed axes kept as 1, x.shape)
 *
 * which is tfjs's own gradient, dy·1, without the tensor of ones it builds on the host and uploads on every
 * backward pass. Bit-equal to tfjs's (the product with 1 is exact), on every backend; one kernel (Tile) where
 * tfjs's runs an upload and a Multiply: 2.5× faster on cpu, 8× slower on wasm (tfjs's Tile there is a slow
 * generic loop). Second-order gradients work (broadcastTo is differentiable).
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op. The restore function
 * puts the previous gradient back (if this one is still registered); calling it twice does nothing. The
 * registry is read when an op is recorded: install it at start-up. `chooseBackend` installs it on cpu.
 *
 * @returns a function that restores the previous gradient
 * @see Griewank & Walther 2008, "Evaluating Derivatives" (reverse mode: the adjoint of a sum broadcasts)
 * @example
 * ```ts
 * const restore = enableBroadcastSumGradient();
 * const dx = tf.grad((x) => tf.sum(tf.mul(tf.sum(x, 1), tf.tensor1d([1, 2]))))(tf.ones([2, 3]));
 * console.log(Array.from(dx.dataSync())); // [1, 1, 1, 2, 2, 2]
 * restore();
 * ```
 * @since 0.1.0
 */
export function enableBroadcastSumGradient(): () => void {
  if (installed !== undefined && tf.getGradient(tf.Sum) === installed) return () => {};
  const previous = tf.getGradient(tf.Sum);
  const mine: GradConfig = {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dys, saved, attrs) => {
      const dy = dys as Tensor;
      const [x] = saved as [Tensor];
      const { axis } = attrs as unknown as { axis: number | number[] };
      const kept = x.shape.slice();
      for (const a of tf.util.parseAxisParam(axis, x.shape)) kept[a] = 1;
      return { x: () => tf.broadcastTo(tf.reshape(dy, kept), x.shape) };
    },
  };
  tf.registerGradient(mine);
  installed = mine;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    if (tf.getGradient(tf.Sum) !== mine) return;
    if (previous) tf.registerGradient(previous);
    else tf.unregisterGradient(tf.Sum);
    installed = undefined;
  };
}
