import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * The user's network: given x_t `[B, ...]` and the int32 timesteps `[B]` it was noised at (the original
 * timesteps, also for a respaced schedule), returns a float32 tensor of x_t's shape: its prediction of ε,
 * x₀ or v (see {@link Prediction}). A tfjs-layers model, a graph model or a plain function over
 * `tf.Variable`s all fit. It is called inside a `tf.tidy`: intermediate tensors it makes are freed.
 *
 * @since 0.1.0
 */
export type Denoiser = (xt: Tensor, t: Tensor) => Tensor;
