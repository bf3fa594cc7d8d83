/**
 * A multilayer perceptron over tf.Variables: the default conditioner of the coupling layers.
 * Its last layer starts at zero, so a coupling (or a whole flow) built on it starts as the identity.
 *
 * @see Dinh, Sohl-Dickstein & Bengio 2017, "Density estimation using Real NVP", ICLR, arXiv:1605.08803 (s and t networks).
 * @see Kingma & Dhariwal 2018, "Glow", NeurIPS, arXiv:1807.03039, §3.3 (zero-initialized last layer).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Network } from './bijector.js';
import { checkInteger, checkOptions, type Seed, type Stateful } from '@genmod-internal/core';
import { checkNetworkOptions, dense, denseNetwork, type Dense } from './internal/dense.js';

const KEYS = ['inputs', 'hidden', 'outputs', 'contextSize', 'activation', 'zeroLast', 'seed'] as const;

/** The options of {@link mlp}. Unknown keys throw. @since 0.1.0 */
export interface MlpOptions {
  /** input size I */
  inputs: number;
  /** hidden layer sizes, default [64, 64] */
  hidden?: number[];
  /** output size O */
  outputs: number;
  /** size C of a context concatenated to the input (conditional flows); default none */
  contextSize?: number;
  /** the hidden activation, default `tf.relu` */
  activation?: (x: Tensor) => Tensor;
  /** start the last layer at zero (the output is 0 for every input until trained), default true */
  zeroLast?: boolean;
  /**
   * seed of the initial weights, a number (0 included) or a string: layer l draws W and b from
   * deriveSeed(seed, 'layer', l, 'w' | 'b'). Strings too.
   */
  seed?: Seed;
}

/**
 * An MLP `[..., I] (+ context [..., C]) → [..., O]`:
 *
 *   h₀ = [x, c],  h_l = act(h_{l−1} W_l + b_l),  out = h_L W_{L+1} + b_{L+1}
 *
 * Weights are `tf.Variable`s (W `[in, out]`, row-vector convention) initialized U(−1/√fan_in, 1/√fan_in)
 * like PyTorch's `nn.Linear`, the last layer at zero unless `zeroLast: false`. The returned function
 * carries `trainableVariables`, `dispose()`, and `getState()` / `loadState()` ({@link Stateful}):
 *
 * | state name | what it is |
 * |---|---|
 * | `l/kernel` | W of layer l (0 = first), `[in, out]` |
 * | `l/bias` | b of layer l, `[out]` |
 *
 * @see Dinh et al. 2017, arXiv:1605.08803
 * @example
 * ```ts
 * const net = mlp({ inputs: 2, hidden: [32, 32], outputs: 4, seed: 1 });
 * const out = net(tf.zeros([8, 2]));           // [8, 4], all zeros at initialization
 * net.dispose();
 * ```
 * @since 0.1.0
 */
export function mlp(options: MlpOptions): Network & Stateful & { trainableVariables: tf.Variable[]; dispose(): void } {
  const fn = 'mlp';
  options = checkOptions(fn, options, KEYS);
  const inputs = checkInteger(fn, 'options.inputs', options.inputs, { min: 1 });
  const outputs = checkInteger(fn, 'options.outputs', options.outputs, { min: 1 });
  const { hidden, contextSize, seed, act } = checkNetworkOptions(fn, options);
  const sizes = [inputs + (contextSize ?? 0), ...hidden, outputs];
  const layers: Dense[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const last = l + 2 === sizes.length;
    layers.push(dense(sizes[l]!, sizes[l + 1]!, last && (options.zeroLast ?? true), seed, l, 'mlp'));
  }
  return denseNetwork(fn, layers, inputs, contextSize, act);
}
