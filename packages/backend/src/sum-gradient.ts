/**
 * The gradient of a sum as a broadcast of dy.
 *
 * tfjs 4.22 differentiates y = sum(x, axes) as dx = reshape(dy, keep-dims shape)·ones(x.shape): the `ones` are
 * built on the host and uploaded, x.size floats per backward pass (4 MB for the Gumbel-softmax bench step,
 * 400 KB for a VAE's likelihood summed over 784 pixels), then multiplied. {@link enableBroadcastSumGradient}
 * registers dx = broadcast of reshape(dy, …) to x.shape instead: nothing uploaded, the same numbers (a product
 * with 1 is exact). On cpu and wasm the broadcast is one kernel of ours, `GenmodBroadcast` (block copies and
 * fills; tfjs's Tile, which broadcastTo runs, is a generic loop 8× slower than dy·ones on wasm); elsewhere
 * tfjs's broadcastTo. The backward pass of a sum over [128, 784] and [1024, 512] (interleaved A/B medians,
 * 2-core machine): wasm 0.71 → 0.42 and 2.79 → 1.03 ms; cpu 16.7 → 1.3 and 94.6 → 7.4 ms.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { swapKernels } from './internal/overrides.js';
import { BROADCAST_KERNEL, broadcastGradient, broadcastKernel, broadcastKernels } from './kernels/broadcast.js';

/** The gradient config in force while enabled, and what it replaced. */
let installed: GradConfig | undefined;

/**
 * Replaces the gradient of `Sum` (tf.sum) by a broadcast:
 *
 *   ∂/∂x Σ_{axes} x = broadcastTo(dy with the summed axes kept as 1, x.shape)
 *
 * which is tfjs's own gradient, dy·1, without the tensor of ones it builds on the host and uploads on every
 * backward pass. Bit-equal to tfjs's (the product with 1 is exact), on every backend; one kernel where tfjs's
 * runs an upload and a Multiply (`GenmodBroadcast` on cpu and wasm, 1.7–2.7× faster on wasm and 13× on cpu;
 * tfjs's Tile elsewhere). Second-order gradients work (the broadcast's gradient is a sum).
 *
 * Idempotent: while it is installed a second call changes nothing and returns a no-op. The restore function
 * puts the previous gradient back (if this one is still registered); calling it twice does nothing. The
 * registry is read when an op is recorded: install it at start-up. `chooseBackend` installs it on cpu and wasm.
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
      return {
        x: () => {
          const expanded = tf.reshape(dy, kept);
          // cpu and wasm: one pass of block copies and fills; elsewhere tfjs's broadcastTo (Tile)
          const here = tf.getKernel(BROADCAST_KERNEL, tf.getBackend()) !== undefined && expanded.dtype === 'float32';
          return here ? broadcastKernel(expanded, x.shape) : tf.broadcastTo(expanded, x.shape);
        },
      };
    },
  };
  const previousBroadcastGradient = tf.getGradient(BROADCAST_KERNEL);
  const restoreKernels = swapKernels(broadcastKernels);
  tf.registerGradient(broadcastGradient);
  tf.registerGradient(mine);
  installed = mine;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    restoreKernels();
    if (tf.getGradient(BROADCAST_KERNEL) === broadcastGradient) {
      if (previousBroadcastGradient) tf.registerGradient(previousBroadcastGradient);
      else tf.unregisterGradient(BROADCAST_KERNEL);
    }
    if (tf.getGradient(tf.Sum) !== mine) return;
    if (previous) tf.registerGradient(previous);
    else tf.unregisterGradient(tf.Sum);
    installed = undefined;
  };
}
