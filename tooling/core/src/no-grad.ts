import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * Computes `compute(...inputs)` as one opaque node whose gradient is zero. tfjs-core registers no gradient
 * for comparison and logical ops (Greater, LogicalAnd, Any, …), so a mask computed from a differentiable
 * tensor breaks `tf.grad` unless it is built here (ops run inside a custom-gradient forward are not taped).
 * Pass float inputs and build the whole mask in one call: a bool tensor fed in from outside is itself the
 * output of a comparison op on the tape, and backpropagation stops there with the same error.
 */
export function nonDifferentiable(compute: (...xs: Tensor[]) => Tensor, ...inputs: Tensor[]): Tensor {
  const node = tf.customGrad((...args: unknown[]) => {
    const xs = args.slice(0, inputs.length) as Tensor[];
    return { value: compute(...xs), gradFunc: () => xs.map((x) => tf.zerosLike(x)) };
  });
  return (node as (...xs: Tensor[]) => Tensor)(...inputs);
}
